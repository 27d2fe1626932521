"""Single sessions: created, edited (a capacity change promotes or is logged) and cancelled by
an instructor."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.plan import SessionPlan, check_plan
from lti_app.services.signups._plan_change import SessionSaved, _save_locked_plan
from lti_app.services.signups.audit_actions import SESSION_CANCEL
from lti_app.storage import db, roster_repo, signups_repo
from lti_app.storage.signups_repo import AuditEntry, SessionRecord, StaleSession


@dataclass(frozen=True, slots=True)
class GroupChoice:
    """The stable group an edit gives the session (``group_id`` None: open to everyone)."""

    group_id: int | None


def create_session(
    scope: CourseScope,
    *,
    sheet_id: int,
    plan: SessionPlan,
    now: datetime,
    group_id: int | None = None,
) -> SessionSaved:
    problems = check_plan(plan, now)
    if problems:
        return SessionSaved(None, problems)
    with db.write_transaction() as session:
        return SessionSaved(
            signups_repo.add_session(session, scope, sheet_id, plan, now, group_id=group_id)
        )


def edit_session(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    plan: SessionPlan,
    expected_version: int,
    editor_id: int,
    now: datetime,
    reason: str = "",
    group: GroupChoice | None = None,
) -> SessionSaved:
    """Save an edited session; raising seats promotes the waitlist in the same transaction,
    lowering them keeps everyone seated (logged with how far over capacity it leaves it).
    ``group`` (when given) makes it that stable group's session, or open to all, in the same
    transaction; a group of another sheet is ``GroupNotFound`` and nothing is saved."""
    problems = check_plan(plan, now)
    if problems:
        return SessionSaved(None, problems)
    with db.write_transaction() as session:
        target = signups_repo.lock_session(session, scope, session_id, sheet_id)
        if target.record.version != expected_version:
            raise StaleSession(f"session {session_id}: form had version {expected_version}")
        saved = _save_locked_plan(
            session, scope, target, plan, editor_id, reason, now, expected_version, detach=True
        )
        if group is None or group.group_id == target.record.group_id:
            return saved
        record = roster_repo.assign_session_group(
            session, scope, sheet_id, session_id, group.group_id, now
        )
        return replace(saved, session=record)


def cancel_session(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    instructor_id: int,
    reason: str,
    now: datetime,
) -> SessionRecord:
    """Cancel a session (its bookings stay as they were, for notices and calendars)."""
    with db.write_transaction() as session:
        target = signups_repo.lock_session(session, scope, session_id, sheet_id)
        if target.record.cancelled:
            return target.record
        record = signups_repo.cancel_session(session, scope, session_id, now, detach=True)
        signups_repo.record_audit(
            session,
            scope,
            AuditEntry(SESSION_CANCEL, session_id, instructor_id, reason=reason.strip()),
            now,
        )
        return record
