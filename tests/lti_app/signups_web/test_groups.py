"""Stable groups through the Flask client, the roster from the demo LMS's real NRPS endpoint
on loopback (lti1p3platform underneath, the tool's own client credentials): forming within a
range, an impossible range with the domain's suggestions next to the field, moving a person by
hand (refused outside the range), a session given to a group; no roster endpoint, or a roster
call that fails, is a message on the page; learners get the 403 page; CSRF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from lti_app.demo_lms.context import EXTENSION_KEY
from lti_app.demo_lms.settings import DemoLmsSettings
from lti_app.services import signup_groups
from lti_app.storage import db
from lti_app.storage.models import LtiUser
from lti_app.web.people import pseudonym
from lti_app.web.signups.context import SHEETS_KEY
from tests.support.launches import TOOL, LaunchAs
from tests.support.page_structure import check
from tests.support.platforms import KeySetServer, Platform
from tests.support.servers import FailFirst, LoopbackServer
from tests.support.signup_people import Person, person, session_fields

NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
MEMBER = re.compile(r'data-member="(\d+)">([^<]*)<')
GROUP = re.compile(r'data-group="(\d+)"')


@dataclass
class RosterPlatform(Platform):
    """The demo LMS as the launch's platform, its id_token carrying the NRPS claim (or none)."""

    memberships_url: str | None = None

    def id_token_claims(
        self, auth: Any, roles: list[str], **extra: Any
    ) -> dict[str, Any]:  # fmt: skip
        claims = super().id_token_claims(auth, roles, **extra)
        if self.memberships_url:
            claims[NRPS_CLAIM] = {
                "context_memberships_url": self.memberships_url,
                "service_versions": ["2.0"],
            }
        return claims


@pytest.fixture
def settings(lms: Flask) -> DemoLmsSettings:
    found: DemoLmsSettings = lms.extensions[EXTENSION_KEY].settings
    return found


def _platform(
    app: Flask, settings: DemoLmsSettings, key_server: KeySetServer, url: str | None
) -> RosterPlatform:
    return RosterPlatform(
        issuer=settings.issuer,
        client_id=settings.client_id,
        deployment_id=settings.deployment_id,
        tool_base_url=app.config["BASE_URL"],
        key_server=key_server,
        memberships_url=url,
    )


@pytest.fixture
def trainer(
    app: Flask, launch_as: LaunchAs, settings: DemoLmsSettings, key_server: KeySetServer
) -> Person:
    """Anna, the demo course's instructor, launched with the roster endpoint."""
    platform = _platform(app, settings, key_server, settings.memberships_url)
    client = app.test_client()
    launched = launch_as("instructor", client=client, platform=platform,
                         user_id="demo-instructor-anna")  # fmt: skip
    return Person(app, client, launched)


def _learner_names(settings: DemoLmsSettings) -> set[str]:
    return {u.name for u in settings.users if not u.is_instructor and u.name}


def _members(page: str) -> dict[int, str]:
    return {int(uid): name for uid, name in MEMBER.findall(page)}


def _groups(page: str) -> list[list[int]]:
    """Each group's member ids, in page order."""
    parts = re.split(r'<table class="signup-table" id="group-\d+" data-group="\d+">', page)[1:]
    return [[int(uid) for uid, _ in MEMBER.findall(part.split("</table>")[0])] for part in parts]


def _form(trainer: Person, size_min: int, size_max: int) -> Any:
    return trainer.post(
        "/groups/form", {"size_min": str(size_min), "size_max": str(size_max)}
    )  # fmt: skip


def test_groups_are_formed_from_the_roster_balanced_and_named_as_on_the_sheet(
    app: Flask, trainer: Person, settings: DemoLmsSettings
) -> None:
    first = trainer.page("/groups")
    assert 'id="no-groups"' in first
    check(first)
    response = _form(trainer, 4, 5)
    page = trainer.follow(response)
    check(page)
    assert "9 learners are now in 2 groups of 4–5." in page
    groups = _groups(page)
    assert sorted(len(g) for g in groups) == [4, 5]
    members = _members(page)
    names = set(members.values())
    assert _learner_names(settings) <= names  # every learner who has a name, by name
    assert "Anna de Vries" not in names  # the instructor is not grouped
    # The learner whose name the platform withheld: the sheet's pseudonym, never the sub.
    with app.app_context(), db.transaction() as session:
        withheld = session.query(LtiUser).filter_by(sub="demo-learner-withheld").one()
        assert withheld.name is None
        expected = pseudonym(trainer.launched.launch.scope, withheld.id)  # type: ignore[arg-type]
    assert members[withheld.id] == expected
    assert "demo-learner" not in page

    # Forming again, mixed at random, keeps the same people in two balanced groups.
    mixed = trainer.post("/groups/form", {"size_min": "4", "size_max": "5", "mix": "y"})
    again = trainer.follow(mixed)
    assert sorted(len(g) for g in _groups(again)) == [4, 5]
    assert sorted(u for g in _groups(again) for u in g) == sorted(members)


