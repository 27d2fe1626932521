"""Course home: a plain course link lands on the course's modules and activities, with the
person's own server-side progress; trainers also see per-module counts for *this* course only.
Progress is made through the real "Mark as done" endpoint. Most tests start from launches
written through the tool's storage (``launch_as``); real OIDC round trips land a learner,
land both roles without a catalogue, open a module link and launch from outside a course."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.launches import (
    TOOL,
    LaunchAs,
    Launched,
    follow,
    registered_platform,
    write_launch,
)
from tests.support.module_progress import complete_module
from tests.support.platforms import INSTRUCTOR, LEARNER, KeySetServer, Platform
from tests.support.sites import catalogue_data, write_site

HOME = TOOL + "/course/"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"


def course_launch(
    client: FlaskClient,
    platform: Platform,
    roles: list[str],
    *,
    user_id: str = "user-1",
    context_id: str = "course-42",
    custom: dict[str, str] | None = None,
) -> TestResponse:
    """A real OIDC round trip and launch from the given course (context) of the platform."""
    auth = platform.start_login(client, user_id)
    claims = platform.id_token_claims(auth, roles, custom=custom or {})
    claims[CONTEXT_CLAIM] = {"id": context_id, "title": f"Course {context_id}", "label": "INT"}
    return platform.post_launch(client, auth, platform.sign(claims))


def open_home(
    client: FlaskClient,
    platform: Platform,
    roles: list[str],
    *,
    user_id: str = "user-1",
    context_id: str = "course-42",
) -> str:
    response = course_launch(client, platform, roles, user_id=user_id, context_id=context_id)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    assert response.headers["Location"].endswith("/course/")
    page = follow(client, response, TOOL)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def home_of(client: FlaskClient, launched: Launched) -> str:
    """The course home under that launch, as the launch's redirect would show it."""
    page = client.get(launched.url("/course/"))
    assert page.status_code == 200
    return page.get_data(as_text=True)


def launch_segment(html: str) -> str:
    """The ``/launch/<id>`` the page's links are built under (the launch it was shown for)."""
    match = re.search(r'href="(/launch/[A-Za-z0-9_-]+)/course/"', html)
    assert match, "the page does not link to its course home under a launch segment"
    return match.group(1)


def module_card(html: str, slug: str) -> str:
    match = re.search(
        rf'<li class="card" data-module="{slug}".*?</li>\s*(?=<li class="card"|</ol>)',
        html,
        re.DOTALL,
    )
    assert match, f"no card for module {slug}"
    return match.group(0)


def status_of(html: str, slug: str) -> str:
    match = re.search(r'data-status="(\w+)"', module_card(html, slug))
    assert match
    return match.group(1)


def done_count(html: str, slug: str) -> int | None:
    match = re.search(r'data-done-count="(\d+)"', module_card(html, slug))
    return int(match.group(1)) if match else None


def test_learner_lands_on_the_course_home_with_modules_and_activities(
    app: Flask, key_server: KeySetServer
) -> None:
    platform = registered_platform(app, key_server)
    html = open_home(app.test_client(), platform, [LEARNER])

    assert '<html lang="en">' in html and 'href="#main"' in html  # skip link to <main id=main>
    assert "Course course-42" in html and ">Learner</span>" in html  # header: course and role
    assert "Intervision 101" in html  # the catalogue's course title
    modules = re.findall(r'data-module="([a-z0-9-]+)"', html)
    assert modules == ["what-is-intervision", "troika"]  # catalogue order
    segment = launch_segment(html)  # every link inside the tool names this launch
    assert f'href="{segment}/site/modules/02-troika/"' in html  # opens inside the tool
    assert "Troika &lt;in practice&gt;" in html and "Troika <in practice>" not in html
    assert f'href="{segment}/activities/kick-off"' in html
    assert f'href="{segment}/activities/troika-round"' in html
    assert "Session sign-up sheet" in html and "Peer-feedback exercise" in html
    assert re.search(r'0</span> of\s+<span class="count">2</span> modules', html)
    assert "For trainers" not in html and "data-done-count" not in html
    assert status_of(html, "troika") == "todo"


def test_learner_sees_only_their_own_completion(app: Flask, launch_as: LaunchAs) -> None:
    other = app.test_client()
    home_of(other, launch_as("learner", client=other, user_id="b"))
    complete_module(other, "what-is-intervision")

    learner = app.test_client()
    home_of(learner, launch_as("learner", client=learner, user_id="a"))
    complete_module(learner, "troika")
    html = learner.get(HOME).get_data(as_text=True)

    assert status_of(html, "troika") == "done"
    assert status_of(html, "what-is-intervision") == "todo"  # b's completion is not a's
    assert re.search(r"Done <time datetime=\"\d{4}-\d\d-\d\dT", module_card(html, "troika"))
    assert '<progress max="2" value="1"' in html


