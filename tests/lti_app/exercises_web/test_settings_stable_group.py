"""The settings choose a stable group from a list of the course's stable groups, named as the
sign-up sheets show them, with "No stable group" first; another course's or tenant's group is
not offered and, sent anyway, refused on the field with nothing saved."""

from __future__ import annotations

from flask import Flask

from lti_app.services.exercises.stable_start import GroupChoice
from lti_app.web.exercises.instructor_views import group_options
from tests.support.exercise_pages import SETTINGS as FORM
from tests.support.exercise_pages import Page, member
from tests.support.launches import LaunchAs, registered_platform
from tests.support.platforms import KeySetServer
from tests.support.stable_start_world import sheet_group, stable_start

SETTINGS = "/exercises/settings"
STABLE = {  # what stable_start saved: select values are typed in, as a browser sends them
    **FORM,
    "mode": "live",
    "group_source": "stable_group",
    "size_min": "",
    "size_max": "",
}


def _options(page: Page) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the settings' stable group select, in order."""
    elements = page.parser.elements
    start = next(
        i for i, e in enumerate(elements) if e.tag == "select" and e.attrs.get("name") == "group_id"
    )
    options = []
    for element in elements[start + 1 :]:
        if element.tag != "option":
            break
        options.append((element.attrs["value"], element.text.strip(), "selected" in element.attrs))
    return options


def test_the_stable_group_is_chosen_from_the_courses_groups(
    app: Flask, launch_as: LaunchAs, key_server: KeySetServer
) -> None:
    world = stable_start(app, launch_as)  # saved through the list: the group's id
    teacher = world.instructor
    trio = [member(app, launch_as, "learner", f"trio-{n}").user_id for n in range(3)]
    trio_id, trio_name = sheet_group(app, world.scope, "trio-sheet", trio)
    elsewhere = member(app, launch_as, "instructor", "teacher", context_id="course-77")
    assert elsewhere.launched.launch.scope is not None
    foreign, _ = sheet_group(app, elsewhere.launched.launch.scope, "their-sheet", [trio[0]])
    tenant = registered_platform(app, key_server, client_id="another-tenant")
    stranger = member(app, launch_as, "instructor", "teacher", platform=tenant)
    assert stranger.launched.launch.scope is not None
    theirs, _ = sheet_group(app, stranger.launched.launch.scope, "far-sheet", [stranger.user_id])

    page = teacher.page("/settings")
    options = _options(page)
    assert options[0] == ("", "No stable group", False)
    assert [value for value, _, _ in options[1:]] == [str(world.group_id), str(trio_id)]
    (chosen,) = [value for value, _, picked in options if picked]
    assert chosen == str(world.group_id)  # the saved group is shown chosen
    labels = [label for _, label, _ in options[1:]]
    # two sheets, both titled "Groups", each with its "Group 1": the title, then the number
    assert labels == [
        f"Groups: {world.group_name}, no. {world.group_id} (5 people)",
        f"Groups: {trio_name}, no. {trio_id} (3 people)",
    ]
    assert page.by_id("group_id") is not None  # a labelled select, not a number box

    moved = teacher.follow(teacher.submit(page, SETTINGS, {**STABLE, "group_id": str(trio_id)}))
    assert "settings are saved" in moved.text
    assert [v for v, _, picked in _options(teacher.page("/settings")) if picked] == [str(trio_id)]

    for value, message in (
        ("", "Choose the stable group that takes part."),
        (str(foreign), "not one of this course's groups"),
        (str(theirs), "not one of this course's groups"),
        ("nine", "Choose the stable group that takes part."),
    ):
        response = teacher.submit(page, SETTINGS, {**STABLE, "group_id": value})
        assert response.status_code == 400, value
        refused = Page(response.get_data(as_text=True))
        assert message in refused.text, value
        assert refused.by_id("group_id-error") is not None, value  # on the field
    kept = [v for v, _, picked in _options(teacher.page("/settings")) if picked]
    assert kept == [str(trio_id)]  # nothing saved


def test_a_name_that_repeats_gets_the_groups_number() -> None:
    same = [GroupChoice(4, "Group 1", 1, "Groups", 5), GroupChoice(9, "Group 1", 2, "Groups", 5)]
    assert [(o.value, o.label) for o in group_options(same)] == [
        ("4", "Groups: Group 1, no. 4 (5 people)"),
        ("9", "Groups: Group 1, no. 9 (5 people)"),
    ]
    one = [GroupChoice(4, "Group 1", 1, "", 1), GroupChoice(5, "Group 2", 1, "", 2)]
    assert [o.label for o in group_options(one)] == ["Group 1 (1 person)", "Group 2 (2 people)"]
    two = [GroupChoice(4, "Group 1", 1, "", 3), GroupChoice(5, "Group 1", 2, "Term 2", 3)]
    assert [o.label for o in group_options(two)] == [
        "Session sign-up: Group 1 (3 people)",
        "Term 2: Group 1 (3 people)",
    ]
