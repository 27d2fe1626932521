"""Every core page state in the pseudo-locale: no visible English left outside the catalogue.

Each test renders one or more states of a core page (error pages, launch refusals, the
install pages, the deep-linking picker, the course home, a module page's done block, the
privacy page, the calendar page) with the pseudo-locale chosen (``en-001``, by the launch or
the browser) and hands the HTML to ``tests/support/pseudo_locale.assert_translated`` with the
data the page shows from the course and the person. The signups and exercises areas add their
own states the same way (docs/translating.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient

from lti_app import create_app
from lti_app.catalogue import get_catalogue
from lti_app.i18n import gettext
from lti_app.storage import db, migrate
from tests.support.launches import TOOL, LaunchAs, Launched, csrf_token, deep_link_settings
from tests.support.platforms import Platform
from tests.support.pseudo_locale import (
    PSEUDO_HEADERS,
    PSEUDO_LAUNCH_CLAIMS,
    assert_lang,
    assert_translated,
)

TROIKA = "/site/modules/02-troika/"
UNKNOWN_LOGIN = TOOL + "/lti/login?iss=https%3A%2F%2Funknown.example&login_hint=u&target_link_uri=x"
FORM = {**PSEUDO_HEADERS, "Origin": TOOL, "Referer": TOOL + "/"}


def _course_data(app: Flask) -> list[str]:
    """What the pages show from the course itself (its own language; the course part of
    issue 13 translates it)."""
    with app.app_context():
        catalogue = get_catalogue()
    texts = [catalogue.course_title]
    for module in catalogue.modules:
        texts += [module.title, module.summary or "", f"{module.number:02d}. {module.title}"]
    for activity in catalogue.activities:
        texts += [activity.title, activity.description or "", activity.id]
    return texts


def _launch_data(launched: Launched) -> list[str]:
    launch = launched.launch
    course = launch.course
    return [launch.user.name, *((course.title, course.label, course.context_id) if course else ())]


def _launch(launch_as: LaunchAs, role: str, **options: Any) -> Launched:
    return launch_as(role, extra_claims=PSEUDO_LAUNCH_CLAIMS, **options)


def _get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url, headers=PSEUDO_HEADERS)
    assert response.status_code == status, (url, response.status_code)
    assert_lang(response.text, "en-001")
    return response.text


def test_error_pages_400_401_403_404_405_are_translated(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    for url, status in ((TOOL + "/nowhere", 404), (TOOL + "/course/?q=%00", 400)):
        assert_translated(_get(client, url, status), what=f"{status} page")
    assert_translated(_get(client, TOOL + "/course/", 401), what="401 page")
    refused = client.post(TOOL + "/", headers=FORM)
    assert refused.status_code == 405
    assert_translated(refused.text, what="405 page")
    launched = _launch(launch_as, "learner")
    page = _get(client, launched.url("/course/completions"), 403)
    assert_translated(page, _launch_data(launched), what="403 page")


def test_launch_refusals_and_the_429_page_are_translated(client: FlaskClient) -> None:
    login = client.get(TOOL + "/lti/login", headers=PSEUDO_HEADERS)
    assert login.status_code == 400
    assert_translated(login.text, what="login without parameters")
    launch = client.post(TOOL + "/lti/launch", headers=PSEUDO_HEADERS)
    assert launch.status_code == 400
    assert_translated(launch.text, what="launch without a sign-in state")
    unknown = client.get(UNKNOWN_LOGIN, headers=PSEUDO_HEADERS)
    assert unknown.status_code == 403
    assert_translated(unknown.text, what="login from an unknown platform")


def test_the_429_page_is_translated(app_config: dict[str, Any]) -> None:
    app = create_app({**app_config, "LTI_RATE_LIMIT": "1 per minute"})
    migrate.upgrade(db.get_engine(app))
    try:
        client = app.test_client()
        codes = [client.get(UNKNOWN_LOGIN, headers=PSEUDO_HEADERS).status_code for _ in range(2)]
        assert codes == [403, 429]
        assert_translated(client.get(UNKNOWN_LOGIN, headers=PSEUDO_HEADERS).text, what="429")
    finally:
        db.get_engine(app).dispose()


def test_sign_in_pages_before_the_launch_are_translated(
    client: FlaskClient, platform: Platform
) -> None:
    cookie_check = _get(client, platform.login_initiation_url("user-1"))
    assert 'id="lti-cookie-check"' in cookie_check
    assert_translated(cookie_check, what="cookie check")
    storage = _get(client, platform.login_initiation_url("user-1") + "&lti_storage_target=_parent")
    assert 'data-lti-storage="put"' in storage
    assert_translated(storage, what="platform storage login")


def test_install_and_registration_pages_are_translated(client: FlaskClient) -> None:
    assert_translated(_get(client, TOOL + "/"), what="tool home")
    setup = _get(
        client, TOOL + "/lti/setup?canvas_client_id=x&canvas_deployment_id=%20&canvas_address=%3F"
    )
    assert 'aria-invalid="true"' in setup  # the Canvas fields' problems are shown
    assert_translated(setup, ["LTI 1.3"], what="set-up page")
    register = client.get(
        TOOL + "/lti/register?openid_configuration=https%3A%2F%2Flms.example%2Fopenid",
        headers=PSEUDO_HEADERS,
    )
    assert register.status_code == 403
    assert_translated(register.text, what="registration without a link")


def test_deep_linking_picker_its_errors_and_the_return_page_are_translated(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    launched = _launch(launch_as, "instructor", deep_link=deep_link_settings())
    data = [*_course_data(app), *_launch_data(launched)]
    picker = _get(client, launched.url("/deep-linking/"))
    assert_translated(picker, data, what="deep-linking picker")
    empty = client.post(
        launched.url("/deep-linking/"), data={"csrf_token": csrf_token(picker)}, headers=FORM
    )
    assert empty.status_code == 400
    assert_translated(empty.text, data, what="picker with an error")
    chosen = client.post(
        launched.url("/deep-linking/"),
        data={"csrf_token": csrf_token(picker), "item": "module:troika", "graded": "yes"},
        headers=FORM,
    )
    assert chosen.status_code == 200
    assert_translated(chosen.text, data, what="deep-linking return page")


def test_course_home_for_learner_and_instructor_and_the_completions_page_are_translated(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    learner = _launch(launch_as, "learner")
    module_page = client.get(learner.url(TROIKA), headers=PSEUDO_HEADERS).text
    marked = client.post(
        learner.url("/modules/troika/done"),
        data={"csrf_token": csrf_token(module_page)},
        headers=FORM,
    )
    assert marked.status_code == 303
    data = [*_course_data(app), *_launch_data(learner)]
    assert_translated(_get(client, learner.url("/course/")), data, what="learner course home")
    trainer = _launch(launch_as, "instructor", user_id="trainer-1")
    data += _launch_data(trainer)
    home = _get(client, trainer.url("/course/"))
    assert 'id="trainer-overview"' in home
    assert_translated(home, data, what="instructor course home")
    completions = _get(client, trainer.url("/course/completions"))
    assert 'id="completions"' in completions
    assert_translated(completions, data, what="completions page")
    csv = client.get(trainer.url("/course/completions.csv"), headers=PSEUDO_HEADERS).text
    header = csv.splitlines()[0]
    assert header.startswith("⟦") and header.rstrip().endswith("⟧"), header


@pytest.mark.parametrize("done", [False, True])
def test_module_page_done_block_is_translated(app: Flask, done: bool) -> None:
    """The block in the reader's language (``web/modules.py`` renders it in the language of the
    page it sits on; here the template alone, in the pseudo-locale)."""
    with app.app_context():
        module = get_catalogue().modules[0]
    with app.test_request_context(TOOL + "/site/", headers=PSEUDO_HEADERS):
        block = render_template(
            "modules/done_block.html",
            module=module,
            done_at=datetime(2026, 12, 8, 18, 0, tzinfo=UTC) if done else None,
            graded=True,
            messages=[gettext("Marked as done. Your course gradebook has it.")] if done else [],
            page_language=None,
        )
    assert ("iv-done-badge" in block) is done
    assert_translated(f"<html><body>{block}</body></html>", _course_data(app), what="done block")


def test_activity_placeholders_privacy_and_calendar_pages_are_translated(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    learner = _launch(launch_as, "learner")
    data = [*_course_data(app), *_launch_data(learner), learner.launch.tenant.issuer]
    with app.app_context():
        activity = get_catalogue().activities[0]
    placeholder = _get(client, learner.url(f"/activities/{activity.id}"))
    assert_translated(placeholder, data, what="activity placeholder")
    missing = _get(client, learner.url("/activities/no-such-activity"))
    assert_translated(missing, [*data, "no-such-activity"], what="activity not found")
    privacy = _get(client, learner.url("/privacy/"))
    assert_translated(privacy, [*data, learner.launch.user.subject], what="privacy page")
    calendar = _get(client, learner.url("/calendar/feed"))
    assert_translated(calendar, data, what="calendar page")
    made = client.post(
        learner.url("/calendar/feed"),
        data={"csrf_token": csrf_token(calendar), "action": "replace"},
        headers=FORM,
    )
    assert made.status_code == 200 and 'id="feed-url"' in made.text
    assert_translated(made.text, data, what="calendar page with a new link")
    stopped = client.post(
        learner.url("/calendar/feed"),
        data={"csrf_token": csrf_token(calendar), "action": "revoke"},
        headers=FORM,
    )
    assert_translated(stopped.text, data, what="calendar page, link stopped")


@pytest.mark.parametrize("locale", ["nl", "de"])
def test_the_real_catalogues_show_on_the_course_home(
    client: FlaskClient, launch_as: LaunchAs, locale: str
) -> None:
    presentation = next(iter(PSEUDO_LAUNCH_CLAIMS))
    launched = launch_as("learner", extra_claims={presentation: {"locale": f"{locale}-XX"}})
    page = client.get(launched.url("/course/")).text
    assert_lang(page, locale)
    expected = {"nl": "Je voortgang", "de": "Ihr Fortschritt"}[locale]
    assert expected in page
