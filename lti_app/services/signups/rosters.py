"""Reads for pages: a session's roster and log, a person's bookings and waitlist places, the
names the platform shared. Nothing here is locked or decided."""

from __future__ import annotations

from collections.abc import Iterable

from lti_app.domain.scope import CourseScope
from lti_app.storage import db, signups_repo
from lti_app.storage.signups_repo import AuditRecord, BookingRecord, SessionRecord


def session_roster(
    scope: CourseScope, *, sheet_id: int, session_id: int
) -> tuple[SessionRecord, tuple[BookingRecord, ...]]:
    """A session and all its bookings in arrival order (instructors; learners see only their
    own session's members, which the view filters)."""
    with db.transaction() as session:
        record = signups_repo.get_session(session, scope, session_id, sheet_id)
        return record, signups_repo.roster(session, scope, session_id)


def my_bookings(scope: CourseScope, *, sheet_id: int, user_id: int) -> tuple[BookingRecord, ...]:
    with db.transaction() as session:
        return signups_repo.bookings_of(session, scope, user_id, sheet_id)


def waitlist_positions(scope: CourseScope, *, sheet_id: int, user_id: int) -> dict[int, int]:
    """The person's place on each waitlist of the sheet (session id → 1-based)."""
    with db.transaction() as session:
        return signups_repo.waitlist_positions(session, scope, sheet_id, user_id)


def person_names(scope: CourseScope, user_ids: Iterable[int]) -> dict[int, str]:
    """Names the platform shared, by user id (people of this course's platform only; a name it
    withheld is missing, and the view shows a pseudonym instead)."""
    with db.transaction() as session:
        return signups_repo.person_names(session, scope, tuple(user_ids))


def session_log(scope: CourseScope, *, sheet_id: int, session_id: int) -> tuple[AuditRecord, ...]:
    with db.transaction() as session:
        signups_repo.get_session(session, scope, session_id, sheet_id)  # scope check
        return signups_repo.audit_log(session, scope, session_id)
