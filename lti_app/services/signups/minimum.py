"""Minimum size, for the worker: find sessions whose deadline passed unjudged, and judge each
under its lock (flag it, or cancel it with every booking when the course chose so)."""

from __future__ import annotations

from datetime import datetime

from lti_app.domain.signups.booking import Decision, Outcome
from lti_app.domain.signups.minimum import MinimumCheck, MinimumVerdict, check_minimum
from lti_app.services.signups.audit_actions import MINIMUM_CANCEL
from lti_app.storage import db, signups_repo
from lti_app.storage.signups_repo import AuditEntry, DueSession


def sessions_due_for_minimum(now: datetime, limit: int = 100) -> tuple[DueSession, ...]:
    """For the worker: sessions whose minimum-size deadline passed unjudged, all courses."""
    with db.transaction() as session:
        return signups_repo.sessions_due_for_minimum(session, now, limit)


def check_minimum_size(due: DueSession, *, now: datetime, auto_cancel: bool) -> MinimumCheck | None:
    """Judge one due session under its lock (``minimum.check_minimum``): flag it, or cancel it
    and every booking when the course chose so (logged). None when another worker judged it
    first; several workers may run this at once."""
    with db.write_transaction() as session:
        target = signups_repo.lock_session(session, due.scope, due.session_id, due.sheet_id)
        if target.record.minimum_checked_at is not None or target.record.cancelled:
            return None
        check = check_minimum(target.record.plan, target.state, now, auto_cancel)
        if check.verdict is MinimumVerdict.NOT_DUE:
            return check
        if check.verdict is MinimumVerdict.CANCEL:
            signups_repo.apply_decision(
                session,
                due.scope,
                target,
                Decision(Outcome.CANCELLED, changes=check.to_cancel),
                now,
            )
            signups_repo.cancel_session(session, due.scope, due.session_id, now, detach=True)
            signups_repo.record_audit(
                session,
                due.scope,
                AuditEntry(
                    MINIMUM_CANCEL,
                    due.session_id,
                    None,
                    detail={
                        "seated": check.seated,
                        "seats_min": check.seats_min,
                        "cancelled": [b.user_id for b in check.to_cancel],
                    },
                ),
                now,
            )
        signups_repo.mark_minimum_checked(session, due.scope, due.session_id, now)
        return check
