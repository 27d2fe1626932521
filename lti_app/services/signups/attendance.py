"""Attendance: marked per seated person, logged, and its grade queued in the score outbox in the
same transaction so it is never lost."""

from __future__ import annotations

from datetime import datetime

from flask import has_app_context

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Decision
from lti_app.domain.signups.instructor import decide_attendance
from lti_app.i18n import gettext, use_locale
from lti_app.i18n.marking import N_
from lti_app.services.score_outbox import deliver_now
from lti_app.services.signups.audit_actions import ATTENDANCE
from lti_app.storage import db, launch_rows_repo, signups_repo
from lti_app.storage.signups_repo import AuditEntry

ATTENDED_COMMENT = N_("Attended the intervision session")
ABSENT_COMMENT = N_("Did not attend the intervision session")


def attendance_score(attended: bool, locale: str | None = None) -> tuple[float, float, str]:
    """(given, maximum, comment) for the sheet's grade column: completion, never content or
    names (a minimal adapter: the domain has no attendance grading rule yet). The comment is
    in the learner's ``locale`` (else the deployment's default), not the instructor's: the
    learner reads it in the gradebook."""
    given, comment = (1.0, ATTENDED_COMMENT) if attended else (0.0, ABSENT_COMMENT)
    if has_app_context():
        with use_locale(locale):
            comment = gettext(comment)
    return given, 1.0, comment


def mark_attendance(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    user_id: int,
    attended: bool,
    instructor_id: int,
    now: datetime,
) -> Decision:
    """Mark a seated person attended or absent (from the start on; correctable), logged, and
    put the grade for the sheet's line item into the score outbox in the same transaction, so
    it is never lost; then one short delivery attempt, as for module completion, so the
    gradebook has it at once when the LMS answers (the worker retries otherwise)."""
    decision, outbox_id = _mark(scope, sheet_id, session_id, user_id, attended, instructor_id, now)
    if outbox_id is not None:
        deliver_now(outbox_id, now=now)
    return decision


def _mark(
    scope: CourseScope,
    sheet_id: int,
    session_id: int,
    user_id: int,
    attended: bool,
    instructor_id: int,
    now: datetime,
) -> tuple[Decision, int | None]:
    with db.write_transaction() as session:
        target = signups_repo.lock_session(session, scope, session_id, sheet_id)
        decision = decide_attendance(target.rules, target.state, user_id, attended, now)
        if not decision.changes:
            return decision, None
        decision = signups_repo.apply_decision(session, scope, target, decision, now)
        signups_repo.record_audit(
            session,
            scope,
            AuditEntry(
                ATTENDANCE,
                session_id,
                instructor_id,
                subject_user_id=user_id,
                detail={"attended": attended},
            ),
            now,
        )
        locale = launch_rows_repo.user_locales(session.connection(), [user_id]).get(user_id)
        given, maximum, comment = attendance_score(attended, locale)
        outbox_id = signups_repo.enqueue_attendance_score(
            session, scope, sheet_id, user_id, given, maximum, comment, now
        )
        return decision, outbox_id
