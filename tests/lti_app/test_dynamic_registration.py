"""Dynamic registration against a real HTTP platform that applies Moodle's documented checks.

The stand-in platform (``tests/support/moodle_registration.py``) reproduces Moodle's
``openid-configuration.php`` and ``openid-registration.php`` with the validation of
``registration_helper.php`` (research: lti.md §3.2). Each test registers through an admin's
link (``intervision platform invite``), as the tool requires by default.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf

from lti_app.lti import dynamic_registration as dynreg
from lti_app.lti import registration_invites
from lti_app.lti.tool_urls import ToolUrls
from lti_app.storage import db, registrations_repo
from tests.support.moodle_registration import (
    TOOL_BASE,
    MoodlePlatform,
    confirm_registration,
    moodle_validation_error,
    open_registration_page,
)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "BASE_URL": TOOL_BASE}


@pytest.fixture
def register_path(app: Flask) -> str:
    """Dynamic registration needs an admin's link by default: each test gets one."""
    issued = registration_invites.issue_invite(
        app, issuer=None, lifetime=timedelta(hours=1), now=datetime.now(UTC)
    )
    return urlsplit(issued.url).path


def _start(client: FlaskClient, platform: MoodlePlatform, path: str, token: str = "token-1") -> str:
    response = open_registration_page(client, platform, path, token)
    assert response.status_code == 200, response.text
    return response.text


_finish = confirm_registration


def test_moodle_accepts_the_registration_and_the_tool_stores_it(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform, register_path: str
) -> None:
    page = _start(client, moodle, register_path)
    assert moodle.base_url in page
    response = _finish(client, moodle, page, register_path)
    assert response.status_code == 200, response.text
    assert "org.imsglobal.lti.close" in response.text
    assert f"frame-ancestors {moodle.base_url}" in response.headers["Content-Security-Policy"]

    [sent] = moodle.registrations
    assert moodle_validation_error(sent) is None
    assert sent["initiate_login_uri"] == f"{TOOL_BASE}/lti/login"
    assert sent["jwks_uri"] == f"{TOOL_BASE}/.well-known/jwks.json"
    assert "lineitem" in sent["scope"] and "openid" not in sent["scope"]

    with app.app_context():
        stored = registrations_repo.find_registration(
            db.get_session(), moodle.base_url, "moodle-client-7"
        )
        assert stored is not None
        assert stored.deployment_ids == ["7"]
        assert stored.auth_login_url == f"{moodle.base_url}/mod/lti/auth.php"
        assert stored.jwks_url == f"{moodle.base_url}/mod/lti/certs.php"
        assert stored.frame_origins == [moodle.base_url]


def test_a_used_token_is_refused_with_a_clear_page(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform, register_path: str
) -> None:
    page = _start(client, moodle, register_path)
    assert _finish(client, moodle, page, register_path).status_code == 200
    # The same Moodle again needs a link naming it (its issuer is now known to the tool).
    named = registration_invites.issue_invite(
        app, issuer=moodle.base_url, lifetime=timedelta(hours=1), now=datetime.now(UTC)
    )
    path = urlsplit(named.url).path
    again = _finish(client, moodle, _start(client, moodle, path), path)
    assert again.status_code == 400
    assert "refused the registration (HTTP 401)" in again.text


def test_registration_post_needs_a_csrf_token(
    client: FlaskClient, moodle: MoodlePlatform, register_path: str
) -> None:
    response = client.post(
        register_path,
        data={"openid_configuration": moodle.openid_configuration_url, "registration_token": "t"},
    )
    assert response.status_code == 400
    assert moodle.used_tokens == set()


def test_the_confirmation_page_may_be_framed_by_the_platform_only(
    client: FlaskClient, moodle: MoodlePlatform, register_path: str
) -> None:
    response = client.get(
        register_path,
        query_string={"openid_configuration": moodle.openid_configuration_url},
    )
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors {moodle.base_url}" in policy
    assert "*" not in policy


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", "dynamic registration URL"),
        ("ftp://lms.example/config", "not an absolute https URL"),
        ("http://lms.example.org/config", "must use https"),
        ("https://10.1.2.3/config", "non-public address"),
        ("http://127.0.0.1:9/closed", "could not reach"),
    ],
)
def test_bad_configuration_urls_get_a_400_that_says_why(
    client: FlaskClient, url: str, expected: str, register_path: str
) -> None:
    response = client.get(register_path, query_string={"openid_configuration": url})
    assert response.status_code == 400
    assert expected in response.text


