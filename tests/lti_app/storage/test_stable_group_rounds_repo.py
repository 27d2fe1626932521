"""The stable-group queries the dashboard's start form uses, on SQLite and PostgreSQL: the
course's stable groups with their head counts (every sheet, no other course's), and the roles
its members took in the group's rounds (the fair rotation's history), scoped to the course."""

from __future__ import annotations

from flask import Flask

from lti_app.domain.exercises.settings import ExerciseSettings, GroupSource, Mode
from lti_app.domain.methods import CASE_BRINGER
from lti_app.services import exercises, signups
from lti_app.services.exercises.stable_start import start_stable_round
from lti_app.storage import db, stable_group_rounds_repo
from lti_app.storage.signups_repo import SheetLink
from tests.support.shipped_methods import METHODS
from tests.support.signup_world import NOW, build_world

TEN_STEP = METHODS["ten-step-method"]


def test_course_groups_and_the_roles_taken_in_their_rounds(db_app: Flask) -> None:
    world = build_world(db_app, learners=11)
    people = list(world.learners)
    with db_app.app_context():
        ours = signups.form_sheet_groups(
            world.course, sheet_id=world.sheet, roster=people[:8], size_min=4, size_max=4, now=NOW
        ).groups
        signups.form_sheet_groups(
            world.course,
            sheet_id=world.second_sheet,
            roster=people[8:],
            size_min=3,
            size_max=3,
            now=NOW,
        )
        theirs = signups.open_sheet(world.sibling, SheetLink("link-1", "Theirs"), NOW)
        signups.form_sheet_groups(
            world.sibling, sheet_id=theirs.id, roster=people[:4], size_min=4, size_max=4, now=NOW
        )
        exercise = exercises.open_exercise(
            world.course, exercises.ExerciseLink("ex", "Ex"), now=NOW
        )
        settings = ExerciseSettings(
            TEN_STEP.slug, Mode.LIVE, GroupSource.STABLE_GROUP, group_id=ours[0].id
        )
        assert exercises.configure_exercise(world.course, exercise.id, settings, TEN_STEP, now=NOW)
        made = start_stable_round(world.course, exercise.id, ours[0].id, now=NOW)
        assert made.group is not None, made.problems

        with db.transaction() as session:
            listed = stable_group_rounds_repo.course_groups(session, world.course)
            taken = stable_group_rounds_repo.roles_taken(session, world.course, [made.group.id])
            elsewhere = stable_group_rounds_repo.roles_taken(
                session, world.sibling, [made.group.id]
            )
            none = stable_group_rounds_repo.course_groups(session, world.other_tenant)
    assert [(g.name, g.members) for g in listed] == [(g.name, 4) for g in ours] + [
        (listed[2].name, 3)
    ]
    assert {g.sheet_id for g in listed} == {world.sheet, world.second_sheet}
    assert sorted(user for user, _, _ in taken) == sorted(ours[0].members)
    assert [role for _, role, _ in taken].count(CASE_BRINGER) == 1
    assert elsewhere == () and none == ()
