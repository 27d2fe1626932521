"""An exercise's phase plan: checked at once (count, future, range, order), resolved for a new
round, carried into running rounds only for the phases they have not passed, and an
instructor's "end this phase now" in an asynchronous round. Time is passed in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lti_app.domain.exercises.outcomes import Actor, Reason, Refused
from lti_app.domain.exercises.phases import Schedule, current_phase, schedule_by_days
from lti_app.domain.exercises.schedule import (
    DueAfter,
    DueAt,
    PhasePlan,
    check_plan,
    default_plan,
    end_phase_now,
    plan_from_json,
    plan_to_json,
    replan,
    resolve,
)
from tests.support.exercise_rounds import CC, T0
from tests.support.shipped_methods import METHODS, SLUGS

DAY = timedelta(days=1)
TEACHER = Actor(99, instructor=True)
LEARNER = Actor(1)
N = len(CC.phases)


def days(*counts: float) -> PhasePlan:
    return PhasePlan(tuple(DueAfter(timedelta(days=c)) for c in counts))


def test_a_plan_of_durations_mixed_with_dates_in_order_may_be_saved() -> None:
    entries = [DueAfter(timedelta(days=i + 1)) for i in range(N - 1)]
    plan = PhasePlan((*entries, DueAt(T0 + timedelta(days=N + 3))))
    assert check_plan(CC, plan, T0) == ()


@pytest.mark.parametrize("slug", SLUGS)
def test_the_default_plan_fits_every_shipped_method(slug: str) -> None:
    method = METHODS[slug]
    plan = default_plan(method)
    assert len(plan.entries) == len(method.phases)
    assert check_plan(method, plan, T0) == ()


def test_every_problem_is_reported_at_once_on_its_phase() -> None:
    entries: list[DueAt | DueAfter] = [DueAfter(timedelta(days=i + 1)) for i in range(N)]
    entries[1] = DueAt(T0 - timedelta(minutes=5))  # passed
    entries[3] = DueAfter(timedelta(seconds=30))  # too short
    entries[5] = DueAfter(timedelta(days=2))  # before phase 4's 5 days
    problems = check_plan(CC, PhasePlan(tuple(entries)), T0)
    assert [p.field for p in problems] == ["phases.1", "phases.3", "phases.5"]
    assert "has passed" in problems[0].message and CC.phases[1].name in problems[0].message
    assert "1 minute to 365 days" in problems[1].message
    assert f"must end after '{CC.phases[4].name}'" in problems[2].message


def test_dates_out_of_order_and_a_wrong_count_are_refused() -> None:
    dates = [DueAt(T0 + timedelta(days=N - i)) for i in range(N)]  # descending
    problems = check_plan(CC, PhasePlan(tuple(dates)), T0)
    assert [p.field for p in problems] == [f"phases.{i}" for i in range(1, N)]
    wrong = check_plan(CC, days(1, 2), T0)
    assert [p.field for p in wrong] == ["phases"]
    assert str(N) in wrong[0].message


def test_a_new_round_counts_durations_from_its_start_and_keeps_dates() -> None:
    fixed = T0 + timedelta(days=30)
    plan = PhasePlan((*days(*range(1, N)).entries, DueAt(fixed)))
    later = T0 + timedelta(days=3)
    schedule = resolve(plan, later)
    assert schedule.opens_at == later
    assert schedule.deadlines[:2] == (later + DAY, later + 2 * DAY)
    assert schedule.deadlines[-1] == fixed
    assert current_phase(CC, schedule, later + timedelta(hours=1)).index == 0


def test_a_changed_plan_moves_only_the_phases_a_round_has_not_passed() -> None:
    schedule = schedule_by_days(CC, T0, [1] * N)
    now = T0 + timedelta(days=2, hours=3)  # phase 2 open; phases 0 and 1 over
    moved = replan(CC, schedule, days(*(3 * (i + 1) for i in range(N))), now)
    assert moved.deadlines[:2] == schedule.deadlines[:2]
    assert moved.deadlines[2:] == tuple(T0 + timedelta(days=3 * (i + 1)) for i in range(2, N))
    assert current_phase(CC, moved, now).index == 2


def test_a_shorter_duration_than_has_passed_ends_the_phase_now_never_reopens_one() -> None:
    schedule = schedule_by_days(CC, T0, [1] * N)
    now = T0 + timedelta(days=2, hours=3)  # in phase 2
    shorter = PhasePlan(tuple(DueAfter(timedelta(hours=i + 1)) for i in range(N)))
    moved = replan(CC, schedule, shorter, now)
    assert moved.deadlines[:2] == schedule.deadlines[:2]
    assert all(a <= b for a, b in zip(moved.deadlines, moved.deadlines[1:], strict=False))
    assert current_phase(CC, moved, now).closed  # every remaining phase is already due


def test_a_closed_round_or_a_plan_of_another_length_keeps_its_deadlines() -> None:
    schedule = schedule_by_days(CC, T0, [1] * N)
    after = T0 + timedelta(days=N + 1)
    assert replan(CC, schedule, days(*range(10, 10 + N)), after) == schedule
    assert replan(CC, schedule, days(1, 2), T0) == schedule


def test_an_instructor_ends_the_current_phase_now_and_the_next_keeps_its_deadline() -> None:
    schedule = schedule_by_days(CC, T0, [1] * N)
    now = T0 + timedelta(hours=5)
    ended = end_phase_now(CC, schedule, TEACHER, now, 0)
    assert isinstance(ended, Schedule)
    assert ended.deadlines[0] == now and ended.deadlines[1:] == schedule.deadlines[1:]
    assert current_phase(CC, ended, now).index == 1
    again = end_phase_now(CC, ended, TEACHER, now, 0)  # the same press twice
    assert isinstance(again, Refused) and again.reason is Reason.ALREADY_DONE


def test_members_wait_for_the_deadline_and_a_closed_round_stays_closed() -> None:
    schedule = schedule_by_days(CC, T0, [1] * N)
    refused = end_phase_now(CC, schedule, LEARNER, T0 + timedelta(hours=1), 0)
    assert isinstance(refused, Refused) and refused.reason is Reason.LIVE_ONLY
    closed = end_phase_now(CC, schedule, TEACHER, T0 + timedelta(days=N + 1), None)
    assert isinstance(closed, Refused) and closed.reason is Reason.CLOSED


def test_ending_every_phase_closes_the_round() -> None:
    schedule = schedule_by_days(CC, T0, [1] * N)
    now = T0 + timedelta(hours=1)
    for index in range(N):
        result = end_phase_now(CC, schedule, TEACHER, now, index)
        assert isinstance(result, Schedule), (index, result)
        schedule = result
    assert current_phase(CC, schedule, now).closed


def test_a_plan_survives_its_json() -> None:
    plan = PhasePlan((*days(*range(1, N)).entries, DueAt(T0 + timedelta(days=40))))
    assert plan_from_json(plan_to_json(plan)) == plan
    assert plan_from_json(None) is None and plan_from_json([]) is None