def test_validator_is_strict(moodle: MoodlePlatform) -> None:
    """The stand-in must reject what Moodle rejects, or the main test proves nothing."""
    platform = dynreg.PlatformConfiguration(
        issuer="https://moodle.test",
        authorization_endpoint="a",
        token_endpoint="t",
        jwks_uri="j",
        registration_endpoint="r",
    )
    good = dynreg.tool_registration_request(
        ToolUrls("https://tool.test"), platform, title="T", description="D"
    )
    assert moodle_validation_error(good) is None
    bad_domain = json.loads(json.dumps(good))
    bad_domain[dynreg.TOOL_CONFIGURATION]["domain"] = "other.test"
    assert moodle_validation_error(bad_domain) == "domain_targetlinkuri_mismatch"
    assert moodle_validation_error({**good, "token_endpoint_auth_method": "none"}) is not None
    assert moodle_validation_error({**good, "redirect_uris": "x"}) == "invalid_redirect_uris"


def test_canvas_gets_placements_and_a_privacy_level() -> None:
    canvas = dynreg.PlatformConfiguration(
        issuer="https://canvas.instructure.com",
        authorization_endpoint="https://sso.canvaslms.com/api/lti/authorize_redirect",
        token_endpoint="https://school.instructure.com/login/oauth2/token",
        jwks_uri="https://sso.canvaslms.com/api/lti/security/jwks",
        registration_endpoint="https://school.instructure.com/api/lti/registrations",
        product_family_code="canvas",
    )
    body = dynreg.tool_registration_request(
        ToolUrls("https://tool.test"), canvas, title="Intervision", description="D"
    )
    tool = body[dynreg.TOOL_CONFIGURATION]
    assert tool[dynreg.CANVAS_PRIVACY_LEVEL] == "public"
    placements = {m["type"]: m["placements"] for m in tool["messages"]}
    assert placements["LtiResourceLinkRequest"] == ["course_navigation"]
    assert "assignment_selection" in placements["LtiDeepLinkingRequest"]
    assert tool["claims"] and tool["domain"] == "tool.test"


@pytest.mark.parametrize(
    "claimed_issuer",
    ["https://canvas.instructure.com", "https://moodle.university.example", "", "not a url"],
)
def test_a_configuration_claiming_another_hosts_issuer_is_refused(
    app: Flask,
    client: FlaskClient,
    moodle: MoodlePlatform,
    claimed_issuer: str,
    monkeypatch: pytest.MonkeyPatch,
    register_path: str,
) -> None:
    """Anyone can point /lti/register at a JSON document they serve. Its issuer must live on
    the host that serves the configuration (LTI DR 1.0 §3.5.1), or a stranger registers a
    'platform' with a real LMS's issuer and own keys, and then launches as that LMS's users:
    users are keyed by (issuer, sub), so their names and e-mails could be overwritten."""
    genuine = moodle.configuration()
    monkeypatch.setattr(moodle, "configuration", lambda: {**genuine, "issuer": claimed_issuer})
    response = client.get(
        register_path,
        query_string={
            "openid_configuration": moodle.openid_configuration_url,
            "registration_token": "t",
        },
    )
    assert response.status_code == 400
    assert "issuer" in response.text
    forced = client.post(
        register_path,
        data={
            "csrf_token": _csrf_token_for(app, client),
            "openid_configuration": moodle.openid_configuration_url,
            "registration_token": "token-1",
        },
    )
    assert forced.status_code == 400
    assert "issuer" in forced.text  # refused for its issuer, not for the CSRF token
    assert moodle.used_tokens == set()
    with app.app_context():
        assert registrations_repo.all_frame_origins(db.get_session()) == []


def _csrf_token_for(app: Flask, client: FlaskClient) -> str:
    """A valid CSRF token for this client's session, minted as Flask-WTF mints it (the refused
    confirmation page no longer carries a form)."""
    with app.test_request_context():
        token = generate_csrf()
        raw = session["csrf_token"]
    with client.session_transaction() as client_session:
        client_session["csrf_token"] = raw
    return str(token)
