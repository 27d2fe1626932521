"""Minimum size: not due before its deadline, then met, flagged or cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lti_app.domain.signups.booking import Booking, BookingStatus, Intent, SessionState
from lti_app.domain.signups.minimum import (
    MinimumVerdict,
    check_minimum,
    minimum_deadline,
    under_minimum,
)
from lti_app.domain.signups.plan import SessionPlan

START = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)
DUE = START - timedelta(days=1)
PLAN = SessionPlan(
    "A", None, START, timedelta(hours=2), "UTC", seats_max=8, seats_min=3, min_size_deadline=DUE
)


def _state(seated: int, waiting: int = 0, cancelled: int = 0) -> SessionState:
    rows = []
    for n in range(seated + waiting + cancelled):
        status = (
            BookingStatus.CONFIRMED
            if n < seated
            else BookingStatus.WAITLISTED
            if n < seated + waiting
            else BookingStatus.CANCELLED
        )
        rows.append(Booking(n + 1, n + 1, Intent.CONSULTANT, status, n + 1))
    return SessionState(tuple(rows))


def test_not_due_before_the_deadline() -> None:
    check = check_minimum(PLAN, _state(1), DUE - timedelta(seconds=1), auto_cancel=True)
    assert check.verdict is MinimumVerdict.NOT_DUE and check.to_cancel == ()
    assert not under_minimum(PLAN, _state(1), DUE - timedelta(seconds=1))


def test_met_at_exactly_the_minimum() -> None:
    assert check_minimum(PLAN, _state(3), DUE, auto_cancel=True).verdict is MinimumVerdict.MET


def test_under_the_minimum_is_flagged_when_the_course_does_not_auto_cancel() -> None:
    check = check_minimum(PLAN, _state(2, waiting=0), DUE, auto_cancel=False)
    assert check.verdict is MinimumVerdict.FLAGGED
    assert (check.seated, check.seats_min, check.due_at) == (2, 3, DUE)
    assert under_minimum(PLAN, _state(2), DUE)


def test_auto_cancel_cancels_every_active_booking_so_all_are_informed() -> None:
    state = _state(2, waiting=0, cancelled=1)
    check = check_minimum(PLAN, state, DUE, auto_cancel=True)
    assert check.verdict is MinimumVerdict.CANCEL
    assert [b.user_id for b in check.to_cancel] == [1, 2]
    assert all(b.status is BookingStatus.CANCELLED for b in check.to_cancel)


def test_a_started_session_is_only_flagged_never_cancelled() -> None:
    check = check_minimum(PLAN, _state(1), START, auto_cancel=True)
    assert check.verdict is MinimumVerdict.FLAGGED and check.to_cancel == ()


def test_waitlisted_people_do_not_count_towards_the_minimum() -> None:
    assert under_minimum(PLAN, _state(2, waiting=5), DUE)


def test_the_deadline_falls_back_to_closing_then_to_the_start() -> None:
    closes = START - timedelta(hours=6)
    assert minimum_deadline(PLAN) == DUE
    no_own = SessionPlan("A", None, START, timedelta(hours=1), "UTC", signup_closes_at=closes)
    assert minimum_deadline(no_own) == closes
    assert minimum_deadline(SessionPlan("A", None, START, timedelta(hours=1), "UTC")) == START


def test_no_minimum_is_always_met() -> None:
    plan = SessionPlan("A", None, START, timedelta(hours=1), "UTC", seats_min=0)
    assert check_minimum(plan, _state(0), START, auto_cancel=True).verdict is MinimumVerdict.MET
