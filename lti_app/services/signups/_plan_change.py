"""A locked session given a new plan through the capacity rule, shared by a single session's
edit and a series edit so both promote and log alike. Private to the package; ``SessionSaved``
is re-exported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Booking, Decision, Outcome, SeatRules
from lti_app.domain.signups.instructor import decide_capacity_change
from lti_app.domain.signups.plan import SessionPlan
from lti_app.domain.signups.problems import Problem
from lti_app.services.signups._promotions import tell_promoted
from lti_app.services.signups.audit_actions import CAPACITY_CHANGE
from lti_app.storage import signups_repo
from lti_app.storage.signups_repo import AuditEntry, DbSession, LockedSession, SessionRecord


@dataclass(frozen=True, slots=True)
class SessionSaved:
    """A saved session (and whom a capacity change promoted), or why nothing was saved."""

    session: SessionRecord | None
    problems: tuple[Problem, ...] = ()
    promoted: tuple[Booking, ...] = ()


def _save_locked_plan(
    session: DbSession,
    scope: CourseScope,
    target: LockedSession,
    plan: SessionPlan,
    editor_id: int | None,
    reason: str,
    now: datetime,
    expected_version: int | None = None,
    *,
    detach: bool = False,
) -> SessionSaved:
    """Give a locked session a new plan (its version rises), through the capacity rule:
    raising seats promotes FIFO in this transaction (and tells the promoted), lowering them
    keeps everyone seated (logged with how far over capacity it leaves it)."""
    session_id = target.record.id
    before = target.record.plan
    # Judged on the new plan's times too: a moved deadline decides whether to promote.
    change = decide_capacity_change(
        SeatRules.from_plan(plan, cancelled=target.record.cancelled),
        target.state,
        plan.seats_max,
        plan.case_bringer_places,
        now,
    )
    saved = signups_repo.save_plan(
        session, scope, session_id, plan, expected_version, now, detach=detach
    )
    promoted: tuple[Booking, ...] = ()
    if change.promoted:
        applied = signups_repo.apply_decision(
            session,
            scope,
            target,
            Decision(Outcome.CONFIRMED, changes=change.promoted, promoted=change.promoted),
            now,
        )
        promoted = applied.promoted
        tell_promoted(session, scope, saved, promoted, now)
    limits = (before.seats_max, before.case_bringer_places)
    if limits != (plan.seats_max, plan.case_bringer_places):
        signups_repo.record_audit(
            session,
            scope,
            AuditEntry(
                CAPACITY_CHANGE,
                session_id,
                editor_id,
                reason=reason.strip(),
                detail={
                    "seats_max": [before.seats_max, plan.seats_max],
                    "case_bringer_places": [
                        before.case_bringer_places,
                        plan.case_bringer_places,
                    ],
                    "over_capacity_by": change.over_capacity_by,
                    "promoted": [b.user_id for b in promoted],
                },
            ),
            now,
        )
    return SessionSaved(saved, promoted=promoted)
