"""Seats: a learner books or leaves, an instructor overrides or moves someone. Each decision is
made on the session's locked snapshot and written in the same transaction."""

from __future__ import annotations

from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import (
    Decision,
    Intent,
    Outcome,
    decide_cancel,
    decide_signup_on,
)
from lti_app.domain.signups.instructor import MoveDecision, decide_move, decide_override
from lti_app.services.signups._promotions import tell_promoted
from lti_app.services.signups._transactions import (
    _decide_locked,
    booking_transaction,
    on_fresh_snapshot,
    signup_connection,
)
from lti_app.services.signups.audit_actions import INSTRUCTOR_CANCEL, MOVE_IN, MOVE_OUT, OVERRIDE
from lti_app.storage import checkout_ping, signups_repo
from lti_app.storage.signups_repo import AuditEntry


def book(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    user_id: int,
    intent: Intent,
    now: datetime,
) -> Decision:
    """A learner signs up: a seat, else the waitlist (with position), or a refusal. A
    repeated sign-up returns the existing booking and writes nothing. A stable group's session
    takes its members only, read under the session's lock (``LockedSignup.members_only``);
    ``override`` may still seat anyone, logged. Decided on the session's summary for this
    person (``lock_for_signup``), the shortest read the rule allows under the lock."""

    def attempt() -> Decision:
        with signup_connection() as connection:
            target = signups_repo.lock_for_signup(connection, scope, session_id, sheet_id, user_id)
            decision = decide_signup_on(target.rules, target.view, intent, now)
            if not decision.changes:
                return decision
            # A sign-up seats or queues the person asking and moves nobody else, so there
            # is nobody to tell and nothing for the audit log.
            return signups_repo.apply_decision(connection, scope, target, decision, now)

    # Safe to run twice (a booking made is found again), so without the pool's ping.
    return checkout_ping.repeated_if_connection_lost(lambda: on_fresh_snapshot(attempt))


def cancel_booking(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    user_id: int,
    now: datetime,
    instructor_id: int | None = None,
    reason: str = "",
) -> Decision:
    """Someone leaves (or an instructor takes them off, logged); the freed seat goes to the
    waitlist, first come first served, in the same transaction."""

    def audit(decision: Decision) -> AuditEntry | None:
        if instructor_id is None or decision.outcome is not Outcome.CANCELLED:
            return None
        return AuditEntry(
            INSTRUCTOR_CANCEL,
            session_id,
            instructor_id,
            subject_user_id=user_id,
            reason=decision.reason,
            detail={"promoted": [b.user_id for b in decision.promoted]},
        )

    return _decide_locked(
        scope,
        sheet_id,
        session_id,
        now,
        lambda t: decide_cancel(t.rules, t.state, user_id, now, instructor_id, reason),
        audit,
    )


def override(
    scope: CourseScope,
    *,
    sheet_id: int,
    session_id: int,
    user_id: int,
    intent: Intent,
    instructor_id: int,
    reason: str,
    now: datetime,
) -> Decision:
    """An instructor gives someone a seat, beyond capacity if need be; logged with who, why
    and whether a limit was exceeded."""

    def audit(decision: Decision) -> AuditEntry:
        return AuditEntry(
            OVERRIDE,
            session_id,
            instructor_id,
            subject_user_id=user_id,
            reason=decision.reason,
            detail={
                "intent": intent.value,
                "overrode_capacity": decision.overrode_capacity,
                "promoted": [b.user_id for b in decision.promoted],
            },
        )

    return _decide_locked(
        scope,
        sheet_id,
        session_id,
        now,
        lambda t: decide_override(t.rules, t.state, user_id, intent, now, instructor_id, reason),
        audit,
    )


def move(
    scope: CourseScope,
    *,
    sheet_id: int,
    from_session_id: int,
    to_session_id: int,
    user_id: int,
    instructor_id: int,
    reason: str,
    now: datetime,
    beyond_capacity: bool = False,
) -> MoveDecision:
    """Move a person between two sessions of the sheet: both locked (lower id first), both
    halves written, told (whoever the seat left behind goes to) and logged in one
    transaction, or nothing when either is refused."""

    def attempt() -> MoveDecision:
        with booking_transaction() as session:
            both = signups_repo.lock_sessions(
                session, scope, (from_session_id, to_session_id), sheet_id
            )
            source, target = both[from_session_id], both[to_session_id]
            decision = decide_move(
                source.rules,
                source.state,
                target.rules,
                target.state,
                user_id,
                now,
                instructor_id,
                reason,
                beyond_capacity,
            )
            if decision.refused:
                return decision
            left = signups_repo.apply_decision(session, scope, source, decision.source, now)
            joined = signups_repo.apply_decision(session, scope, target, decision.target, now)
            tell_promoted(session, scope, source.record, left.promoted, now)
            tell_promoted(session, scope, target.record, joined.promoted, now)
            moved = {"from": from_session_id, "to": to_session_id}
            for action, applied, where in (
                (MOVE_OUT, left, from_session_id),
                (MOVE_IN, joined, to_session_id),
            ):
                signups_repo.record_audit(
                    session,
                    scope,
                    AuditEntry(
                        action,
                        where,
                        instructor_id,
                        subject_user_id=user_id,
                        reason=reason.strip(),
                        detail={
                            **moved,
                            "outcome": applied.outcome.value,
                            "overrode_capacity": applied.overrode_capacity,
                            "promoted": [b.user_id for b in applied.promoted],
                        },
                    ),
                    now,
                )
            return MoveDecision(left, joined)

    return on_fresh_snapshot(attempt)
