"""A stand-in Moodle for dynamic registration, over real HTTP on 127.0.0.1.

It reproduces ``mod/lti/openid-configuration.php`` and ``openid-registration.php`` with the
validation of ``registration_helper.php`` (research: lti.md §3.2): single-use bearer token,
required fields, domain = target_link_uri host. ``register_via`` walks the tool's two pages
(confirmation, then the POST) as the admin's browser inside Moodle would.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.serving import make_server
from werkzeug.test import TestResponse
from werkzeug.wrappers import Request, Response

from lti_app.lti import dynamic_registration as dynreg
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


@contextmanager
def serving_moodle() -> Iterator[MoodlePlatform]:
    platform = MoodlePlatform()
    server = make_server("127.0.0.1", 0, platform, threaded=True)
    platform.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs=FAST_POLL, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def moodle() -> Iterator[MoodlePlatform]:
    """The stand-in Moodle on loopback for one test (offered by ``tests/lti_app/conftest.py``)."""
    with serving_moodle() as platform:
        yield platform


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the confirmation page has no CSRF token"
    return match.group(1)


def open_registration_page(
    client: FlaskClient, platform: MoodlePlatform, path: str, token: str = "token-1"
) -> TestResponse:
    """What Moodle does with the URL the admin entered: open it with its two parameters."""
    return client.get(
        path,
        query_string={
            "openid_configuration": platform.openid_configuration_url,
            "registration_token": token,
        },
    )


def confirm_registration(
    client: FlaskClient, platform: MoodlePlatform, page: str, path: str, token: str = "token-1"
) -> TestResponse:
    """The admin presses Register on the confirmation page."""
    return client.post(
        path,
        data={
            "csrf_token": csrf_token(page),
            "openid_configuration": platform.openid_configuration_url,
            "registration_token": token,
        },
    )
