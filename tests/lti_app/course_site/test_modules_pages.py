"""Module pages in the LMS: the built page served safely, server-side "Mark as done",
and placeholders for activities whose screens come later.

Launches that are what a test is about (a module link, a placeholder kind, a removed module)
make the real OIDC round trip; the "Mark as done" tests start from ``launch_as``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_app.storage import db
from lti_app.storage.progress_models import ModuleCompletion
from tests.support.launches import TOOL, LaunchAs, csrf_token, follow, launch
from tests.support.platforms import LEARNER, Platform

TROIKA = TOOL + "/site/modules/02-troika/"
MODULE_LINK = {"kind": "module", "intervision_ref": "troika"}


def _mark_done(client: FlaskClient, page: str) -> Any:
    return client.post(
        TOOL + "/modules/troika/done",
        data={"csrf_token": csrf_token(page)},
        headers={"Referer": TROIKA, "Origin": TOOL},
    )


def test_module_launch_shows_the_built_page_with_tool_url_and_nonces(
    client: FlaskClient, platform: Platform
) -> None:
    response = launch(client, platform, [LEARNER], custom=MODULE_LINK)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/site/modules/02-troika/")
    page = follow(client, response, TOOL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    segment = response.headers["Location"].removesuffix("/site/modules/02-troika/")
    assert re.fullmatch(r"/launch/lti1p3-launch-[0-9a-f-]{36}", segment), segment
    # activity links built by iv-activity.js from this base stay in this launch
    assert f'<meta name="intervision-tool-url" content="{TOOL}{segment}">' in html
    csp = page.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert html.count(f'<script nonce="{nonce}"') == 2  # inline bootstrap and the site script
    assert f"frame-ancestors 'self' {platform.origin}" in csp
    assert "data-iv-done hidden" not in html  # the localStorage control is replaced
    assert "Mark this module as done" in html and 'name="csrf_token"' in html
    assert page.headers["Cache-Control"] == "private, no-store"


def test_mark_as_done_is_stored_once_per_learner_and_shown(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    launch_as("learner", custom=MODULE_LINK)
    page = client.get(TROIKA).get_data(as_text=True)
    first = _mark_done(client, page)
    assert first.status_code == 303 and first.headers["Location"].endswith("#iv-done")
    again = _mark_done(client, page)
    assert again.status_code == 303
    html = client.get(TROIKA).get_data(as_text=True)
    assert "Marked as done." in html
    assert "You marked <strong>Troika &lt;in practice&gt;</strong> as done" in html
    with app.app_context(), db.transaction() as session:
        rows = session.scalars(select(ModuleCompletion)).all()
    assert [(row.module_slug, row.course_id is not None) for row in rows] == [("troika", True)]


def test_progress_is_per_learner(app: Flask, launch_as: LaunchAs) -> None:
    first, second = app.test_client(), app.test_client()
    launch_as("learner", client=first, custom=MODULE_LINK, user_id="a")
    _mark_done(first, first.get(TROIKA).get_data(as_text=True))
    launch_as("learner", client=second, custom=MODULE_LINK, user_id="b")
    assert "Mark this module as done" in second.get(TROIKA).get_data(as_text=True)


def test_mark_done_needs_csrf_and_a_launch(client: FlaskClient, launch_as: LaunchAs) -> None:
    assert client.post(TOOL + "/modules/troika/done").status_code in (400, 401)
    launch_as("learner", custom=MODULE_LINK)
    refused = client.post(TOOL + "/modules/troika/done", headers={"Referer": TROIKA})
    assert refused.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "../catalogue.json/../../etc/passwd",
        "..%2f..%2fetc%2fpasswd",
        "%2e%2e/%2e%2e/etc/hosts",
        "modules/../../outside.txt",
        "no-such-page/",
    ],
)
def test_paths_outside_the_site_are_not_served(client: FlaskClient, path: str) -> None:
    response = client.get(f"{TOOL}/site/{path}")
    assert response.status_code == 404
    assert "root:" not in response.get_data(as_text=True)


def test_symlink_out_of_the_site_is_not_followed(app: Flask, client: FlaskClient) -> None:
    secret = Path(app.instance_path) / "outside.txt"
    secret.write_text("secret", encoding="utf-8")
    os.symlink(secret, Path(app.config["SITE_DIR"]) / "leak.txt")
    assert client.get(TOOL + "/site/leak.txt").status_code == 404


def test_assets_are_served_and_folders_get_their_slash(client: FlaskClient) -> None:
    css = client.get(TOOL + "/site/assets/site.css")
    body = css.get_data(as_text=True)
    css.close()  # send_file streams the file; close it like a server would
    assert css.status_code == 200 and body == "body{margin:0}"
    assert "sandbox" in css.headers["Content-Security-Policy"]
    folder = client.get(TOOL + "/site/modules/02-troika")
    assert folder.status_code == 308 and folder.headers["Location"].endswith("/02-troika/")


def test_a_site_path_the_file_system_cannot_look_up_is_a_404(
    client: FlaskClient, platform: Platform
) -> None:
    """Found by the route fuzzer: a 3,000-character name raised 'File name too long' (500)."""
    launch(client, platform, [LEARNER])
    for method in (client.get, client.head):
        response = method(TOOL + "/site/" + "a" * 3000)
        assert response.status_code == 404


def test_exercise_launches_open_the_exercise_not_the_placeholder(
    client: FlaskClient, platform: Platform
) -> None:
    """Sign-up sheets and peer-feedback exercises have their own screens now
    (tests/lti_app/signups_web, tests/lti_app/exercises_web): an exercise link no longer lands
    on the "coming soon" placeholder; a learner of an exercise nobody set up yet is told so."""
    custom = {"kind": "peer-feedback", "intervision_ref": "troika-round"}
    response = launch(client, platform, [LEARNER], custom=custom)
    assert response.status_code == 303
    assert "/exercises/" in response.headers["Location"]
    page = follow(client, response, TOOL)
    while page.status_code in (302, 303):
        page = follow(client, page, TOOL)
    html = page.get_data(as_text=True)
    assert "coming soon in this tool version" not in html
    assert page.status_code == 409 and "not set this exercise up yet" in html


def test_link_to_a_removed_module_is_a_friendly_404(
    client: FlaskClient, platform: Platform
) -> None:
    custom = {"kind": "module", "intervision_ref": "gone-module"}
    response = launch(client, platform, [LEARNER], custom=custom)
    assert response.status_code == 404
    assert "no longer part of the course" in response.get_data(as_text=True)


def test_missing_site_is_a_friendly_503(app: Flask, client: FlaskClient) -> None:
    app.config["SITE_DIR"] = str(Path(app.instance_path) / "nowhere")
    response = client.get(TOOL + "/site/")
    assert response.status_code == 503
    assert "INTERVISION_SITE_DIR" in response.get_data(as_text=True)