def test_an_impossible_range_is_shown_next_to_its_field_with_ranges_that_work(
    trainer: Person,
) -> None:
    response = _form(trainer, 4, 4)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    check(page)
    assert 'id="size_min-error"' in page
    assert "9 people cannot be split into groups of 4–4. Try a size range of 3–4 or 4–5." in page
    assert 'aria-invalid="true"' in page
    assert 'id="no-groups"' in page  # nothing saved

    below = trainer.post("/groups/form", {"size_min": "5", "size_max": "3"})
    assert below.status_code == 400
    assert "The largest group size is below the smallest." in below.get_data(as_text=True)


def test_a_person_is_moved_by_hand_within_the_range_and_refused_outside_it(
    trainer: Person,
) -> None:
    page = trainer.follow(_form(trainer, 4, 5))
    ids = [int(g) for g in GROUP.findall(page)]
    big, small = sorted(_groups(page), key=len, reverse=True)
    big_id, small_id = (ids[0], ids[1]) if len(_groups(page)[0]) == 5 else (ids[1], ids[0])
    mover = big[0]

    moved = trainer.post("/groups/move", {
        "move-user_id": str(mover), "move-to_group": str(small_id),
        "move-size_min": "4", "move-size_max": "5",
    })  # fmt: skip
    after = trainer.follow(moved)
    assert "is now in" in after
    assert mover in dict(zip(ids, _groups(after), strict=True))[small_id]

    # Group sizes are now 4 and 5 the other way round: moving another out of the 4 leaves 3.
    refused = trainer.post("/groups/move", {
        "move-user_id": str(big[1]), "move-to_group": str(small_id),
        "move-size_min": "4", "move-size_max": "5",
    })  # fmt: skip
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    check(text)
    assert 'id="move-to_group-error"' in text
    assert "would have 3 people, fewer than the minimum of 4" in text
    unchanged = trainer.page("/groups")
    assert sorted(len(g) for g in _groups(unchanged)) == [4, 5]
    assert big[1] in dict(zip(ids, _groups(unchanged), strict=True))[big_id]


def test_a_session_is_given_to_a_group_and_shown_on_the_groups_page(trainer: Person) -> None:
    page = trainer.follow(_form(trainer, 4, 5))
    group_id = int(GROUP.findall(page)[0])
    session_id = trainer.create(title="Group A, week 1")
    given = trainer.post("/groups/assign", {
        "assign-session_id": str(session_id), "assign-group_id": str(group_id),
    })  # fmt: skip
    after = trainer.follow(given)
    assert "“Group A, week 1” is now a session of its group." in after
    row = after.split(f'data-session-group="{session_id}"')[1].split("</tr>")[0]
    assert "Group 1" in row
    with trainer.app.app_context():
        record = (
            signup_groups.groups_overview(
                trainer.launched.launch.scope,  # type: ignore[arg-type]
                sheet_id=_sheet_id(trainer),
            )
            .sessions[0]
            .session
        )
    assert record.group_id == group_id and record.version == 1  # stored; nobody is told

    opened = trainer.follow(trainer.post("/groups/assign", {
        "assign-session_id": str(session_id), "assign-group_id": "",
    }))  # fmt: skip
    assert "is open to everyone on the sheet" in opened

    # A group of another sheet or course is a 404, nothing changed.
    stranger = trainer.post("/groups/assign", {
        "assign-session_id": str(session_id), "assign-group_id": "99999",
    })  # fmt: skip
    assert stranger.status_code == 404


