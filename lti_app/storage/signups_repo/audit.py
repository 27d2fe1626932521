"""The sign-up log: who did what to whom and why (overrides, moves, capacity changes,
cancellations, attendance), written in the transaction of the change it records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.storage.signup_models import SignupAudit
from lti_app.storage.signups_repo._common import _in_course
from lti_app.storage.signups_repo.records import AuditEntry, AuditRecord


def record_audit(
    session: Session, scope: CourseScope, entry: AuditEntry, now: datetime
) -> AuditRecord:
    row = SignupAudit(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        session_id=entry.session_id,
        action=entry.action,
        actor_id=entry.actor_id,
        subject_user_id=entry.subject_user_id,
        reason=entry.reason,
        detail=dict(entry.detail),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _audit_record(row)


def _audit_record(row: SignupAudit) -> AuditRecord:
    return AuditRecord(
        row.id,
        row.action,
        row.session_id,
        row.actor_id,
        row.subject_user_id,
        row.reason,
        dict(row.detail),
        row.created_at,
    )


def audit_log(
    session: Session, scope: CourseScope, session_id: int | None = None
) -> tuple[AuditRecord, ...]:
    """The course's log (one session's, when given), oldest first."""
    query = select(SignupAudit).where(*_in_course(SignupAudit, scope))
    if session_id is not None:
        query = query.where(SignupAudit.session_id == session_id)
    rows = session.scalars(query.order_by(SignupAudit.created_at, SignupAudit.id)).all()
    return tuple(_audit_record(row) for row in rows)
