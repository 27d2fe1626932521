"""Starting a stable group's round from the exercise dashboard: the course's stable groups
are listed, the exercise's group starts with its case-bringer and moderator by the fair
rotation, its learners find the round, a double submit makes one round, a group of another
course or tenant is not found, a group too small for the method's roles gets a clear message
with nothing saved; axe-core on the form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from lti_app.domain.exercises.roles import moderator_role
from lti_app.domain.exercises.settings import ExerciseSettings, GroupSource, Mode
from lti_app.domain.methods import CASE_BRINGER
from lti_app.services import exercises, signup_groups, signups
from lti_app.services.exercises.stable_start import start_stable_round
from lti_app.storage.signups_repo import SheetLink
from tests.support.accessibility_tool_pages import tool_browser
from tests.support.exercise_pages import Member, accept_rules, configure, member
from tests.support.launches import LaunchAs
from tests.support.platforms import KeySetServer
from tests.support.shipped_methods import METHODS
from tests.support.signup_people import person
from tests.support.stable_start_world import foreign_groups, sheet_group, stable_start

START = "/groups/from-stable-group"
SIGNUP = {"kind": "signup", "intervision_ref": "kick-off"}
TEN_STEP = METHODS["ten-step-method"]


def _groups(app: Flask, who: Member) -> tuple[exercises.GroupRecord, ...]:
    """The exercise's groups as stored (not as a page shows them)."""
    scope = who.launched.launch.scope
    assert scope is not None
    link = who.launched.launch.resource_link
    assert link is not None
    with app.app_context():  # the launch's own link: finds the exercise, changes nothing
        here = exercises.open_exercise(
            scope, exercises.ExerciseLink(link.id, link.title), now=datetime.now(UTC)
        )
        return exercises.groups(scope, here.id)


def test_the_round_starts_once_with_rotated_roles_and_its_learners_find_it(
    app: Flask, launch_as: LaunchAs
) -> None:
    world = stable_start(app, launch_as)
    board = world.instructor.page("/dashboard")
    (row,) = board.with_attr("data-stable-group")
    assert world.group_name in row.text and row.attrs["data-stable-group"] == str(world.group_id)
    assert board.form(START)["stable_group"] == str(world.group_id)

    first = world.instructor.submit(board, START, {})
    second = world.instructor.submit(board, START, {})  # the same rendered form sent again
    assert first.status_code == second.status_code == 303
    again = world.instructor.follow(second)
    assert f"The round of {world.group_name} in this exercise is already made" in again.text
    (group,) = _groups(app, world.instructor)  # one round
    board = world.instructor.page("/dashboard")
    (section,) = board.with_attr("data-group")
    assert len(board.with_attr("data-member")) == 5
    assert board.with_attr("data-started") and not board.has_form(START)
    roles = [m.role for m in group.members]
    moderator = moderator_role(TEN_STEP)
    assert moderator is not None
    assert roles.count(CASE_BRINGER) == 1 and roles.count(moderator) == 1
    assert group.name == world.group_name

    bringer = next(p for p in world.learners if p.user_id == group.assignment.case_bringer)
    accept_rules(bringer)
    page = bringer.open("/")
    assert page.with_attr("data-my-role", CASE_BRINGER)
    assert page.by_id("exercise-round").attrs["data-group"] == section.attrs["data-group"]  # type: ignore[union-attr]

    now = datetime.now(UTC)  # the group's next round, in another exercise: roles move on
    with app.app_context():
        later = exercises.open_exercise(
            world.scope, exercises.ExerciseLink("round-two", "Round two"), now=now
        )
        settings = ExerciseSettings(
            TEN_STEP.slug, Mode.LIVE, GroupSource.STABLE_GROUP, group_id=world.group_id
        )
        assert exercises.configure_exercise(world.scope, later.id, settings, TEN_STEP, now=now)
        made = start_stable_round(world.scope, later.id, world.group_id, now=now)
    assert made.group is not None, made.problems
    before, after = group.assignment, made.group.assignment
    assert after.case_bringer != before.case_bringer
    assert after.holders(moderator) != before.holders(moderator)


