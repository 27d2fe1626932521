"""/lti/setup: every route (dynamic registration by invite, Canvas in three steps with the
exact command, Moodle by hand) with every value marked for a copy button, and the Canvas
command really registers Canvas when run."""

from __future__ import annotations

import html
import re
import shlex

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from markupsafe import escape

from lti_app.cli import main
from lti_app.storage import db, registrations_repo

TOOL = "https://tool.test"  # tests/conftest.py
FILLED = {
    "canvas_client_id": "10000000000042",
    "canvas_deployment_id": "1:4dde05e8ca1973bcca9bffc13e1548820eee93a3",
    "canvas_address": "School.Instructure.com",
}


def _command(page: str) -> str:
    match = re.search(r'<code id="canvas-command"[^>]*>(.*?)</code>', page, re.S)
    assert match, "no Canvas command on the page"
    return html.unescape(match.group(1))


def _copy_values(page: str) -> dict[str, str]:
    found = re.findall(r'<code id="([^"]+)" class="copy-value" data-copy-label="([^"]+)">', page)
    return dict(found)


def test_canvas_is_covered_from_developer_key_to_the_tool(client: FlaskClient) -> None:
    response = client.get("/lti/setup")
    assert response.status_code == 200
    page = response.text
    for step in ("+ LTI Key", "Enter URL", "By Client ID", "Deployment Id", "Register Canvas"):
        assert step in page, step
    copyable = _copy_values(page)
    assert {"canvas-json-url", "canvas-redirect-uris", "canvas-command", "canvas-issuer"} <= set(
        copyable
    )
    assert f"{TOOL}/lti/canvas.json" in page
    command = _command(page)
    assert "--frame-origin https://SCHOOL.instructure.com" in command
    assert "--client-id CLIENT_ID" in command and "--deployment-id DEPLOYMENT_ID" in command


def test_every_value_on_the_page_can_be_copied(client: FlaskClient) -> None:
    response = client.get("/lti/setup")
    page = response.text
    copyable = _copy_values(page)
    assert len(copyable) >= 12
    assert len(set(copyable.values())) == len(copyable), "two buttons would have one name"
    for value_id in ("tool-url", "keyset-url", "login-url", "redirect-uris", "deep-link-url",
                     "moodle-command", "invite-command", "domain"):  # fmt: skip
        assert value_id in copyable, value_id
    assert '<script src="/static/copy-buttons.js" defer></script>' in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert 'role="status"' in page  # where the copy is announced
    with client.get("/static/copy-buttons.js") as script:
        assert script.status_code == 200 and "navigator.clipboard" in script.text


def test_the_filled_in_canvas_command_registers_canvas(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    command = _command(client.get("/lti/setup", query_string=FILLED).text)
    assert "--frame-origin https://school.instructure.com" in command
    words = shlex.split(command.replace("\\\n", " "))  # the shell joins continued lines
    assert words[:3] == ["intervision", "platform", "add"]
    result = runner.invoke(main, words[1:])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = registrations_repo.find_registration(
            db.get_session(), "https://canvas.instructure.com", "10000000000042"
        )
        assert stored is not None
        assert stored.frame_origins == ["https://school.instructure.com"]
        assert stored.deployment_ids == [FILLED["canvas_deployment_id"]]
        assert stored.auth_token_url == "https://school.instructure.com/login/oauth2/token"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("canvas_client_id", "12ab", "A Canvas client id is a number"),
        ("canvas_deployment_id", "1 2; rm -rf /", "A deployment id has letters, digits"),
        ("canvas_address", '"><script>alert(1)</script>', "Enter the address your users open"),
        ("canvas_address", "http://school.instructure.com", "Enter the address your users open"),
    ],
)
def test_wrong_canvas_values_are_named_and_never_reach_the_command(
    client: FlaskClient, field: str, value: str, error: str
) -> None:
    page = client.get("/lti/setup", query_string={**FILLED, field: value}).text
    assert error in page
    assert f'id="{field}" name="{field}" type="text" value="{escape(value)}"' in page
    assert f'aria-describedby="{field}-hint {field}-error" aria-invalid="true"' in page
    assert "<script>alert" not in page
    assert value not in _command(page)


def test_dynamic_registration_shows_the_invite_or_the_open_url(
    app: Flask, client: FlaskClient
) -> None:
    closed = client.get("/lti/setup").text
    assert "intervision platform invite --expires 7d" in closed
    assert "--issuer https://canvas.instructure.com" in closed
    assert "INTERVISION_OPEN_REGISTRATION=1" in closed
    assert 'id="register-url"' not in closed
    app.config["OPEN_REGISTRATION"] = True
    opened = client.get("/lti/setup").text
    assert f'data-copy-label="Tool registration URL">{TOOL}/lti/register</code>' in opened
    assert "platform invite --expires" not in opened
