"""Dynamic registration against a real HTTP platform that applies Moodle's documented checks.

The stand-in platform reproduces ``mod/lti/openid-configuration.php`` and
``openid-registration.php`` with the validation of ``registration_helper.php``
(research: lti.md §3.2): single-use bearer token, required fields, domain = target_link_uri host.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from lti_app.lti import dynamic_registration as dynreg
from lti_app.lti.tool_urls import ToolUrls
from lti_app.storage import db, registrations_repo
from tests.support.servers import FAST_POLL

TOOL_BASE = "http://127.0.0.1:5000"
DOMAIN_REGEX = re.compile(r"(?:https?://)?(?:www\.)?([^/]+)(?:/|$)", re.IGNORECASE)


def moodle_domain(url: str) -> str | None:
    """``lti_get_domain_from_url``: host[:port] without www."""
    match = DOMAIN_REGEX.search(url or "")
    return match.group(1) if match else None


def moodle_validation_error(payload: Any) -> str | None:
    """The checks of Moodle's registration_helper::registration_to_config, in its order."""
    if not isinstance(payload, dict):
        return "invalid_json"
    tool = payload.get(dynreg.TOOL_CONFIGURATION) or {}
    domain = tool.get("domain")
    if not domain:
        return "missing_domain"
    target = tool.get("target_link_uri") or f"https://{domain}"
    if moodle_domain(domain) != moodle_domain(target):
        return "domain_targetlinkuri_mismatch"
    response_types = payload.get("response_types")
    if not isinstance(response_types, list) or "id_token" not in response_types:
        return "invalid_response_types"
    if not isinstance(payload.get("redirect_uris"), list):
        return "invalid_redirect_uris"
    if payload.get("token_endpoint_auth_method") != "private_key_jwt":
        return "invalid_token_endpoint_auth_method"
    if payload.get("application_type", "web") not in ("", "web"):
        return "invalid_application_type"
    for required in ("initiate_login_uri", "client_name", "jwks_uri"):
        if not payload.get(required):
            return f"missing_{required}"
    if not isinstance(payload.get("scope", ""), str):
        return "invalid_scope"
    for message in tool.get("messages", []):
        if message.get("type") == "LtiDeepLinkingRequest" and not message.get("target_link_uri"):
            return "missing_deep_link_target"
    return None


@dataclass
class MoodlePlatform:
    base_url: str = ""
    tokens: set[str] = field(default_factory=lambda: {"token-1"})
    used_tokens: set[str] = field(default_factory=set)
    registrations: list[dict[str, Any]] = field(default_factory=list)
    next_type_id: int = 7

    @property
    def openid_configuration_url(self) -> str:
        return f"{self.base_url}/mod/lti/openid-configuration.php"

    def configuration(self) -> dict[str, Any]:
        base = self.base_url
        return {
            "issuer": base,
            "token_endpoint": f"{base}/mod/lti/token.php",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "jwks_uri": f"{base}/mod/lti/certs.php",
            "authorization_endpoint": f"{base}/mod/lti/auth.php",
            "registration_endpoint": f"{base}/mod/lti/openid-registration.php",
            "scopes_supported": [
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
                "openid",
            ],
            "response_types_supported": ["id_token"],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "moodle",
                "version": "4.5",
                "messages_supported": [
                    {"type": "LtiResourceLinkRequest"},
                    {"type": "LtiDeepLinkingRequest"},
                ],
            },
        }

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        if request.path == "/mod/lti/openid-configuration.php":
            response = Response(json.dumps(self.configuration()), mimetype="application/json")
        elif request.path == "/mod/lti/openid-registration.php" and request.method == "POST":
            response = self.register(request)
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    def register(self, request: Request) -> Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.tokens or token in self.used_tokens:
            return Response("invalid or used registration token", status=401)
        self.used_tokens.add(token)
        payload = request.get_json(silent=True)
        error = moodle_validation_error(payload)
        if error:
            return Response(error, status=400)
        assert isinstance(payload, dict)
        self.registrations.append(payload)
        deployment_id = str(self.next_type_id)
        self.next_type_id += 1
        answer = dict(payload)
        answer["client_id"] = f"moodle-client-{deployment_id}"
        answer[dynreg.TOOL_CONFIGURATION] = {
            **payload[dynreg.TOOL_CONFIGURATION],
            "deployment_id": deployment_id,
        }
        return Response(json.dumps(answer), mimetype="application/json")


@pytest.fixture
def moodle() -> Iterator[MoodlePlatform]:
    platform = MoodlePlatform()
    server = make_server("127.0.0.1", 0, platform, threaded=True)
    platform.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs=FAST_POLL, daemon=True)
    thread.start()
    yield platform
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "BASE_URL": TOOL_BASE}


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the confirmation page has no CSRF token"
    return match.group(1)


def _start(client: FlaskClient, platform: MoodlePlatform, token: str = "token-1") -> str:
    response = client.get(
        "/lti/register",
        query_string={
            "openid_configuration": platform.openid_configuration_url,
            "registration_token": token,
        },
    )
    assert response.status_code == 200, response.text
    return response.text


def _finish(client: FlaskClient, platform: MoodlePlatform, page: str, token: str = "token-1"):  # type: ignore[no-untyped-def]
    return client.post(
        "/lti/register",
        data={
            "csrf_token": _csrf_token(page),
            "openid_configuration": platform.openid_configuration_url,
            "registration_token": token,
        },
    )


def test_moodle_accepts_the_registration_and_the_tool_stores_it(
    app: Flask, client: FlaskClient, moodle: MoodlePlatform
) -> None:
    page = _start(client, moodle)
    assert moodle.base_url in page
    response = _finish(client, moodle, page)
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
    client: FlaskClient, moodle: MoodlePlatform
) -> None:
    page = _start(client, moodle)
    assert _finish(client, moodle, page).status_code == 200
    again = _finish(client, moodle, _start(client, moodle))
    assert again.status_code == 400
    assert "refused the registration (HTTP 401)" in again.text


def test_registration_post_needs_a_csrf_token(client: FlaskClient, moodle: MoodlePlatform) -> None:
    response = client.post(
        "/lti/register",
        data={"openid_configuration": moodle.openid_configuration_url, "registration_token": "t"},
    )
    assert response.status_code == 400
    assert moodle.used_tokens == set()


def test_the_confirmation_page_may_be_framed_by_the_platform_only(
    client: FlaskClient, moodle: MoodlePlatform
) -> None:
    response = client.get(
        "/lti/register",
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
    client: FlaskClient, url: str, expected: str
) -> None:
    response = client.get("/lti/register", query_string={"openid_configuration": url})
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
) -> None:
    """Anyone can point /lti/register at a JSON document they serve. Its issuer must live on
    the host that serves the configuration (LTI DR 1.0 §3.5.1), or a stranger registers a
    'platform' with a real LMS's issuer and own keys, and then launches as that LMS's users:
    users are keyed by (issuer, sub), so their names and e-mails could be overwritten."""
    genuine = moodle.configuration()
    monkeypatch.setattr(moodle, "configuration", lambda: {**genuine, "issuer": claimed_issuer})
    response = client.get(
        "/lti/register",
        query_string={
            "openid_configuration": moodle.openid_configuration_url,
            "registration_token": "t",
        },
    )
    assert response.status_code == 400
    assert "issuer" in response.text
    forced = client.post(
        "/lti/register",
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
