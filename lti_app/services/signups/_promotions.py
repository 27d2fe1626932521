"""The "you have a place" notice of a promotion, written in the promoting transaction. Private
to the package: every path that writes ``Decision.promoted`` calls :func:`tell_promoted`, so a
seat given from a waitlist is told exactly when it commits, whoever called the service."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Booking
from lti_app.services import notifications
from lti_app.storage.signups_repo import DbSession, SessionRecord


def tell_promoted(
    session: DbSession,
    scope: CourseScope,
    record: SessionRecord,
    promoted: Iterable[Booking],
    now: datetime,
) -> int:
    """One ``promoted`` notice per person given a seat of ``record`` (at its version after
    this transaction's change); how many were new."""
    return notifications.add_in_transaction(
        session, record, scope, [b.user_id for b in promoted], notifications.PROMOTED, now
    )