def test_instructor_counts_are_scoped_to_this_course_and_tenant(
    db_app: Flask, key_server: KeySetServer
) -> None:
    """Same context id in a second tenant, and a second course of the same tenant, with the
    same person (iss, sub) in all three: none of their completions leak into course A."""
    platform = registered_platform(db_app, key_server)
    second_tenant = registered_platform(db_app, key_server, client_id="second-client")
    second_tenant.private_pem = platform.private_pem  # one key set URL serves both clients
    second_tenant.publish_keys()

    def open_home(client: FlaskClient, tenant: Platform, role: str, **launch: str) -> str:
        return home_of(client, write_launch(db_app, client, tenant, role, **launch))

    for user, slugs in (("a", ["troika"]), ("b", ["troika", "what-is-intervision"])):
        client = db_app.test_client()
        open_home(client, platform, "learner", user_id=user)
        for slug in slugs:
            complete_module(client, slug)
    for tenant, context in ((platform, "course-43"), (second_tenant, "course-42")):
        for user in ("a", "c"):
            client = db_app.test_client()
            open_home(client, tenant, "learner", user_id=user, context_id=context)
            complete_module(client, "what-is-intervision")
            complete_module(client, "troika")

    trainer = db_app.test_client()
    html = open_home(trainer, platform, "instructor", user_id="t")
    assert ">Instructor</span>" in html and "For trainers" in html
    assert done_count(html, "troika") == 2
    assert done_count(html, "what-is-intervision") == 1
    assert re.search(r'<span class="count">2</span>\s+people have marked', html)
    assert "deep linking" in html  # how to add items to the course
    assert status_of(html, "troika") == "todo"  # the trainer's own progress

    elsewhere = db_app.test_client()
    html = open_home(elsewhere, second_tenant, "instructor", user_id="t")
    assert done_count(html, "troika") == 2 and done_count(html, "what-is-intervision") == 2

    learner_a = db_app.test_client()
    html = open_home(learner_a, platform, "learner", user_id="a")
    assert status_of(html, "troika") == "done" and status_of(html, "what-is-intervision") == "todo"


def test_course_home_needs_a_launch(app: Flask) -> None:
    response = app.test_client().get(HOME)
    assert response.status_code == 401
    assert "Reference: <strong>E-" in response.get_data(as_text=True)


def test_module_links_still_open_the_module_not_the_home(
    app: Flask, key_server: KeySetServer
) -> None:
    platform = registered_platform(app, key_server)
    custom = {"kind": "module", "intervision_ref": "troika"}
    response = course_launch(app.test_client(), platform, [LEARNER], custom=custom)
    assert response.headers["Location"].endswith("/site/modules/02-troika/")


def test_the_page_uses_the_tool_stylesheet_under_the_strict_csp(
    client: FlaskClient, platform: Platform, launch_as: LaunchAs
) -> None:
    response = client.get(launch_as("learner").url("/course/"))
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self'" in policy and f"frame-ancestors 'self' {platform.origin}" in policy
    html = response.get_data(as_text=True)
    assert 'style="' not in html and "<style" not in html  # nothing the CSP would block
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheet and stylesheet.group(1) == launch_segment(html) + "/static/tool.css"
    css = client.get(TOOL + stylesheet.group(1))
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert ":focus-visible" in css.get_data(as_text=True)
    css.close()


@pytest.mark.parametrize(("roles", "instructions"), [([INSTRUCTOR], True), ([LEARNER], False)])
def test_without_a_catalogue_the_page_says_what_the_admin_must_do(
    app: Flask, key_server: KeySetServer, roles: list[str], instructions: bool
) -> None:
    app.config["SITE_DIR"] = None
    platform = registered_platform(app, key_server)
    html = open_home(app.test_client(), platform, roles)
    assert "The course content is not set up yet" in html
    assert ("INTERVISION_SITE_DIR" in html) is instructions
    assert ("intervision build" in html) is instructions
    assert "Reference:" not in html


def test_empty_catalogue_shows_empty_states(
    app: Flask, client: FlaskClient, launch_as: LaunchAs, tmp_path: Path
) -> None:
    empty = {**catalogue_data(), "modules": [], "activities": []}
    app.config["SITE_DIR"] = str(write_site(tmp_path / "empty-site", empty))
    html = home_of(client, launch_as("instructor"))
    assert 'id="no-modules"' in html and "content/modules/" in html
    assert 'id="no-activities"' in html
    assert "data-module=" not in html and "<progress" not in html


def test_launch_outside_a_course_lists_modules_without_progress(
    app: Flask, key_server: KeySetServer
) -> None:
    platform = registered_platform(app, key_server)
    client = app.test_client()
    auth = platform.start_login(client, "user-1")
    claims = platform.id_token_claims(auth, [LEARNER])
    claims.pop(CONTEXT_CLAIM)
    response = platform.post_launch(client, auth, platform.sign(claims))
    assert response.status_code == 303 and response.headers["Location"].endswith("/course/")
    html = follow(client, response, TOOL).get_data(as_text=True)
    assert "Progress is kept per course" in html
    assert re.findall(r'data-module="([a-z0-9-]+)"', html) == ["what-is-intervision", "troika"]
    assert "Not done yet" not in html and "<progress" not in html
