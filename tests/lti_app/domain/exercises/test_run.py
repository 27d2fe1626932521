"""Where a round is: live advance by the moderator, async deadlines, hybrid, time left."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lti_app.domain.exercises.outcomes import Actor, Reason, Refused
from lti_app.domain.exercises.phases import (
    Advanced,
    RunState,
    Schedule,
    advance,
    check_schedule,
    current_phase,
    live_phase,
    phase_now,
    schedule_by_days,
    start,
    sync_hybrid,
)
from lti_app.domain.exercises.roles import RoleAssignment, assign_roles, moderator_role
from lti_app.domain.exercises.settings import Mode
from tests.support.exercise_rounds import (
    ANNA,
    CC,
    MODERATOR,
    T0,
    assignment,
    instructor,
    member,
)
from tests.support.shipped_methods import METHODS, SLUGS

MIN = timedelta(minutes=1)
CCG = assignment()
_troika = assign_roles(METHODS["troika-consulting"], [1, 2, 3], 1)
assert isinstance(_troika, RoleAssignment)
TG = _troika
GROUPS = {
    slug: group
    for slug in SLUGS
    if isinstance(
        group := assign_roles(
            METHODS[slug],
            list(range(1, METHODS[slug].group_size.min + 1)),
            1,
            2 if moderator_role(METHODS[slug]) else None,
        ),
        RoleAssignment,
    )
}


def _advanced(result: Advanced | Refused) -> RunState:
    assert isinstance(result, Advanced), result
    return result.state


@pytest.mark.parametrize("slug", SLUGS)
def test_a_live_round_walks_every_phase_in_order_then_closes(slug: str) -> None:
    method = METHODS[slug]
    boss = instructor()
    state = _advanced(start(method, GROUPS[slug], RunState(), boss, T0))
    seen = []
    now = T0
    while not state.closed:
        clock = live_phase(method, state)
        assert clock.phase is not None
        seen.append(clock.phase.id)
        assert clock.time_left(now) == timedelta(minutes=clock.phase.minutes)
        now += timedelta(minutes=clock.phase.minutes)
        state = _advanced(advance(method, GROUPS[slug], state, boss, now))
    assert seen == [p.id for p in method.phases]
    assert state.closed_at == now
    assert live_phase(method, state).closed


def test_only_the_moderator_or_an_instructor_moves_on() -> None:
    state = _advanced(start(CC, CCG, RunState(), member(MODERATOR), T0))
    refused = advance(CC, CCG, state, member(ANNA), T0 + MIN)
    assert isinstance(refused, Refused) and refused.reason is Reason.NOT_ALLOWED
    assert "Moderator" in refused.message
    assert _advanced(advance(CC, CCG, state, instructor(), T0 + MIN)).phase_index == 1
    outsider = advance(CC, CCG, state, Actor(99, None), T0 + MIN)
    assert isinstance(outsider, Refused) and outsider.reason is Reason.NOT_IN_GROUP


def test_without_a_moderator_role_any_member_moves_on() -> None:
    troika = METHODS["troika-consulting"]
    state = _advanced(start(troika, TG, RunState(), Actor(3, "consultant"), T0))
    assert (
        _advanced(advance(troika, TG, state, Actor(1, "case-bringer"), T0 + MIN)).phase_index == 1
    )


def test_a_double_press_moves_one_phase() -> None:
    state = _advanced(start(CC, CCG, RunState(), member(MODERATOR), T0))
    once = _advanced(advance(CC, CCG, state, member(MODERATOR), T0 + MIN, from_index=0))
    twice = advance(CC, CCG, once, member(MODERATOR), T0 + MIN, from_index=0)
    assert isinstance(twice, Refused) and twice.reason is Reason.ALREADY_DONE
    assert once.phase_index == 1


def test_the_live_timer_overruns_at_zero_and_does_not_move_on_by_itself() -> None:
    state = _advanced(start(CC, CCG, RunState(), member(MODERATOR), T0))
    clock = live_phase(CC, state)
    late = T0 + timedelta(minutes=CC.phases[0].minutes + 3)
    assert clock.time_left(late) == timedelta(0)
    assert clock.overrun(late)
    assert live_phase(CC, state).index == 0


def test_async_rounds_move_by_deadline_only() -> None:
    schedule = schedule_by_days(CC, T0, [1] * len(CC.phases))
    assert check_schedule(CC, schedule) == ()
    assert current_phase(CC, schedule, T0 - MIN).index is None
    assert not current_phase(CC, schedule, T0 - MIN).closed
    assert current_phase(CC, schedule, T0).index == 0
    assert current_phase(CC, schedule, T0 + timedelta(days=1) - MIN).index == 0
    assert current_phase(CC, schedule, T0 + timedelta(days=1)).index == 1
    assert current_phase(CC, schedule, T0 + timedelta(days=1, hours=6)).time_left(
        T0 + timedelta(days=1, hours=6)
    ) == timedelta(hours=18)
    assert current_phase(CC, schedule, schedule.deadlines[-1]).closed
    refused = advance(CC, CCG, RunState(0, T0), member(MODERATOR), T0, mode=Mode.ASYNC)
    assert isinstance(refused, Refused) and refused.reason is Reason.LIVE_ONLY


@given(
    st.lists(st.integers(min_value=1, max_value=72), min_size=7, max_size=7), st.integers(0, 600)
)
def test_async_phase_is_the_first_deadline_ahead(hours: list[int], at_hours: int) -> None:
    schedule = Schedule(T0, tuple(T0 + timedelta(hours=sum(hours[: i + 1])) for i in range(7)))
    now = T0 + timedelta(hours=at_hours)
    clock = current_phase(CC, schedule, now)
    ahead = [i for i, d in enumerate(schedule.deadlines) if now < d]
    assert clock.index == (ahead[0] if ahead else None)
    assert clock.closed is (not ahead)


def test_a_schedule_must_have_one_increasing_deadline_per_phase() -> None:
    fields = [p.field for p in check_schedule(CC, Schedule(T0, (T0 + MIN,)))]
    assert fields == ["deadlines"]
    backwards = Schedule(T0, tuple(T0 + timedelta(hours=h) for h in (1, 2, 2, 3, 4, 5, 6)))
    assert [p.field for p in check_schedule(CC, backwards)] == ["deadlines.2"]


def test_hybrid_moderator_may_move_on_early_but_deadlines_move_everyone() -> None:
    schedule = schedule_by_days(CC, T0, [1] * len(CC.phases))
    state = sync_hybrid(CC, RunState(), schedule, T0)
    assert state.phase_index == 0
    early = _advanced(advance(CC, CCG, state, member(MODERATOR), T0 + MIN, mode=Mode.HYBRID))
    clock = phase_now(Mode.HYBRID, CC, T0 + timedelta(hours=2), state=early, schedule=schedule)
    assert clock.index == 1
    assert clock.ends_at is not None and clock.ends_at <= schedule.deadlines[1]
    # The moderator does nothing for two days: the schedule moves everyone to phase 2.
    later = T0 + timedelta(days=2, hours=1)
    assert phase_now(Mode.HYBRID, CC, later, state=early, schedule=schedule).index == 2
    synced = sync_hybrid(CC, early, schedule, later)
    assert synced.phase_index == 2
    assert (
        _advanced(advance(CC, CCG, synced, member(MODERATOR), later, mode=Mode.HYBRID)).phase_index
        == 3
    )
    assert phase_now(
        Mode.HYBRID, CC, schedule.deadlines[-1], state=synced, schedule=schedule
    ).closed


def test_phase_now_needs_what_the_mode_runs_on() -> None:
    with pytest.raises(ValueError):
        phase_now(Mode.ASYNC, CC, T0)
    with pytest.raises(ValueError):
        phase_now(Mode.HYBRID, CC, T0, state=RunState())
    assert phase_now(Mode.LIVE, CC, T0).index is None


def test_a_closed_round_cannot_move_or_restart() -> None:
    closed = RunState(phase_index=6, phase_started_at=T0, closed_at=T0)
    for result in (
        advance(CC, CCG, closed, instructor(), T0),
        start(CC, CCG, closed, instructor(), T0),
    ):
        assert isinstance(result, Refused) and result.reason is Reason.CLOSED


def test_claiming_the_moderator_role_without_having_it_is_refused() -> None:
    state = _advanced(start(CC, CCG, RunState(), member(MODERATOR), T0))
    refused = advance(CC, CCG, state, Actor(ANNA, "moderator"), T0 + MIN)
    assert isinstance(refused, Refused) and refused.reason is Reason.NOT_ALLOWED
