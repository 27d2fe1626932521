"""What instructors may do to bookings: override capacity, move people, resize, mark attendance.

Same contract as ``booking``: a snapshot in, a decision of rows to write out. Everything an
instructor does that bends a rule carries their id and a reason, so storage's audit log can
say who and why (research: scheduler #85 overbooked through unlogged teacher bookings).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from lti_app.domain.signups.booking import (
    Booking,
    BookingStatus,
    Decision,
    Intent,
    Outcome,
    Refusal,
    SeatRules,
    SessionState,
    current_outcome,
    decide_cancel,
    free_seat_for,
    promotions,
    refuse,
    waitlist_position,
)


def decide_override(
    rules: SeatRules,
    state: SessionState,
    user_id: int,
    intent: Intent,
    now: datetime,
    instructor_id: int,
    reason: str,
) -> Decision:
    """An instructor gives someone a seat, beyond capacity if need be, with a logged reason.

    Allowed after sign-up closed and when full (that is the point), not after the start or in
    a cancelled session. The booking carries ``override_by``; ``overrode_capacity`` tells
    storage's audit log whether a seat or place limit was actually exceeded.
    """
    if not reason.strip():
        return refuse(Refusal.REASON_REQUIRED, state.of(user_id))
    if rules.cancelled:
        return refuse(Refusal.SESSION_CANCELLED, state.of(user_id))
    if now >= rules.starts_at:
        return refuse(Refusal.STARTED, state.of(user_id))
    existing = state.of(user_id)
    if existing is not None and existing.status.holds_seat and existing.intent is intent:
        return current_outcome(state, existing)
    others = state.with_changes(
        (replace(existing, status=BookingStatus.CANCELLED),) if existing is not None else ()
    )
    beyond = not free_seat_for(rules, others, intent)
    booking = Booking(
        existing.booking_id if existing is not None else None,
        user_id,
        intent,
        BookingStatus.CONFIRMED,
        existing.arrival if existing is not None else state.next_arrival,
        override_by=instructor_id,
    )
    promoted: tuple[Booking, ...] = ()
    if existing is not None and existing.status.holds_seat:
        # Changing someone's role can free a place of the other kind.
        promoted = promotions(rules, others.with_changes((booking,)), now)
    return Decision(
        Outcome.CONFIRMED,
        booking,
        changes=(booking, *promoted),
        promoted=promoted,
        overrode_capacity=beyond,
        by=instructor_id,
        reason=reason.strip(),
    )


@dataclass(frozen=True, slots=True)
class MoveDecision:
    """Both halves of a move; storage locks both sessions (lower id first) and writes both.

    When refused, both halves are the same refusal, so there is nothing to write.
    """

    source: Decision
    target: Decision

    @property
    def refused(self) -> bool:
        return Outcome.REFUSED in (self.source.outcome, self.target.outcome)


def decide_move(
    source_rules: SeatRules,
    source: SessionState,
    target_rules: SeatRules,
    target: SessionState,
    user_id: int,
    now: datetime,
    instructor_id: int,
    reason: str,
    beyond_capacity: bool = False,
) -> MoveDecision:
    """An instructor moves a person to another session, keeping their intent.

    The source seat is freed as an instructor cancellation (promoting the source's waitlist).
    In the target they get a free seat, else the waitlist, or with ``beyond_capacity`` a seat
    as an override. Refused as a whole when either half is, so nobody ends up nowhere.
    """
    existing = source.of(user_id)
    if not reason.strip():
        refused = refuse(Refusal.REASON_REQUIRED, existing)
        return MoveDecision(refused, refused)
    if existing is None or existing.status is BookingStatus.CANCELLED:
        refused = refuse(Refusal.NOT_BOOKED)
        return MoveDecision(refused, refused)
    there = target.of(user_id)
    if there is not None and there.status is not BookingStatus.CANCELLED:
        # Also catches source == target, which would otherwise cancel the only booking.
        refused = refuse(Refusal.SAME_SESSION, existing)
        return MoveDecision(refused, refused)
    leave = decide_cancel(source_rules, source, user_id, now, instructor_id, reason)
    if beyond_capacity:
        join = decide_override(
            target_rules, target, user_id, existing.intent, now, instructor_id, reason
        )
    else:
        join = _instructor_join(
            target_rules, target, user_id, existing.intent, now, instructor_id, reason
        )
    if Outcome.REFUSED in (leave.outcome, join.outcome):
        refused = leave if leave.outcome is Outcome.REFUSED else join
        return MoveDecision(refused, refused)
    return MoveDecision(leave, join)


def _instructor_join(
    rules: SeatRules,
    state: SessionState,
    user_id: int,
    intent: Intent,
    now: datetime,
    instructor_id: int,
    reason: str,
) -> Decision:
    """Sign-up on someone's behalf: seats and places count, the sign-up window does not."""
    if rules.cancelled:
        return refuse(Refusal.SESSION_CANCELLED, state.of(user_id))
    if now >= rules.starts_at:
        return refuse(Refusal.STARTED, state.of(user_id))
    existing = state.of(user_id)
    if existing is not None and existing.status.holds_seat:
        return current_outcome(state, existing)
    if rules.places_for(intent) == 0:
        return refuse(Refusal.NO_PLACES_FOR_INTENT, existing)
    status = (
        BookingStatus.CONFIRMED if free_seat_for(rules, state, intent) else BookingStatus.WAITLISTED
    )
    arrival = (
        existing.arrival
        if existing is not None and existing.status is BookingStatus.WAITLISTED
        else state.next_arrival
    )
    booking = Booking(
        existing.booking_id if existing is not None else None,
        user_id,
        intent,
        status,
        arrival,
        override_by=instructor_id,
    )
    after = state.with_changes((booking,))
    outcome = Outcome.CONFIRMED if status is BookingStatus.CONFIRMED else Outcome.WAITLISTED
    return Decision(
        outcome,
        booking,
        changes=(booking,),
        position=waitlist_position(after, user_id),
        by=instructor_id,
        reason=reason.strip(),
    )


@dataclass(frozen=True, slots=True)
class CapacityDecision:
    """New limits for the session and who the change promotes; nobody is ever un-confirmed."""

    rules: SeatRules
    promoted: tuple[Booking, ...]
    over_capacity_by: int


def decide_capacity_change(
    rules: SeatRules,
    state: SessionState,
    seats_max: int,
    case_bringer_places: int,
    now: datetime,
) -> CapacityDecision:
    """Raising seats promotes FIFO; lowering below the seated count keeps everyone seated and
    only stops new confirmations (``over_capacity_by`` says by how much, for the roster).

    The limits are assumed checked by ``check_plan`` first.
    """
    changed = replace(rules, seats_max=seats_max, case_bringer_places=case_bringer_places)
    promoted = promotions(changed, state, now)
    seated = len(state.seated) + len(promoted)
    return CapacityDecision(changed, promoted, max(seated - seats_max, 0))


def decide_attendance(
    rules: SeatRules, state: SessionState, user_id: int, attended: bool, now: datetime
) -> Decision:
    """Mark a seated person attended or absent, from the start on; it can be corrected."""
    existing = state.of(user_id)
    if existing is None or not existing.status.holds_seat:
        return refuse(Refusal.NOT_BOOKED, existing)
    if rules.cancelled:
        return refuse(Refusal.SESSION_CANCELLED, existing)
    if now < rules.starts_at:
        return refuse(Refusal.NOT_STARTED, existing)
    status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
    if existing.status is status:
        return Decision(Outcome.CONFIRMED, existing)
    marked = replace(existing, status=status)
    return Decision(Outcome.CONFIRMED, marked, changes=(marked,))
