"""Random sequences of sign-ups, cancels, overrides and capacity changes keep the invariants.

Research invariants 1 and 2: seats never exceeded without an override, waitlist FIFO, nobody
waiting while a seat they could take is free (before the promotion deadline), no user twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lti_app.domain.signups.booking import (
    BookingStatus,
    Decision,
    Intent,
    Outcome,
    SeatRules,
    SessionState,
    decide_cancel,
    decide_signup,
    free_seat_for,
    waitlist_position,
)
from lti_app.domain.signups.instructor import (
    decide_capacity_change,
    decide_override,
)

START = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)
NOW = START - timedelta(days=7)

users = st.integers(min_value=1, max_value=12)
intents = st.sampled_from(list(Intent))
ops = st.one_of(
    st.tuples(st.just("signup"), users, intents),
    st.tuples(st.just("cancel"), users, intents),
    st.tuples(st.just("override"), users, intents),
    st.tuples(st.just("raise"), st.integers(min_value=0, max_value=3), intents),
)


def _write(state: SessionState, decision: Decision) -> SessionState:
    ids = [b.user_id for b in decision.changes]
    assert len(ids) == len(set(ids)), "a decision writes each person once"
    new = [b for b in decision.changes if b.booking_id is None]
    assert all(b.arrival >= state.next_arrival for b in new), "arrival only increases"
    return state.with_changes(replace(b, booking_id=b.user_id) for b in decision.changes)


def _check(rules: SeatRules, before: SessionState, after: SessionState, d: Decision) -> None:
    overridden = sum(1 for b in after.seated if b.override_by is not None)
    was_seated = {b.user_id for b in before.seated}
    newly = [b for b in d.changes if b.status.holds_seat and b.user_id not in was_seated]
    if newly and not d.overrode_capacity:
        # A seat given without an override must fit within every limit.
        assert len(after.seated) <= rules.seats_max
        for booking in newly:
            assert after.seated_as(booking.intent) <= rules.places_for(booking.intent)
    assert len(after.seated) <= rules.seats_max + overridden
    if overridden == 0:
        for intent in Intent:
            assert after.seated_as(intent) <= rules.places_for(intent)
    # Seats are only ever lost by the person asking (their own cancel).
    lost = {b.user_id for b in before.seated} - {b.user_id for b in after.seated}
    assert lost <= ({d.booking.user_id} if d.booking is not None else set())
    # Nobody waits while a seat they could take is free.
    for waiting in after.waitlist:
        assert not free_seat_for(rules, after, waiting.intent), waiting
    # Promotion is first come first served within each role.
    for promoted in d.promoted:
        assert all(
            w.arrival > promoted.arrival for w in after.waitlist if w.intent is promoted.intent
        )
    arrivals = [b.arrival for b in after.bookings if b.status is not BookingStatus.CANCELLED]
    assert len(arrivals) == len(set(arrivals))


@settings(max_examples=300, deadline=None, database=None)
@given(
    seats=st.integers(min_value=1, max_value=6),
    kept=st.integers(min_value=0, max_value=6),
    steps=st.lists(ops, max_size=40),
)
def test_random_sequences_keep_the_invariants(
    seats: int, kept: int, steps: list[tuple[str, int, Intent]]
) -> None:
    rules = SeatRules(starts_at=START, seats_max=seats, case_bringer_places=min(kept, seats))
    state = SessionState()
    for op, value, intent in steps:
        if op == "raise":
            change = decide_capacity_change(
                rules, state, rules.seats_max + value, rules.case_bringer_places, NOW
            )
            rules = change.rules
            decision = Decision(
                Outcome.CONFIRMED, changes=change.promoted, promoted=change.promoted
            )
        elif op == "signup":
            decision = decide_signup(rules, state, value, intent, NOW)
        elif op == "cancel":
            decision = decide_cancel(rules, state, value, NOW)
        else:
            decision = decide_override(rules, state, value, intent, NOW, 900, "test")
        after = _write(state, decision)
        _check(rules, state, after, decision)
        state = after


@settings(max_examples=200, deadline=None, database=None)
@given(order=st.permutations(list(range(1, 11))), seats=st.integers(min_value=1, max_value=5))
def test_confirmed_are_exactly_the_first_arrivals_and_the_rest_wait_in_order(
    order: list[int], seats: int
) -> None:
    rules = SeatRules(starts_at=START, seats_max=seats, case_bringer_places=0)
    state = SessionState()
    for user in order:
        state = _write(state, decide_signup(rules, state, user, Intent.CONSULTANT, NOW))
    assert sorted(b.user_id for b in state.seated) == sorted(order[:seats])
    assert [b.user_id for b in state.waitlist] == order[seats:]
    # Everyone cancelling in turn pulls the waitlist up in arrival order.
    promoted: list[int] = []
    for user in order[:seats]:
        decision = decide_cancel(rules, state, user, NOW)
        promoted += [b.user_id for b in decision.promoted]
        state = _write(state, decision)
    assert promoted == order[seats : 2 * seats]


@settings(max_examples=300, deadline=None, database=None)
@given(
    seats=st.integers(min_value=1, max_value=6),
    kept=st.integers(min_value=0, max_value=6),
    steps=st.lists(ops, max_size=40),
    asker=users,
    intent=intents,
)
def test_a_sign_up_decided_on_the_summary_answers_as_the_whole_waitlist_does(
    seats: int, kept: int, steps: list[tuple[str, int, Intent]], asker: int, intent: Intent
) -> None:
    """The summary a sign-up is decided on (``SignupView``) gives the seat and the waitlist
    place that every booking gives: the position a waitlisted person is told is their place
    among those of their role, in arrival order, after the decision is written."""
    rules = SeatRules(starts_at=START, seats_max=seats, case_bringer_places=min(kept, seats))
    state = SessionState()
    for op, value, step_intent in steps:
        if op == "signup":
            state = _write(state, decide_signup(rules, state, value, step_intent, NOW))
        elif op == "cancel":
            state = _write(state, decide_cancel(rules, state, value, NOW))
        elif op == "override":
            decision = decide_override(rules, state, value, step_intent, NOW, 900, "test")
            state = _write(state, decision)
    view = state.signup_view(asker)
    for each in Intent:
        assert view.fits(rules, each) == free_seat_for(rules, state, each)
    decision = decide_signup(rules, state, asker, intent, NOW)
    after = _write(state, decision)
    if decision.outcome is Outcome.WAITLISTED:
        assert decision.position == waitlist_position(after, asker)
    else:
        assert decision.position is None
    if decision.booking is not None and decision.booking.booking_id is None:
        assert decision.booking.arrival == state.next_arrival
