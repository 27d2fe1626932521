"""An exercise's phase plan through services.exercises on SQLite and PostgreSQL: refused with
nothing saved, saved and carried into the running round for the phases it has not passed, used
by a new round; and an instructor ending an asynchronous phase now, up to closing the round
(which dates the purge in the same transaction)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from lti_app.domain.exercises.outcomes import Allowed, Reason, Refused
from lti_app.domain.exercises.schedule import DueAfter, DueAt, PhasePlan
from lti_app.domain.exercises.settings import Mode
from lti_app.services import exercises
from lti_app.storage import db, exercise_groups_repo
from tests.support.exercise_world import (
    METHOD,
    NOW,
    PHASES,
    build_exercise_world,
    during,
    new_exercise,
)

N = len(PHASES)


def _plan(step_days: int) -> PhasePlan:
    return PhasePlan(tuple(DueAfter(timedelta(days=step_days * (i + 1))) for i in range(N)))


def test_a_plan_is_checked_saved_and_moves_the_phases_a_round_has_not_passed(
    db_app: Flask,
) -> None:
    world = build_exercise_world(db_app)  # its group: one day per phase from NOW
    with db_app.app_context():
        before = exercises.groups(world.course, world.exercise)[0].schedule
        assert before is not None
        at = during(PHASES[2])  # phases 0 and 1 are over
        bad = PhasePlan((DueAt(at - timedelta(hours=1)), *_plan(3).entries[1:]))
        refused = exercises.set_phase_plan(world.course, world.exercise, bad, "UTC", now=at)
        assert refused.exercise is None and [p.field for p in refused.problems] == ["phases.0"]
        assert exercises.get_exercise(world.course, world.exercise).phase_plan is None
        assert exercises.groups(world.course, world.exercise)[0].schedule == before

        saved = exercises.set_phase_plan(
            world.course, world.exercise, _plan(3), "Europe/Amsterdam", now=at
        )
        assert saved.exercise is not None and saved.rounds_moved == 1
        assert saved.exercise.phase_plan == _plan(3)
        assert saved.exercise.phase_plan_zone == "Europe/Amsterdam"
        after = exercises.groups(world.course, world.exercise)[0].schedule
        assert after is not None
        assert after.deadlines[:2] == before.deadlines[:2]
        assert after.deadlines[2:] == tuple(NOW + timedelta(days=3 * (i + 1)) for i in range(2, N))
        state = exercises.phase_state(world.course, world.group, at)
        assert state.phase_index == 2 and state.ends_at == NOW + timedelta(days=9)

        # A new round counts the plan from when it is made.
        made_at = at + timedelta(hours=1)
        group = exercises.form_group(
            world.course,
            world.exercise,
            list(world.learners[5:10]),
            case_bringer=world.learners[5],
            moderator=world.learners[6],
            now=made_at,
        ).group
        assert group is not None and group.schedule is not None
        assert group.schedule.opens_at == made_at
        assert group.schedule.deadlines[0] == made_at + timedelta(days=3)


def test_a_passed_date_refuses_a_new_group_and_a_live_exercise_has_no_plan(
    db_app: Flask,
) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        first = NOW + timedelta(hours=2)
        plan = PhasePlan((DueAt(first), *_plan(1).entries[1:]))
        assert exercises.set_phase_plan(world.course, world.exercise, plan, "UTC", now=NOW).exercise
        late = exercises.form_group(
            world.course,
            world.exercise,
            list(world.learners[5:10]),
            case_bringer=world.learners[5],
            moderator=world.learners[6],
            now=first + timedelta(minutes=1),
        )
        assert late.group is None and [p.field for p in late.problems] == ["deadlines"]
        assert METHOD.phases[0].name in late.problems[0].message
        live = new_exercise(db_app, world.course, "link-live", world.instructor, Mode.LIVE)
        refused = exercises.set_phase_plan(world.course, live, _plan(1), "UTC", now=NOW)
        assert refused.exercise is None and "live" in refused.problems[0].message


def test_an_instructor_ends_async_phases_now_until_the_round_closes(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        at = NOW + timedelta(hours=1)
        moderator = exercises.advance(world.course, world.group, world.moderator, now=at)
        assert isinstance(moderator, Refused) and moderator.reason is Reason.LIVE_ONLY
        teacher = world.teacher
        page = exercises.page_view(world.course, world.group, teacher, at)
        assert page.may_advance and page.phase_index == 0
        assert not exercises.page_view(world.course, world.group, world.moderator, at).may_advance
        for index in range(N):
            verdict = exercises.advance(
                world.course, world.group, teacher, now=at, from_index=index
            )
            assert isinstance(verdict, Allowed), (index, verdict)
            state = exercises.phase_state(world.course, world.group, at)
            assert state.phase_index == (index + 1 if index + 1 < N else None)
        assert exercises.phase_state(world.course, world.group, at).closed
        with db.transaction() as session:
            group = exercise_groups_repo.read_group(session, world.course, world.group).group
        assert group.purge_at == at + timedelta(days=30)  # dated when the last phase ended
        again = exercises.advance(world.course, world.group, teacher, now=at, from_index=N - 1)
        assert isinstance(again, Refused) and again.reason is Reason.CLOSED