def test_a_group_too_small_for_the_roles_saves_nothing(app: Flask, launch_as: LaunchAs) -> None:
    world = stable_start(app, launch_as, size=2)
    board = world.instructor.page("/dashboard")
    shown = world.instructor.follow(world.instructor.submit(board, START, {}))
    assert (
        f"{world.group_name} has 2 members; {TEN_STEP.name} needs at least 3 to fill its roles"
        in shown.text
    )
    assert shown.with_attr("data-group") == [] and shown.has_form(START)
    assert _groups(app, world.instructor) == ()


def test_other_groups_are_refused_and_nothing_is_saved(
    app: Flask, launch_as: LaunchAs, key_server: KeySetServer
) -> None:
    """Another course's or tenant's stable group: 404, nothing saved (this course's other
    groups may start here: see test_stable_groups_together)."""
    world = stable_start(app, launch_as)
    others = [member(app, launch_as, "learner", f"other-{n}").user_id for n in range(3)]
    sheet_group(app, world.scope, "second-sheet", others)
    away = foreign_groups(app, launch_as, key_server, 3, world.scope)
    foreign, theirs = away.other_course, away.other_tenant

    board = world.instructor.page("/dashboard")
    assert len(board.with_attr("data-stable-group")) == 2  # only this course's groups
    for nonsense in ("10" * 12, "-1", "two"):  # never a query, never a 500
        shown = world.instructor.follow(
            world.instructor.submit(board, START, {"stable_group": nonsense})
        )
        assert "choose the group again" in shown.text
    for group_id in (foreign, theirs):
        refused = world.instructor.submit(board, START, {"stable_group": str(group_id)})
        assert refused.status_code == 404
        assert "choose a group from its list" in refused.get_data(as_text=True)
    assert _groups(app, world.instructor) == ()


@pytest.mark.browser
def test_the_start_form_and_its_outcome_axe_clean(app: Flask, launch_as: LaunchAs) -> None:
    world = stable_start(app, launch_as)
    teacher = world.instructor
    with tool_browser(teacher.client) as browser:
        page = browser.page
        page.goto(teacher.url("/dashboard"))
        button = page.get_by_role("button", name=f"Start the round of {world.group_name}")
        assert browser.axe("dashboard, stable groups with the start form") == []
        button.focus()
        page.keyboard.press("Enter")
        page.get_by_text(f"The round of {world.group_name} is made").wait_for()
        assert page.locator("[data-member]").count() == 5
        assert browser.axe("dashboard, the round made") == []
        assert browser.refused == []


def test_a_session_of_a_stable_group_shows_the_groups_rounds(
    app: Flask, launch_as: LaunchAs
) -> None:
    """An exercise whose group is a sign-up session's, that session given to a stable group:
    the dashboard's round chooser shows the stable group's rounds (here: the round it had in
    another exercise), and no start form (the session's group is made from the session)."""
    instructor = member(app, launch_as, "instructor", "teacher")
    scope = instructor.launched.launch.scope
    assert scope is not None
    planner = person(app, launch_as, "instructor", "planner", custom=SIGNUP)
    session_id = planner.create(seats_max="6", case_bringer_places="1")
    link = planner.launched.launch.resource_link
    assert link is not None
    people = [member(app, launch_as, "learner", f"learner-{n}").user_id for n in range(3)]
    group_id, group_name = sheet_group(app, scope, link.id, people)  # the session's sheet
    now = datetime.now(UTC)
    with app.app_context():
        sheet_id = signups.open_sheet(scope, SheetLink(link.id, link.title), now).id
        signup_groups.assign_group(
            scope, sheet_id=sheet_id, session_id=session_id, group_id=group_id, now=now
        )
        earlier = exercises.open_exercise(
            scope, exercises.ExerciseLink("round-one", "Round one"), now=now
        )
        settings = ExerciseSettings(
            TEN_STEP.slug, Mode.LIVE, GroupSource.STABLE_GROUP, group_id=group_id
        )
        assert exercises.configure_exercise(scope, earlier.id, settings, TEN_STEP, now=now)
        assert start_stable_round(scope, earlier.id, group_id, now=now).group
    configure(
        instructor,
        mode="live",
        group_source="session",
        session_id=str(session_id),
        size_min="",
        size_max="",
    )
    board = instructor.page("/dashboard")
    heading = board.by_id("rounds-heading")
    assert heading is not None and heading.text == f"Rounds of {group_name}"
    (row,) = board.with_attr("data-round")
    assert "Round one" in row.text
    assert not board.has_form(START) and board.by_id("stable-groups") is None
