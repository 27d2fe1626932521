"""Private calendar feed tokens: only their hash is stored; a token found by its hash *is* the
scope of a feed request, which carries no launch."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.storage.signup_models import CalendarFeedToken
from lti_app.storage.signups_repo._common import _in_course
from lti_app.storage.signups_repo.records import FeedTokenRecord


def add_feed_token(
    session: Session, scope: CourseScope, user_id: int, token_hash: str, now: datetime
) -> FeedTokenRecord:
    """Store the hash of a new feed token (the token itself is shown once, never stored)."""
    row = CalendarFeedToken(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        user_id=user_id,
        token_hash=token_hash,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _feed_record(row)


def _feed_record(row: CalendarFeedToken) -> FeedTokenRecord:
    return FeedTokenRecord(
        row.id,
        CourseScope(row.tenant_id, row.course_id),
        row.user_id,
        row.created_at,
        row.revoked_at,
    )


def find_feed_token(session: Session, token_hash: str, now: datetime) -> FeedTokenRecord | None:
    """The live token with this hash (a feed request carries no launch: the token *is* the
    scope), noting its use; None when unknown or revoked."""
    row = session.scalar(
        select(CalendarFeedToken).where(
            CalendarFeedToken.token_hash == token_hash, CalendarFeedToken.revoked_at.is_(None)
        )
    )
    if row is None:
        return None
    row.last_used_at = now
    session.flush()
    return _feed_record(row)


def revoke_feed_tokens(session: Session, scope: CourseScope, user_id: int, now: datetime) -> int:
    """Revoke every live feed token of this person in this course; how many were live."""
    result = session.execute(
        update(CalendarFeedToken)
        .where(
            *_in_course(CalendarFeedToken, scope),
            CalendarFeedToken.user_id == user_id,
            CalendarFeedToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
