"""Launch the tool from a real lti1p3platform platform with the claims these tests need, or
write a launch through the tool's own storage (``launch_as``) when a test needs a launched
session and not the round trip.

Builds on the launch helper's harness (``platforms.py``): the OIDC round trip runs
through the tool's own /lti/login and /lti/launch; we only add custom, AGS and deep-linking
claims to the message the platform library signs.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from html import unescape
from typing import Any

import jwt
import pytest
from flask import Flask
from flask import session as flask_session
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_app.lti import state_store
from lti_app.lti.launch import Launch
from lti_app.lti.launch_rows import complete_launch
from lti_app.lti.launch_session import remember_launch
from lti_app.lti.launch_urls import launch_path
from lti_app.lti.message_launch import ValidatedLaunch
from lti_app.storage import db, registrations_repo
from tests.support.platforms import INSTRUCTOR, LEARNER, KeySetServer, Platform

TOOL = "https://tool.test"  # BASE_URL of the tool in these tests
# What the browser sends with a same-origin form post (Flask-WTF checks it on HTTPS).
FORM_HEADERS = {"Referer": TOOL + "/deep-linking/", "Origin": TOOL}
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


# On the host of every platform these tests register (issuer http://localhost:<port>): the
# tool refuses a deep_link_return_url off the platform's hosts.
DEEP_LINK_RETURN_URL = "https://localhost/deep-link/return"


def deep_link_settings(
    return_url: str = DEEP_LINK_RETURN_URL,
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


def launch_claims(
    platform: Platform,
    auth: dict[str, str],
    roles: list[str],
    *,
    custom: dict[str, str] | None = None,
    lineitem: str | None = None,
    deep_link: dict[str, Any] | None = None,
    context_id: str | None = None,
    extra_claims: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The launch message lti1p3platform builds for these auth params, with our extra claims.

    ``context_id`` launches from that course (titled "Course <id>") instead of course-42;
    ``extra_claims`` are set last (e.g. ``launch_presentation`` with a ``locale``)."""
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
    claims.update(extra_claims or {})
    return claims


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
    claims = launch_claims(
        platform, auth, roles, custom=custom, lineitem=lineitem, deep_link=deep_link,
        context_id=context_id,
    )  # fmt: skip
    return platform.post_launch(client, auth, platform.sign(claims))


# --- launch_as: a launched session without the OIDC round trip ---------------------------------

ROLES = {"instructor": INSTRUCTOR, "learner": LEARNER}


@dataclass(frozen=True)
class Launched:
    """A launch the tool stored and the test client's session holds; URLs under it."""

    launch: Launch

    @property
    def launch_id(self) -> str:
        return self.launch.launch_id

    @property
    def prefix(self) -> str:
        """``/launch/<id>``: the segment every tool URL after this launch starts with."""
        return launch_path(self.launch_id)

    def url(self, path: str = "/") -> str:
        """The absolute tool URL of ``path`` (e.g. ``/course/``) under this launch."""
        return TOOL + self.prefix + path


def write_launch(
    app: Flask,
    client: FlaskClient,
    platform: Platform,
    role: str | Sequence[str],
    *,
    user_id: str = "user-1",
    context_id: str | None = "course-42",
    custom: dict[str, str] | None = None,
    lineitem: str | None = None,
    deep_link: dict[str, Any] | None = None,
    extra_claims: dict[str, Any] | None = None,
) -> Launched:
    """Store a completed launch as ``/lti/launch`` does, and put it in ``client``'s session.

    What is skipped is only what the OIDC round trip tests already cover: the login pages,
    signing the id_token and checking it against the platform's JWKS. The claims are the ones
    lti1p3platform builds (``launch_claims``); the tool's own code stores them: a login state
    saved by ``state_store``, then ``complete_launch`` (one write transaction: state and nonce
    consumed, registration re-checked, tenant/course/user rows upserted, launch record stored),
    then ``remember_launch`` on the client's session. So the view under test reads a genuine
    launch record, and two calls for one person hold two launches, as two launches would.

    ``role`` is ``"instructor"``, ``"learner"``, a LIS role URI or a list of them; the launch
    comes from the course ``context_id``, titled "Course <id>" (``None``: the harness's own
    course-42, "Intervision 101").
    """
    roles = [ROLES.get(r, r) for r in ([role] if isinstance(role, str) else role)]
    state, nonce, browser_secret = (secrets.token_urlsafe(16) for _ in range(3))
    launch_url = f"{TOOL}/lti/launch"
    auth = {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post",
        "prompt": "none", "client_id": platform.client_id, "redirect_uri": launch_url,
        "login_hint": user_id, "lti_message_hint": "resource-1", "state": state, "nonce": nonce,
    }  # fmt: skip
    claims = launch_claims(
        platform, auth, roles, custom=custom, lineitem=lineitem, deep_link=deep_link,
        context_id=context_id, extra_claims=extra_claims,
    )  # fmt: skip
    lifetime = timedelta(minutes=5)
    with app.test_request_context(TOOL + "/lti/launch", method="POST"):
        state_store.save_login_state(
            state=state, nonce=nonce, issuer=platform.issuer, client_id=platform.client_id,
            target_link_uri=launch_url, browser_secret=browser_secret, deployment_hint=None,
            lifetime=lifetime,
        )  # fmt: skip
        login = state_store.load_login_state(state)
        record = registrations_repo.cached_platform(platform.issuer, platform.client_id)
        assert login is not None and record is not None, "platform not registered in the tool"
        validated = ValidatedLaunch(
            body=claims, client_id=platform.client_id,
            launch_id=f"lti1p3-launch-{uuid.uuid4()}", login=login, platform=record,
            nonce_lifetime=lifetime,
        )  # fmt: skip
        stored = complete_launch(validated, app.permanent_session_lifetime)
    with client.session_transaction(TOOL + "/") as held, app.test_request_context(TOOL + "/"):
        # remember_launch works on flask.session: give it the client's, then keep its result
        flask_session.update(held)
        flask_session.permanent = held.permanent
        remember_launch(stored.launch_id, stored.tenant.issuer, stored.user.subject)
        held.clear()
        held.update(flask_session)
        held.permanent = flask_session.permanent
    return Launched(stored)


class LaunchAs:
    """``launch_as(role, context_id=..., custom=..., ...)``: see :func:`write_launch`."""

    def __init__(self, app: Flask, client: FlaskClient, platform: Platform) -> None:
        self.app, self.client, self.platform = app, client, platform

    def __call__(
        self,
        role: str | Sequence[str],
        *,
        client: FlaskClient | None = None,
        platform: Platform | None = None,
        **options: Any,
    ) -> Launched:
        """Into ``client``'s session (default: the ``client`` fixture's), from ``platform``
        (default: the ``platform`` fixture)."""
        return write_launch(
            self.app, client or self.client, platform or self.platform, role, **options
        )


@pytest.fixture
def launch_as(app: Flask, client: FlaskClient, platform: Platform) -> LaunchAs:
    """A launched session for view tests: the launch record written through the tool's own
    storage, held by ``client``'s session (needs a ``platform`` registered in ``app``)."""
    return LaunchAs(app, client, platform)


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
