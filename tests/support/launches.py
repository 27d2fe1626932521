"""Launch the tool from a real lti1p3platform platform with the claims these tests need.

Builds on the launch helper's harness (tests/e2e/platforms.py): the OIDC round trip runs
through the tool's own /lti/login and /lti/launch; we only add custom, AGS and deep-linking
claims to the message the platform library signs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import unescape
from typing import Any

import jwt
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_app.storage import db, registrations_repo
from tests.e2e.platforms import KeySetServer, Platform

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
MESSAGE_TYPE = "https://purl.imsglobal.org/spec/lti/claim/message_type"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def registered_platform(
    app: Flask,
    key_server: KeySetServer,
    *,
    client_id: str = "intervision-client",
    deployment_ids: Sequence[str] = ("deployment-1",),
    token_url: str | None = None,
) -> Platform:
    """An lti1p3platform platform registered in the tool as an admin would (launches use the
    first deployment id)."""
    platform = Platform(
        issuer=f"http://localhost:{key_server.port}",
        client_id=client_id,
        deployment_id=deployment_ids[0],
        tool_base_url=app.config["BASE_URL"],
        key_server=key_server,
    )
    with app.app_context(), db.transaction() as session:
        registrations_repo.add_registration(
            session,
            issuer=platform.issuer,
            client_id=platform.client_id,
            auth_login_url=platform.auth_login_url,
            auth_token_url=token_url or f"{platform.origin}/token",
            jwks_url=key_server.url,
            deployment_ids=list(deployment_ids),
            frame_origins=[platform.origin],
        )
    return platform


def deep_link_settings(
    return_url: str = "https://lms.test/deep-link/return",
    *,
    accept_types: list[str] | None = None,
    accept_multiple: bool = True,
    data: str | None = "opaque-platform-data",
) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "deep_link_return_url": return_url,
        "accept_types": accept_types or ["ltiResourceLink", "link"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": accept_multiple,
    }
    if data is not None:
        settings["data"] = data
    return settings


def launch(
    client: FlaskClient,
    platform: Platform,
    roles: list[str],
    *,
    user_id: str = "user-1",
    custom: dict[str, str] | None = None,
    lineitem: str | None = None,
    deep_link: dict[str, Any] | None = None,
    context_id: str | None = None,
) -> TestResponse:
    """OIDC login + launch; returns the tool's answer to the launch POST (a 303 on success).

    ``context_id`` launches from that course (titled "Course <id>") instead of course-42."""
    auth = platform.start_login(client, user_id)
    extra: dict[str, Any] = {}
    if lineitem is not None:
        extra[AGS_CLAIM] = {
            "scope": [SCORE_SCOPE],
            "lineitem": lineitem,
            "lineitems": lineitem.rsplit("/", 1)[0],
        }
    if deep_link is not None:
        extra[MESSAGE_TYPE] = "LtiDeepLinkingRequest"
        extra[DL_CLAIM] = deep_link
    claims = platform.id_token_claims(auth, roles, custom=custom or {}, **extra)
    if context_id is not None:
        claims[CONTEXT_CLAIM] = {"id": context_id, "title": f"Course {context_id}", "label": "C"}
    if deep_link is not None:
        claims.pop("https://purl.imsglobal.org/spec/lti/claim/resource_link", None)
    return platform.post_launch(client, auth, platform.sign(claims))


def csrf_token(page: str) -> str:
    match = CSRF_FIELD.search(page)
    assert match, "no CSRF token in the form"
    return match.group(1)


def returned_jwt(page: str) -> dict[str, Any]:
    """The claims of the deep-linking response the tool's auto-post form carries."""
    match = re.search(r'name="JWT" value="([^"]+)"', page)
    assert match, "no signed deep-linking response in the page"
    claims: dict[str, Any] = jwt.decode(
        unescape(match.group(1)), options={"verify_signature": False}
    )
    return claims


def follow(client: FlaskClient, response: TestResponse, base_url: str) -> TestResponse:
    """GET the redirect target on the tool's origin (Location may be relative)."""
    location = response.headers["Location"]
    return client.get(base_url + location if location.startswith("/") else location)
