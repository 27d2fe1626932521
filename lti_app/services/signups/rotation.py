"""Roles in a session: a moderator and a timekeeper chosen from its seated people, fairly over
the sheet's term."""

from __future__ import annotations

from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.rotation import Rotation, choose_roles
from lti_app.storage import db, signups_repo

ROLES = ("moderator", "timekeeper")  # assigned per session; case-bringers sign up as such


def rotate_roles(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    now: datetime,
    fixed: dict[str, int] | None = None,
) -> Rotation:
    """Give the session a moderator and a timekeeper from its seated people, fairly over the
    sheet's term (``rotation.choose_roles``); ``fixed`` are the instructor's own picks."""
    with db.write_transaction() as session:
        target = signups_repo.lock_session(session, scope, session_id, sheet_id)
        members = [b.user_id for b in sorted(target.state.seated, key=lambda b: b.arrival)]
        history = signups_repo.role_history(session, scope, sheet_id, except_session=session_id)
        rotation = choose_roles(members, ROLES, history, fixed)
        if not rotation.problems:
            signups_repo.assign_roles(
                session,
                scope,
                session_id,
                rotation.assigned.get("moderator"),
                rotation.assigned.get("timekeeper"),
                now,
            )
        return rotation
