"""A stable sign-up group that met in two rounds (two exercises of the course), for the
dashboard's round chooser: three weeks ago in "Round one" (its case posted, its schedule run
out, so closed), and now in the harness's exercise (resource ``resource-1``), which the
instructor's launch opens. A second stable group of the same sheet had a round of its own in a
third exercise: a round the chooser must refuse. Built through the services, as the follow-up
page test builds its earlier round; the case text carries :data:`CASE_MARKER` so a test can
prove no page or CSV shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask

from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.exercises.phases import PostType, schedule_by_days
from lti_app.domain.exercises.settings import ExerciseSettings, GroupSource, Mode
from lti_app.domain.exercises.validation import Draft
from lti_app.domain.scope import CourseScope
from lti_app.services import exercises, signups
from lti_app.storage.signups_repo import SheetLink
from tests.support.exercise_pages import CHECKLIST, Member, member
from tests.support.launches import LaunchAs
from tests.support.shipped_methods import METHODS

TEN_STEP = METHODS["ten-step-method"]
CASE_MARKER = "CASE-TEXT-NEVER-ON-THE-DASHBOARD"


@dataclass(frozen=True)
class StableRoundsWorld:
    instructor: Member
    scope: CourseScope
    group_name: str
    members: tuple[int, ...]
    first_round: int  # exercise group ids
    this_round: int
    other_groups_round: int
    this_exercise: int


def _exercise(scope: CourseScope, link: str, title: str, stable: int, by: int, at: datetime) -> int:
    record = exercises.open_exercise(
        scope, exercises.ExerciseLink(link, title), now=at, created_by=by
    )
    settings = ExerciseSettings(
        TEN_STEP.slug, Mode.ASYNC, GroupSource.STABLE_GROUP, group_id=stable
    )
    saved = exercises.configure_exercise(scope, record.id, settings, TEN_STEP, now=at)
    assert saved.exercise is not None, saved.problems
    return record.id


def _round(scope: CourseScope, exercise_id: int, people: list[int], at: datetime) -> int:
    made = exercises.group_from_stable_group(
        scope,
        exercise_id,
        case_bringer=people[0],
        moderator=people[1],
        schedule=schedule_by_days(TEN_STEP, at, [1] * len(TEN_STEP.phases)),
        accept_size=True,
        now=at,
    )
    assert made.group is not None, made.problems
    return made.group.id


def stable_rounds_world(app: Flask, launch_as: LaunchAs) -> StableRoundsWorld:
    instructor = member(app, launch_as, "instructor", "teacher")
    learners = [member(app, launch_as, "learner", f"learner-{n}").user_id for n in range(8)]
    scope = instructor.launched.launch.scope
    assert scope is not None
    now = datetime.now(UTC)  # the dashboard reads the real clock: data relative to it
    earlier = now - timedelta(days=21)
    with app.app_context():
        sheet = signups.open_sheet(scope, SheetLink("groups-sheet", "Groups"), earlier)
        formed = signups.form_sheet_groups(
            scope, sheet_id=sheet.id, roster=learners, size_min=4, size_max=4, now=earlier
        )
        ours, theirs = formed.groups[0], formed.groups[1]
        ours_people = sorted(ours.members)
        first = _exercise(scope, "round-one", "Round one", ours.id, instructor.user_id, earlier)
        first_round = _round(scope, first, ours_people, earlier)
        case = {
            "situation": f"{CASE_MARKER} in the situation.",
            "own_role": "I chair the team.",
            "key_question": "How do I decide sooner?",
        }
        draft = Draft(PostType.CASE, case=case, checklist=frozenset(CHECKLIST))
        posted = exercises.post(
            scope, first_round, Actor(ours_people[0]), draft, None, earlier + timedelta(hours=12)
        )
        assert isinstance(posted, exercises.PostAccepted), posted
        other = _exercise(
            scope, "their-round", "Their round", theirs.id, instructor.user_id, earlier
        )
        other_round = _round(scope, other, sorted(theirs.members), earlier)
        here = exercises.open_exercise(
            scope, exercises.ExerciseLink("resource-1", "Round two"), now=now
        ).id
        saved = exercises.configure_exercise(
            scope,
            here,
            ExerciseSettings(TEN_STEP.slug, Mode.ASYNC, GroupSource.STABLE_GROUP, group_id=ours.id),
            TEN_STEP,
            now=now,
        )
        assert saved.exercise is not None, saved.problems
        this_round = _round(scope, here, ours_people, now)
    return StableRoundsWorld(
        instructor,
        scope,
        ours.name,
        tuple(ours_people),
        first_round,
        this_round,
        other_round,
        here,
    )
