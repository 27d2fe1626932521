"""Minimum size for the worker: which sessions are due to be judged (across courses) and
marking one judged, so a later edit makes it due again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.storage.signup_models import SESSION_SCHEDULED, SignupSession
from lti_app.storage.signups_repo._common import _session_row
from lti_app.storage.signups_repo.records import DueSession


def sessions_due_for_minimum(
    session: Session, now: datetime, limit: int = 100
) -> tuple[DueSession, ...]:
    """Scheduled sessions with a minimum whose deadline (``minimum.minimum_deadline``: its own,
    else sign-up closing, else the start) has passed and that were not judged since their
    last edit. Across courses: the worker serves all of them, each then under its own scope."""
    deadline = func.coalesce(
        SignupSession.min_size_deadline, SignupSession.signup_closes_at, SignupSession.starts_at
    )
    rows = session.execute(
        select(
            SignupSession.tenant_id,
            SignupSession.course_id,
            SignupSession.sheet_id,
            SignupSession.id,
        )
        .where(
            SignupSession.minimum_checked_at.is_(None),
            SignupSession.status == SESSION_SCHEDULED,
            SignupSession.seats_min > 0,
            deadline <= now,
        )
        .order_by(deadline, SignupSession.id)
        .limit(limit)
    )
    return tuple(
        DueSession(CourseScope(tenant, course), sheet, sid) for tenant, course, sheet, sid in rows
    )


def mark_minimum_checked(
    session: Session, scope: CourseScope, session_id: int, now: datetime
) -> None:
    _session_row(session, scope, session_id).minimum_checked_at = now
    session.flush()
