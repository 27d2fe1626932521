"""The sheet's settings page through the Flask client: its default time zone (checked with the
domain's zones: an unknown one is refused next to its field, nothing saved) and the choice to
cancel sessions under their minimum, which the worker reads; sessions under their minimum are
listed here and on the sheet page for instructors only; learners get the 403 page; CSRF."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask

from lti_app.domain.signups.plan import SessionPlan
from lti_app.services import sheet_settings, signups
from lti_app.web.signups.context import SHEETS_KEY
from tests.support.launches import TOOL, LaunchAs
from tests.support.page_structure import check
from tests.support.signup_people import Person, person

CHECKBOX = re.compile(r'<input[^>]*id="cancel_under_minimum"[^>]*>')


def _checked(page: str) -> bool:
    """Whether the auto-cancel checkbox is ticked."""
    found = CHECKBOX.search(page)
    assert found, "no auto-cancel checkbox"
    return " checked" in found.group(0)


def _sheet_id(who: Person) -> int:
    who.page("/")  # the launch opens its sheet
    with who.client.session_transaction(TOOL + "/") as held:
        return int(held[SHEETS_KEY][who.launched.launch_id][0])


def test_the_zone_and_the_auto_cancel_choice_are_saved_and_an_unknown_zone_is_refused(
    app: Flask, launch_as: LaunchAs
) -> None:
    trainer = person(app, launch_as, "instructor", "trainer-1")
    page = trainer.page("/settings")
    check(page)
    assert '<option selected value="UTC">' in page
    assert not _checked(page)

    refused = trainer.post("/settings", {"timezone": "Mars/Olympus_Mons"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    check(text)
    assert 'id="timezone-error"' in text and "is not a time zone we know" in text
    scope = trainer.launched.launch.scope
    assert scope is not None
    sheet_id = _sheet_id(trainer)
    with app.app_context():
        assert not sheet_settings.cancels_under_minimum(scope, sheet_id=sheet_id)

    saved = trainer.post("/settings", {"timezone": "Europe/Amsterdam", "cancel_under_minimum": "y"})
    after = trainer.follow(saved)
    check(after)
    assert "Settings saved." in after
    assert '<option selected value="Europe/Amsterdam">' in after
    assert _checked(after)
    with app.app_context():
        assert sheet_settings.cancels_under_minimum(scope, sheet_id=sheet_id)
    # The sheet shows times in the course's zone from now on (the browser gave none).
    assert "Europe/Amsterdam" in trainer.page("/").split('id="signup-zone"')[1].split("</p>")[0]

    turned_off = trainer.follow(trainer.post("/settings", {"timezone": "Europe/Amsterdam"}))
    assert "Settings saved." in turned_off
    with app.app_context():
        assert not sheet_settings.cancels_under_minimum(scope, sheet_id=sheet_id)


def test_sessions_under_their_minimum_are_listed_for_instructors(
    app: Flask, launch_as: LaunchAs
) -> None:
    trainer = person(app, launch_as, "instructor", "trainer-1")
    learner = person(app, launch_as, "learner", "learner-1")
    scope = trainer.launched.launch.scope
    assert scope is not None
    sheet_id = _sheet_id(trainer)
    now = datetime.now(UTC)
    planned = now - timedelta(days=1)  # planned yesterday, its deadline an hour ago

    def plan(title: str, seats_min: int) -> SessionPlan:
        return SessionPlan(
            title=title, method=None, starts_at=now + timedelta(days=2),
            duration=timedelta(minutes=90), timezone="UTC", seats_max=4, seats_min=seats_min,
            case_bringer_places=0, min_size_deadline=now - timedelta(hours=1),
        )  # fmt: skip

    with app.app_context():
        short = signups.create_session(
            scope, sheet_id=sheet_id, plan=plan("Too few", 3), now=planned
        ).session
        fine = signups.create_session(
            scope, sheet_id=sheet_id, plan=plan("No minimum", 0), now=planned
        ).session
    assert short is not None and fine is not None
    assert learner.book(short.id).status_code == 303

    sheet = trainer.page("/")
    check(sheet)
    assert f'data-flagged="{short.id}"' in sheet and f'data-flagged="{fine.id}"' not in sheet
    assert "1 seated of the minimum 3" in sheet
    settings = trainer.page("/settings")
    assert f'data-under-minimum="{short.id}"' in settings
    assert f'data-under-minimum="{fine.id}"' not in settings
    assert 'id="flagged"' not in learner.page("/")


def test_learners_get_the_403_page_and_a_post_without_csrf_token_is_refused(
    app: Flask, launch_as: LaunchAs
) -> None:
    learner = person(app, launch_as, "learner", "learner-1")
    assert learner.get("/settings").status_code == 403
    assert learner.post("/settings", {"timezone": "UTC"}).status_code == 403
    trainer = person(app, launch_as, "instructor", "trainer-1")
    refused = trainer.post(
        "/settings", {"timezone": "Europe/Amsterdam", "cancel_under_minimum": "y"}, token=False
    )
    assert refused.status_code == 400
    assert '<option selected value="UTC">' in trainer.page("/settings")


def test_the_chosen_zone_survives_the_next_launch_even_one_with_a_zone_parameter(
    app: Flask, launch_as: LaunchAs
) -> None:
    trainer = person(app, launch_as, "instructor", "trainer-1")
    trainer.follow(trainer.post("/settings", {"timezone": "Europe/Amsterdam"}))
    again = person(app, launch_as, "instructor", "trainer-1")
    assert '<option selected value="Europe/Amsterdam">' in again.page("/settings")
    learner = person(app, launch_as, "learner", "learner-1", custom={"timezone": "Asia/Tokyo"})
    assert 'data-zone="Europe/Amsterdam" data-zone-source="course"' in learner.page("/")
