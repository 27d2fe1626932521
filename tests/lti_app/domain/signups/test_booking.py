"""Seats, kept case-bringer places, the waitlist and its deadlines, decided on snapshots."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from lti_app.domain.signups.booking import (
    REFUSAL_MESSAGES,
    Booking,
    BookingStatus,
    Decision,
    Intent,
    Outcome,
    Refusal,
    SeatRules,
    SessionState,
    decide_cancel,
    decide_signup,
    free_seat_for,
    waitlist_position,
)
from lti_app.domain.signups.instructor import (
    decide_attendance,
    decide_capacity_change,
    decide_move,
    decide_override,
)
from lti_app.domain.signups.plan import SessionPlan

START = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)
OPENS = START - timedelta(days=14)
CLOSES = START - timedelta(days=1)
DEADLINE = START - timedelta(days=2)
NOW = START - timedelta(days=7)
CB, CO = Intent.CASE_BRINGER, Intent.CONSULTANT
INSTRUCTOR = 900


def _rules(**changes: object) -> SeatRules:
    rules = SeatRules(
        starts_at=START,
        seats_max=3,
        case_bringer_places=1,
        signup_opens_at=OPENS,
        signup_closes_at=CLOSES,
        cancel_deadline=DEADLINE,
    )
    return replace(rules, **changes)  # type: ignore[arg-type]


def _apply(state: SessionState, decision: Decision) -> SessionState:
    """What storage does: write the changes, giving inserts an id."""
    rows = [
        b if b.booking_id is not None else replace(b, booking_id=1000 + b.user_id)
        for b in decision.changes
    ]
    return state.with_changes(rows)


def _signups(rules: SeatRules, *people: tuple[int, Intent]) -> SessionState:
    return _signups_onto(SessionState(), rules, *people)


def _signups_onto(
    state: SessionState, rules: SeatRules, *people: tuple[int, Intent]
) -> SessionState:
    for user, intent in people:
        state = _apply(state, decide_signup(rules, state, user, intent, NOW))
    return state


def _status(state: SessionState, user: int) -> BookingStatus:
    booking = state.of(user)
    assert booking is not None
    return booking.status


# --- sign-up ------------------------------------------------------------------------------


def test_first_signups_are_confirmed_as_inserts_with_increasing_arrival() -> None:
    rules = _rules()
    first = decide_signup(rules, SessionState(), 1, CO, NOW)
    assert first.outcome is Outcome.CONFIRMED
    assert first.changes == (Booking(None, 1, CO, BookingStatus.CONFIRMED, 1),)
    state = _apply(SessionState(), first)
    second = decide_signup(rules, state, 2, CB, NOW)
    assert second.booking == Booking(None, 2, CB, BookingStatus.CONFIRMED, 2)


def test_consultants_fill_only_the_seats_not_kept_for_case_bringers() -> None:
    rules = _rules()  # 3 seats, 1 kept for a case-bringer
    state = _signups(rules, (1, CO), (2, CO))
    third = decide_signup(rules, state, 3, CO, NOW)
    assert third.outcome is Outcome.WAITLISTED and third.position == 1
    assert third.alternative is CB  # the kept place is free: offer to bring a case
    assert len(state.seated) == 2


def test_a_case_bringer_without_a_place_is_waitlisted_as_case_bringer_and_offered_consulting() -> (
    None
):
    rules = _rules()
    state = _signups(rules, (1, CB))
    second = decide_signup(rules, state, 2, CB, NOW)
    assert second.outcome is Outcome.WAITLISTED
    assert second.booking is not None and second.booking.intent is CB
    assert second.alternative is CO and second.position == 1


def test_no_alternative_when_the_other_role_is_full_too() -> None:
    rules = _rules()
    state = _signups(rules, (1, CB), (2, CO), (3, CO))
    assert decide_signup(rules, state, 4, CB, NOW).alternative is None


def test_taking_up_the_alternative_keeps_the_arrival_and_confirms() -> None:
    rules = _rules()
    state = _signups(rules, (1, CB), (2, CB))
    switched = decide_signup(rules, state, 2, CO, NOW)
    assert switched.outcome is Outcome.CONFIRMED
    assert switched.booking == Booking(1002, 2, CO, BookingStatus.CONFIRMED, 2)


def test_a_repeated_signup_returns_the_existing_outcome_and_writes_nothing() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO))
    again_confirmed = decide_signup(rules, state, 1, CO, NOW)
    assert again_confirmed.outcome is Outcome.CONFIRMED and again_confirmed.changes == ()
    again_waiting = decide_signup(rules, state, 3, CO, NOW)
    assert again_waiting.outcome is Outcome.WAITLISTED and again_waiting.changes == ()
    assert again_waiting.position == 1


def test_a_repeat_is_idempotent_even_after_signup_closed() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO))
    late = decide_signup(rules, state, 1, CO, CLOSES + timedelta(hours=1))
    assert late.outcome is Outcome.CONFIRMED and late.changes == ()


def test_a_double_click_in_the_open_window_books_once() -> None:
    rules = _rules()
    first = decide_signup(rules, SessionState(), 1, CO, NOW)
    state = _apply(SessionState(), first)
    again = decide_signup(rules, state, 1, CO, NOW + timedelta(seconds=1))
    assert again.outcome is Outcome.CONFIRMED and again.changes == ()
    assert again.booking == Booking(1001, 1, CO, BookingStatus.CONFIRMED, 1)


@pytest.mark.parametrize(
    ("changes", "at", "refusal"),
    [
        ({"cancelled": True}, NOW, Refusal.SESSION_CANCELLED),
        ({}, START, Refusal.STARTED),
        ({}, START + timedelta(minutes=5), Refusal.STARTED),
    ],
)
def test_a_replayed_signup_on_a_cancelled_or_started_session_says_so(
    changes: dict[str, object], at: datetime, refusal: Refusal
) -> None:
    state = _signups(_rules(), (1, CO), (2, CO), (3, CO), (4, CO))
    rules = _rules(**changes)
    for user_id in (1, 4):  # seated, waitlisted
        replayed = decide_signup(rules, state, user_id, CO, at)
        assert replayed.outcome is Outcome.REFUSED and replayed.refusal is refusal
        assert replayed.changes == () and replayed.booking == state.of(user_id)
        assert replayed.message == REFUSAL_MESSAGES[refusal]


def test_a_seated_person_cannot_sign_up_again_in_the_other_role() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO))
    decision = decide_signup(rules, state, 1, CB, NOW)
    assert decision.refusal is Refusal.ALREADY_SEATED_OTHER_INTENT and decision.changes == ()
    assert "Cancel it first" in decision.message


def test_signing_up_again_after_cancelling_reuses_the_row_at_the_back_of_the_queue() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO))
    state = _apply(state, decide_cancel(rules, state, 1, NOW))
    state = _apply(state, decide_signup(rules, state, 3, CO, NOW))
    back = decide_signup(rules, state, 1, CO, NOW)
    assert back.outcome is Outcome.WAITLISTED
    assert back.booking is not None
    assert back.booking.booking_id == 1001 and back.booking.arrival == 4


@pytest.mark.parametrize(
    ("rules", "now", "refusal"),
    [
        (_rules(), OPENS - timedelta(seconds=1), Refusal.NOT_OPEN_YET),
        (_rules(), CLOSES, Refusal.CLOSED),
        (_rules(signup_closes_at=None), START, Refusal.STARTED),
        (_rules(cancelled=True), NOW, Refusal.SESSION_CANCELLED),
        (_rules(case_bringer_places=0), NOW, Refusal.NO_PLACES_FOR_INTENT),
    ],
)
def test_signup_refusals(rules: SeatRules, now: datetime, refusal: Refusal) -> None:
    decision = decide_signup(rules, SessionState(), 1, CB, now)
    assert decision.outcome is Outcome.REFUSED and decision.refusal is refusal
    assert decision.changes == () and decision.message == REFUSAL_MESSAGES[refusal]


def test_signup_opens_at_its_exact_time() -> None:
    assert decide_signup(_rules(), SessionState(), 1, CO, OPENS).outcome is Outcome.CONFIRMED


def test_no_consultant_places_when_every_seat_is_for_a_case() -> None:
    rules = _rules(case_bringer_places=3)
    assert decide_signup(rules, SessionState(), 1, CO, NOW).refusal is (
        Refusal.NO_PLACES_FOR_INTENT
    )


def test_every_refusal_has_a_message_for_people() -> None:
    assert set(REFUSAL_MESSAGES) == set(Refusal)
    assert all(message.endswith(".") for message in REFUSAL_MESSAGES.values())


def test_state_refuses_two_bookings_of_one_user() -> None:
    one = Booking(1, 5, CO, BookingStatus.CONFIRMED, 1)
    with pytest.raises(ValueError, match="one booking per user"):
        SessionState((one, replace(one, booking_id=2, arrival=2)))


def test_rules_from_plan_copy_the_limits_and_deadlines() -> None:
    plan = SessionPlan(
        "A",
        None,
        START,
        timedelta(hours=1),
        "UTC",
        seats_max=6,
        case_bringer_places=2,
        signup_opens_at=OPENS,
        signup_closes_at=CLOSES,
        cancel_deadline=DEADLINE,
    )
    assert SeatRules.from_plan(plan, cancelled=True) == _rules(
        seats_max=6, case_bringer_places=2, cancelled=True
    )


# --- waitlist position ----------------------------------------------------------------------


def test_waitlist_position_counts_those_waiting_in_the_same_role() -> None:
    rules = _rules(seats_max=2)
    state = _signups(rules, (1, CB), (2, CO), (3, CB), (4, CO), (5, CB))
    assert [waitlist_position(state, u) for u in (1, 2, 3, 4, 5)] == [None, None, 1, 1, 2]
    assert waitlist_position(state, 99) is None


# --- cancel and promote ---------------------------------------------------------------------


def test_cancelling_a_seat_promotes_the_first_waiting_in_the_same_transaction() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO), (4, CO))
    decision = decide_cancel(rules, state, 1, NOW)
    assert decision.outcome is Outcome.CANCELLED and decision.by is None
    assert [b.user_id for b in decision.promoted] == [3]
    assert decision.changes[0].status is BookingStatus.CANCELLED
    assert decision.changes[1] == replace(state.of(3), status=BookingStatus.CONFIRMED)  # type: ignore[type-var]
    after = _apply(state, decision)
    assert waitlist_position(after, 4) == 1


def test_a_freed_consultant_seat_skips_a_waiting_case_bringer() -> None:
    rules = _rules()
    state = _signups(rules, (1, CB), (2, CO), (3, CO), (4, CB), (5, CO))
    decision = decide_cancel(rules, state, 2, NOW)
    assert [b.user_id for b in decision.promoted] == [5]
    assert _status(_apply(state, decision), 4) is BookingStatus.WAITLISTED


def test_a_freed_case_bringer_place_goes_to_the_first_waiting_case_bringer() -> None:
    rules = _rules()
    state = _signups(rules, (1, CB), (2, CO), (3, CO), (4, CO), (5, CB))
    decision = decide_cancel(rules, state, 1, NOW)
    assert [b.user_id for b in decision.promoted] == [5]


def test_no_promotion_at_or_after_the_cancellation_deadline() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO))
    by_instructor = decide_cancel(rules, state, 1, DEADLINE, INSTRUCTOR, " ill ")
    assert by_instructor.outcome is Outcome.CANCELLED and by_instructor.promoted == ()
    assert (by_instructor.by, by_instructor.reason) == (INSTRUCTOR, "ill")
    assert len(by_instructor.changes) == 1


def test_without_a_cancellation_deadline_promotion_runs_until_the_start() -> None:
    rules = _rules(cancel_deadline=None)
    state = _signups(rules, (1, CO), (2, CO), (3, CO))
    just_before = START - timedelta(seconds=1)
    assert [b.user_id for b in decide_cancel(rules, state, 1, just_before).promoted] == [3]


def test_a_learner_cannot_give_up_a_seat_after_the_deadline() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO))
    decision = decide_cancel(rules, state, 1, DEADLINE)
    assert decision.refusal is Refusal.PAST_CANCEL_DEADLINE and decision.changes == ()


def test_an_instructor_cancel_after_the_deadline_needs_a_reason() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO))
    decision = decide_cancel(rules, state, 1, DEADLINE, INSTRUCTOR, "  ")
    assert decision.refusal is Refusal.REASON_REQUIRED


def test_leaving_the_waitlist_is_allowed_after_the_deadline_and_promotes_nobody() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO), (4, CO))
    decision = decide_cancel(rules, state, 3, DEADLINE)
    assert decision.outcome is Outcome.CANCELLED and decision.promoted == ()
    assert waitlist_position(_apply(state, decision), 4) == 1


def test_nothing_changes_after_the_start() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO))
    assert decide_cancel(rules, state, 3, START).refusal is Refusal.STARTED
    assert decide_cancel(rules, state, 1, START, INSTRUCTOR, "x").refusal is Refusal.STARTED


def test_cancel_twice_is_idempotent_and_cancel_without_booking_is_refused() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO))
    state = _apply(state, decide_cancel(rules, state, 1, NOW))
    again = decide_cancel(rules, state, 1, NOW)
    assert again.outcome is Outcome.CANCELLED and again.changes == ()
    assert decide_cancel(rules, state, 2, NOW).refusal is Refusal.NOT_BOOKED


def test_cancelled_sessions_promote_nobody() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO))
    assert decide_cancel(replace(rules, cancelled=True), state, 1, NOW).promoted == ()


# --- override -------------------------------------------------------------------------------


def test_an_override_seats_beyond_capacity_and_says_so() -> None:
    rules = _rules()
    state = _signups(rules, (1, CB), (2, CO), (3, CO))
    decision = decide_override(rules, state, 4, CO, NOW, INSTRUCTOR, "needs the hours")
    assert decision.outcome is Outcome.CONFIRMED and decision.overrode_capacity
    assert decision.booking == Booking(None, 4, CO, BookingStatus.CONFIRMED, 4, INSTRUCTOR)
    assert decision.reason == "needs the hours" and decision.by == INSTRUCTOR
    after = _apply(state, decision)
    assert len(after.seated) == 4
    assert not free_seat_for(rules, after, CO)


def test_after_an_override_beyond_capacity_the_session_counts_as_full() -> None:
    rules = _rules()  # 3 seats, 1 case-bringer place
    state = _signups(rules, (1, CB))
    state = _apply(state, decide_override(rules, state, 2, CB, NOW, INSTRUCTOR, "second case"))
    state = _signups_onto(state, rules, (3, CO))
    assert len(state.seated) == 3
    assert decide_signup(rules, state, 4, CO, NOW).outcome is Outcome.WAITLISTED


def test_an_override_into_a_free_seat_is_logged_but_not_beyond_capacity() -> None:
    decision = decide_override(_rules(), SessionState(), 4, CO, NOW, INSTRUCTOR, "asked")
    assert decision.outcome is Outcome.CONFIRMED and not decision.overrode_capacity
    assert decision.booking is not None and decision.booking.override_by == INSTRUCTOR


def test_an_override_confirms_a_waitlisted_person_in_their_row_and_works_after_closing() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO))
    decision = decide_override(rules, state, 3, CO, CLOSES, INSTRUCTOR, "mentor asked")
    assert decision.booking == Booking(1003, 3, CO, BookingStatus.CONFIRMED, 3, INSTRUCTOR)


def test_an_override_changing_role_frees_the_other_kind_of_place_for_the_waitlist() -> None:
    rules = _rules(seats_max=4, case_bringer_places=2)
    state = _signups(rules, (1, CO), (2, CO), (3, CO))  # consultant seats full, 3 waits
    decision = decide_override(rules, state, 2, CB, NOW, INSTRUCTOR, "brings a case after all")
    assert not decision.overrode_capacity  # a case-bringer place was free
    assert [b.user_id for b in decision.promoted] == [3]
    assert [b.user_id for b in decision.changes] == [2, 3]


@pytest.mark.parametrize(
    ("rules", "now", "reason", "refusal"),
    [
        (_rules(), NOW, " ", Refusal.REASON_REQUIRED),
        (_rules(cancelled=True), NOW, "x", Refusal.SESSION_CANCELLED),
        (_rules(), START, "x", Refusal.STARTED),
    ],
)
def test_override_refusals(rules: SeatRules, now: datetime, reason: str, refusal: Refusal) -> None:
    decision = decide_override(rules, SessionState(), 1, CO, now, INSTRUCTOR, reason)
    assert decision.refusal is refusal and decision.changes == ()


def test_overriding_someone_already_seated_changes_nothing() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO))
    decision = decide_override(rules, state, 1, CO, NOW, INSTRUCTOR, "x")
    assert decision.outcome is Outcome.CONFIRMED and decision.changes == ()


# --- move -----------------------------------------------------------------------------------


def test_a_move_frees_the_source_seat_promotes_there_and_seats_in_the_target() -> None:
    rules = _rules()
    source = _signups(rules, (1, CO), (2, CO), (3, CO))
    target = _signups(rules, (7, CO))
    move = decide_move(rules, source, rules, target, 1, NOW, INSTRUCTOR, "schedule clash")
    assert not move.refused
    assert move.source.booking is not None and move.source.booking.status is (
        BookingStatus.CANCELLED
    )
    assert [b.user_id for b in move.source.promoted] == [3]
    assert move.target.booking == Booking(None, 1, CO, BookingStatus.CONFIRMED, 2, INSTRUCTOR)
    assert move.source.by == move.target.by == INSTRUCTOR
    assert move.target.reason == "schedule clash"


def test_a_move_into_a_full_session_waitlists_unless_beyond_capacity() -> None:
    rules = _rules()
    source = _signups(rules, (1, CO))
    target = _signups(rules, (7, CO), (8, CO))
    waiting = decide_move(rules, source, rules, target, 1, NOW, INSTRUCTOR, "x")
    assert waiting.target.outcome is Outcome.WAITLISTED and waiting.target.position == 1
    forced = decide_move(rules, source, rules, target, 1, NOW, INSTRUCTOR, "x", True)
    assert forced.target.outcome is Outcome.CONFIRMED and forced.target.overrode_capacity


def test_a_move_works_past_the_source_deadline_and_target_closing() -> None:
    rules = _rules()
    source, target = _signups(rules, (1, CO)), SessionState()
    move = decide_move(rules, source, rules, target, 1, CLOSES, INSTRUCTOR, "x")
    assert not move.refused and move.target.outcome is Outcome.CONFIRMED


@pytest.mark.parametrize(
    ("target_rules", "user", "reason", "refusal"),
    [
        (_rules(), 1, "", Refusal.REASON_REQUIRED),
        (_rules(), 5, "x", Refusal.NOT_BOOKED),
        (_rules(cancelled=True), 1, "x", Refusal.SESSION_CANCELLED),
        (_rules(starts_at=NOW), 1, "x", Refusal.STARTED),
        (_rules(case_bringer_places=3), 1, "x", Refusal.NO_PLACES_FOR_INTENT),
    ],
)
def test_a_refused_half_refuses_the_whole_move(
    target_rules: SeatRules, user: int, reason: str, refusal: Refusal
) -> None:
    rules = _rules()
    source = _signups(rules, (1, CO))
    move = decide_move(rules, source, target_rules, SessionState(), user, NOW, INSTRUCTOR, reason)
    assert move.refused
    assert move.source.refusal is refusal and move.target.refusal is refusal
    assert move.source.changes == () and move.target.changes == ()


def test_moving_into_the_same_session_is_refused_and_keeps_the_booking() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO))
    move = decide_move(rules, state, rules, state, 1, NOW, INSTRUCTOR, "x")
    assert move.refused and move.source.refusal is Refusal.SAME_SESSION


# --- capacity change ------------------------------------------------------------------------


def test_raising_seats_promotes_fifo() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO), (4, CB), (5, CO), (6, CO))
    change = decide_capacity_change(rules, state, 5, 1, NOW)
    assert change.rules.seats_max == 5
    assert [b.user_id for b in change.promoted] == [3, 5]
    assert change.over_capacity_by == 0


def test_lowering_seats_never_unconfirms_and_stops_new_confirmations() -> None:
    rules = _rules(seats_max=4)
    state = _signups(rules, (1, CB), (2, CO), (3, CO), (4, CO))
    change = decide_capacity_change(rules, state, 2, 1, NOW)
    assert change.promoted == () and change.over_capacity_by == 2
    assert len(state.seated) == 4  # nobody loses a seat
    assert decide_signup(change.rules, state, 9, CO, NOW).outcome is Outcome.WAITLISTED
    freed = decide_cancel(change.rules, state, 2, NOW)
    assert freed.promoted == ()  # still over the new limit


def test_capacity_change_after_the_promotion_deadline_promotes_nobody() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO))
    assert decide_capacity_change(rules, state, 6, 1, DEADLINE).promoted == ()


# --- attendance -----------------------------------------------------------------------------


def test_attendance_is_marked_from_the_start_and_can_be_corrected() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO))
    early = decide_attendance(rules, state, 1, True, START - timedelta(minutes=1))
    assert early.refusal is Refusal.NOT_STARTED and early.changes == ()
    came = decide_attendance(rules, state, 1, True, START)
    assert came.changes == (replace(state.of(1), status=BookingStatus.ATTENDED),)  # type: ignore[type-var]
    state = _apply(state, came)
    assert len(state.seated) == 2  # an attended booking keeps its seat
    again = decide_attendance(rules, state, 1, True, START)
    assert again.outcome is Outcome.CONFIRMED and again.changes == ()
    corrected = decide_attendance(rules, state, 1, False, START)
    assert corrected.booking is not None and corrected.booking.status is BookingStatus.NO_SHOW


def test_attendance_only_for_seated_people_in_a_running_session() -> None:
    rules = _rules()
    state = _signups(rules, (1, CO), (2, CO), (3, CO))
    assert decide_attendance(rules, state, 3, True, START).refusal is Refusal.NOT_BOOKED
    assert decide_attendance(rules, state, 9, True, START).refusal is Refusal.NOT_BOOKED
    cancelled = replace(rules, cancelled=True)
    assert decide_attendance(cancelled, state, 1, True, START).refusal is (
        Refusal.SESSION_CANCELLED
    )


def test_a_group_session_takes_its_members_and_refuses_anyone_else() -> None:
    rules = _rules(members_only=frozenset({1, 2}))
    member = decide_signup(rules, SessionState(), 1, CO, NOW)
    assert member.outcome is Outcome.CONFIRMED
    stranger = decide_signup(rules, _apply(SessionState(), member), 7, CO, NOW)
    assert stranger.outcome is Outcome.REFUSED and stranger.refusal is Refusal.NOT_IN_GROUP
    assert stranger.changes == () and stranger.booking is None
    assert "members of its intervision group" in stranger.message
    open_to_all = decide_signup(_rules(), SessionState(), 7, CO, NOW)
    assert open_to_all.outcome is Outcome.CONFIRMED


def test_an_instructor_may_seat_someone_outside_the_group_logged() -> None:
    rules = _rules(members_only=frozenset({1, 2}))
    seated = decide_override(rules, SessionState(), 7, CO, NOW, INSTRUCTOR, "visiting trainee")
    assert seated.outcome is Outcome.CONFIRMED and seated.booking is not None
    assert seated.booking.override_by == INSTRUCTOR and seated.reason == "visiting trainee"