def _number(page: str, name: str) -> str:
    """The value an input of the page holds."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag is not None, name
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def test_the_range_is_kept_on_the_sheet_and_the_session_form_sets_the_group(
    app: Flask, trainer: Person, launch_as: LaunchAs, settings: DemoLmsSettings,
    key_server: KeySetServer,
) -> None:  # fmt: skip
    page = trainer.follow(_form(trainer, 4, 5))
    ids = [int(g) for g in GROUP.findall(page)]
    big_id, small_id = (ids[0], ids[1]) if len(_groups(page)[0]) == 5 else (ids[1], ids[0])
    big = dict(zip(ids, _groups(page), strict=True))[big_id]
    moved = trainer.post("/groups/move", {
        "move-user_id": str(big[0]), "move-to_group": str(small_id),
        "move-size_min": "3", "move-size_max": "6",
    })  # fmt: skip
    assert moved.status_code == 303
    # Another browser of the trainer (a fresh cookie): the range comes from the sheet.
    platform = _platform(app, settings, key_server, settings.memberships_url)
    client = app.test_client()
    elsewhere = Person(app, client, launch_as(
        "instructor", client=client, platform=platform, user_id="demo-instructor-anna"
    ))  # fmt: skip
    groups_page = elsewhere.page("/groups")
    assert [_number(groups_page, n) for n in ("size_min", "size_max")] == ["3", "6"]
    assert [_number(groups_page, n) for n in ("move-size_min", "move-size_max")] == ["3", "6"]

    form = elsewhere.page("/sessions/new")
    check(form)
    assert f'<option value="{small_id}">' in form and "Open to everyone on the sheet" in form
    session_id = elsewhere.create(title="Group B, week 1", group=str(small_id))
    group_name = next(g.name for g in _group_records(elsewhere) if g.id == small_id)
    session_page = elsewhere.page(f"/sessions/{session_id}/")
    check(session_page)
    assert f"{group_name}: only its members can sign up" in session_page
    edit = elsewhere.page(f"/sessions/{session_id}/edit")
    assert f'<option selected value="{small_id}">' in edit
    version = re.search(r'name="version" type="hidden" value="(\d+)"', edit)
    assert version is not None

    forged = elsewhere.post(f"/sessions/{session_id}/edit", session_fields(
        title="Group B, week 1", version=version.group(1), apply_to="this", group="99999",
    ))  # fmt: skip
    assert forged.status_code == 400
    assert "Not a valid choice" in forged.get_data(as_text=True)
    assert f"{group_name}: only" in elsewhere.page(f"/sessions/{session_id}/")  # unchanged

    opened = elsewhere.post(f"/sessions/{session_id}/edit", session_fields(
        title="Group B, week 1", version=version.group(1), apply_to="this", group="",
    ))  # fmt: skip
    assert opened.status_code == 303
    assert 'id="session-group"' not in elsewhere.page(f"/sessions/{session_id}/")


def _group_records(who: Person) -> tuple[signup_groups.GroupRecord, ...]:
    with who.app.app_context():
        return signup_groups.sheet_groups(
            who.launched.launch.scope,  # type: ignore[arg-type]
            sheet_id=_sheet_id(who),
        )


def _sheet_id(who: Person) -> int:
    """The sheet the launch opened, as the views remember it in the session cookie."""
    with who.client.session_transaction(TOOL + "/") as held:
        return int(held[SHEETS_KEY][who.launched.launch_id][0])


def test_no_roster_endpoint_is_a_message_on_the_page(
    app: Flask, launch_as: LaunchAs, settings: DemoLmsSettings, key_server: KeySetServer
) -> None:
    client = app.test_client()
    platform = _platform(app, settings, key_server, None)
    trainer = Person(app, client, launch_as("instructor", client=client, platform=platform))
    response = _form(trainer, 4, 5)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    check(page)
    assert "did not give this link access to the course roster" in page
    assert 'id="no-groups"' in page


def test_a_failing_roster_call_is_a_message_and_the_next_try_works(
    trainer: Person, lms: Flask, lms_server: LoopbackServer
) -> None:
    lms_server.switchboard.target = FailFirst(lms, "/api/memberships", failures=1)
    response = _form(trainer, 4, 5)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "could not be fetched from the platform just now (the platform answered 503)" in page
    assert 'id="no-groups"' in page
    assert "9 learners are now in 2 groups" in trainer.follow(_form(trainer, 4, 5))


def test_learners_get_the_403_page_and_a_post_without_csrf_token_is_refused(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    learner = person(app, launch_as, "learner", "demo-learner-bram")
    assert learner.get("/groups").status_code == 403
    assert learner.post("/groups/form", {"size_min": "4", "size_max": "5"}).status_code == 403
    refused = trainer.post("/groups/form", {"size_min": "4", "size_max": "5"}, token=False)
    assert refused.status_code == 400
    assert 'id="no-groups"' in trainer.page("/groups")


def test_a_roster_without_learners_leaves_the_groups_as_they_were(
    app: Flask,
    launch_as: LaunchAs,
    trainer: Person,
    settings: DemoLmsSettings,
    key_server: KeySetServer,
) -> None:
    formed = _groups(trainer.follow(_form(trainer, 4, 5)))
    # The same course's link, its roster endpoint asking the platform for instructors only.
    platform = _platform(app, settings, key_server, settings.memberships_url + "?role=Instructor")
    client = app.test_client()
    colleague = Person(app, client, launch_as("instructor", client=client, platform=platform))
    response = _form(colleague, 4, 5)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The course roster has no active learners yet" in page
    assert _groups(page) == formed
