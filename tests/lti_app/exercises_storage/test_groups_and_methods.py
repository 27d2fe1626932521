"""Where groups come from (a sign-up session, a stable group, self-formed within the size
range) and the course's versioned copy of a method, through services.exercises on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from flask import Flask

from lti_app.domain.exercises.adaptation import PhaseChange
from lti_app.domain.exercises.outcomes import Actor, Allowed, Reason, Refused
from lti_app.domain.exercises.settings import GroupSource, Mode
from lti_app.domain.methods import CASE_BRINGER
from lti_app.domain.signups.booking import Intent
from lti_app.domain.signups.plan import SessionPlan
from lti_app.services import exercises, signups
from lti_app.storage.signups_repo import SheetLink
from tests.support.exercise_world import (
    METHOD,
    NOW,
    build_exercise_world,
    new_exercise,
    schedule,
)
from tests.support.signup_world import race


def _plan() -> SessionPlan:
    starts = NOW + timedelta(days=2)
    return SessionPlan(
        title="Intervision, group A",
        method=METHOD.slug,
        starts_at=starts,
        duration=timedelta(minutes=90),
        timezone="Europe/Amsterdam",
        seats_max=6,
        case_bringer_places=1,
        cancel_deadline=starts - timedelta(days=1),
    )


def test_a_session_group_takes_its_seated_people_case_bringer_and_moderator(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        sheet = signups.open_sheet(world.course, SheetLink("sheet-1", "Sign-up"), NOW)
        saved = signups.create_session(world.course, sheet_id=sheet.id, plan=_plan(), now=NOW)
        assert saved.session is not None
        session_id = saved.session.id
        people = world.learners[5:10]
        for n, user in enumerate(people):
            intent = Intent.CASE_BRINGER if n == 2 else Intent.CONSULTANT
            signups.book(
                world.course,
                sheet_id=sheet.id,
                session_id=session_id,
                user_id=user,
                intent=intent,
                now=NOW,
            )
        signups.rotate_roles(
            world.course,
            sheet_id=sheet.id,
            session_id=session_id,
            now=NOW,
            fixed={"moderator": people[0]},
        )
        exercise = new_exercise(
            db_app,
            world.course,
            "link-session",
            world.instructor,
            group_source=GroupSource.SESSION,
            session_id=session_id,
            size_min=None,
            size_max=None,
        )
        made = exercises.group_from_session(world.course, exercise, schedule=schedule(), now=NOW)
        assert made.group is not None, made.problems
        assignment = made.group.assignment
        assert set(made.group.member_ids) == set(people)
        assert assignment.case_bringer == people[2]
        assert assignment.role_of(people[0]) == "moderator"
        assert made.group.session_ends_at == _plan().ends_at
        assert exercises.my_group(world.course, exercise, people[3]) == made.group.id
        with pytest.raises(exercises.AlreadyInGroup):  # the same people twice
            exercises.group_from_session(world.course, exercise, schedule=schedule(), now=NOW)
        # The session belongs to course A: another course's exercise cannot take it.
        with pytest.raises(exercises.ExerciseNotFound):
            exercises.group_from_session(world.sibling, exercise, schedule=schedule(), now=NOW)


def test_a_stable_group_becomes_the_exercise_group(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        sheet = signups.open_sheet(world.course, SheetLink("sheet-1", "Sign-up"), NOW)
        people = list(world.learners[5:10])
        formed = signups.form_sheet_groups(
            world.course, sheet_id=sheet.id, roster=people, size_min=5, size_max=5, now=NOW
        )
        stable = formed.groups[0].id
        exercise = new_exercise(
            db_app,
            world.course,
            "link-stable",
            world.instructor,
            group_source=GroupSource.STABLE_GROUP,
            group_id=stable,
            size_min=None,
            size_max=None,
        )
        wrong = exercises.group_from_stable_group(
            world.course,
            exercise,
            case_bringer=people[0],
            moderator=people[0],
            schedule=schedule(),
            now=NOW,
        )
        assert wrong.group is None and [p.field for p in wrong.problems] == ["moderator"]
        made = exercises.group_from_stable_group(
            world.course,
            exercise,
            case_bringer=people[0],
            moderator=people[1],
            schedule=schedule(),
            now=NOW,
        )
        assert made.group is not None and set(made.group.member_ids) == set(people)
        assert made.group.schedule == schedule()


def test_self_formed_groups_fill_up_to_the_size_range_then_get_roles(db_app: Flask) -> None:
    world = build_exercise_world(db_app, mode=Mode.LIVE)  # size 5..6
    with db_app.app_context():
        founder, *others = world.learners[5:12]
        made = exercises.create_self_group(
            world.course, world.exercise, founder, name="Ours", now=NOW
        )
        assert made.group is not None
        group = made.group.id
        with pytest.raises(exercises.AlreadyInGroup):  # in the world's group already
            exercises.join_group(world.course, world.exercise, group, world.learners[0], now=NOW)
        for user in others[:5]:
            assert isinstance(
                exercises.join_group(world.course, world.exercise, group, user, now=NOW), Allowed
            )
        full = exercises.join_group(world.course, world.exercise, group, others[5], now=NOW)
        assert isinstance(full, Refused) and "full" in full.message
        again = exercises.join_group(world.course, world.exercise, group, founder, now=NOW)
        assert isinstance(again, Refused) and again.reason is Reason.ALREADY_DONE
        before = exercises.page_view(world.course, group, Actor(founder), NOW)
        assert before.my_role is None and before.may_post == ()
        bad = exercises.assign_group_roles(
            world.course,
            world.exercise,
            group,
            case_bringer=world.learners[0],
            moderator=founder,
            now=NOW,
        )
        assert bad.group is None and bad.problems
        given = exercises.assign_group_roles(
            world.course, world.exercise, group, case_bringer=founder, moderator=others[0], now=NOW
        )
        assert given.group is not None
        assert given.group.assignment.role_of(founder) == CASE_BRINGER
        assert isinstance(exercises.start(world.course, group, Actor(others[0]), now=NOW), Allowed)
        late = exercises.assign_group_roles(
            world.course,
            world.exercise,
            group,
            case_bringer=others[1],
            moderator=others[0],
            now=NOW,
        )
        assert late.group is None


def test_an_exercise_keeps_the_method_version_it_started_with(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        shipped = exercises.exercise_method(world.course, world.exercise)
        assert shipped is not None and shipped.version == 0
        bad = exercises.adapt_method(
            world.course,
            METHOD,
            {"consultation": PhaseChange(minutes=500)},
            by_user=world.instructor,
            now=NOW,
        )
        assert bad.version is None and bad.problems
        first = exercises.adapt_method(
            world.course,
            METHOD,
            {"consultation": PhaseChange(minutes=30), "choose-module": PhaseChange(skip=True)},
            by_user=world.instructor,
            now=NOW,
        )
        assert first.version is not None and first.version.version == 1
        adapted = new_exercise(db_app, world.course, "link-adapted", world.instructor)
        second = exercises.adapt_method(
            world.course,
            METHOD,
            {"consultation": PhaseChange(minutes=40)},
            by_user=world.instructor,
            now=NOW,
        )
        assert second.version is not None and second.version.version == 2
        runs = exercises.exercise_method(world.course, adapted)
        assert runs is not None and runs.version == 1
        assert "choose-module" not in [p.id for p in runs.phases]
        assert next(p.minutes for p in runs.phases if p.id == "consultation") == 30
        assert exercises.exercise_method(world.course, world.exercise) == shipped
        # Another course adapts its own copy: its versions start again.
        other = exercises.adapt_method(
            world.sibling, METHOD, {"consultation": PhaseChange(minutes=20)}, by_user=None, now=NOW
        )
        assert other.version is not None and other.version.version == 1


def test_racing_adaptations_get_distinct_versions(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    calls = [
        partial(
            exercises.adapt_method,
            world.course,
            METHOD,
            {"consultation": PhaseChange(minutes=20 + n)},
            by_user=world.instructor,
            now=NOW,
        )
        for n in range(4)
    ]
    saved = race(db_app, calls)
    versions = sorted(s.version.version for s in saved if s.version is not None)
    assert versions == [1, 2, 3, 4]
