"""LTI Platform Storage, server side: the login page stores the state's secret with the
platform, a cookie-less launch gets the page that reads it back, and only that page's
same-origin POST may hand the secret in. State and nonce stay single-use and expiring.

The browser half (postMessage origin checks, Chromium with the tool's cookies blocked) is in
``tests/e2e/test_platform_storage_browser.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from lti_app.lti import platform_storage as ps
from lti_app.storage import db
from lti_app.storage.models import LtiUser, OidcState, utc_now
from tests.support.launches import registered_platform
from tests.support.platform_storage import relay_launch, storage_box, storage_login
from tests.support.platforms import LEARNER, KeySetServer, Platform

TOOL = "https://tool.test"


@pytest.fixture
def platform(app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(app, key_server, client_id="client-ps")


def _token(platform: Platform, auth: dict[str, str]) -> str:
    return platform.sign(platform.id_token_claims(auth, [LEARNER]))


def _users(app: Flask) -> int:
    with app.app_context(), db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(LtiUser)) or 0)


def test_login_page_stores_the_secret_with_the_platform_origin_and_keeps_the_cookie(
    client: FlaskClient, platform: Platform
) -> None:
    login = storage_login(client, platform, target="post_message_forwarding")
    box = login.box
    assert box["target"] == "post_message_forwarding"
    assert box["origin"] == platform.origin  # the authorization URL's origin, never "*"
    assert box["key"] == ps.storage_key(login.auth["state"])
    assert len(box["value"]) >= 40
    assert box["next-url"].startswith(platform.auth_login_url + "?")
    assert "lti_storage_target" not in box["fallback-url"]  # the fallback is the cookie check
    assert login.cookie_set, "the cookie path stays the default"
    assert ps.target_of_state(login.auth["state"]) == "post_message_forwarding"


@pytest.mark.parametrize(
    "target", ["", "%22%3E%3Cscript%3E", "javascript%3Aalert(1)", "x" * 80, "_top.frames"]
)
def test_an_unusable_storage_target_falls_back_to_the_cookie_check(
    client: FlaskClient, platform: Platform, target: str
) -> None:
    response = client.get(platform.login_initiation_url("user-1") + f"&lti_storage_target={target}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="lti-cookie-check"' in page and "lti-platform-storage" not in page


def test_a_new_window_uses_cookies_only(client: FlaskClient, platform: Platform) -> None:
    url = platform.login_initiation_url("user-1") + "&lti_storage_target=_parent"
    response = client.get(url + "&lti1p3_new_window=1")
    assert response.status_code == 302
    state = dict(
        item.split("=", 1) for item in response.headers["Location"].split("?", 1)[1].split("&")
    )["state"]
    assert ps.target_of_state(state) is None


def test_the_cookie_still_completes_a_storage_login(
    client: FlaskClient, platform: Platform
) -> None:
    login = storage_login(client, platform)
    assert platform.post_launch(client, login.auth, _token(platform, login.auth)).status_code == 303


def test_a_cookieless_launch_reads_the_secret_back_then_completes_once(
    app: Flask, client: FlaskClient, platform: Platform
) -> None:
    login = storage_login(client, platform)
    token = _token(platform, login.auth)
    blocked = app.test_client()  # the frame's launch POST: no cookie of the tool at all

    reading = platform.post_launch(blocked, login.auth, token)
    assert reading.status_code == 200
    page = reading.get_data(as_text=True)
    box = storage_box(page)
    assert (box["lti-storage"], box["target"], box["origin"], box["key"]) == (
        "get", "_parent", platform.origin, login.box["key"]
    )  # fmt: skip
    assert (
        f'value="{login.auth["state"]}"' in page
        and "frame-ancestors 'self' " + (platform.origin)
        in reading.headers["Content-Security-Policy"]
    )
    assert _users(app) == 0, "the reading page decides nothing"

    done = relay_launch(blocked, login.auth, token, login.box["value"], origin=TOOL)
    assert done.status_code == 303, done.get_data(as_text=True)
    assert _users(app) == 1

    again = relay_launch(app.test_client(), login.auth, token, login.box["value"], origin=TOOL)
    assert again.status_code in (400, 409) and _users(app) == 1  # state and nonce: single use


FORGED_ORIGINS = [
    ("https://attacker.example", "cross-site"),  # a form on another site (login CSRF)
    (None, None),  # no Origin at all
    ("null", "cross-site"),  # a sandboxed frame
    (TOOL, "cross-site"),  # Origin right, but the browser says the POST crossed sites
]


def test_a_secret_from_another_origin_is_refused_and_uses_nothing_up(
    app: Flask, client: FlaskClient, platform: Platform
) -> None:
    login = storage_login(client, platform)
    token = _token(platform, login.auth)
    for origin, fetch_site in FORGED_ORIGINS:
        forged = relay_launch(
            app.test_client(), login.auth, token, login.box["value"], origin, fetch_site
        )
        assert forged.status_code == 400, (origin, forged.status_code)
        assert "Your sign-in session was not found" in forged.get_data(as_text=True)
    # The real page's POST still works: the refusals consumed neither state nor nonce.
    real = relay_launch(app.test_client(), login.auth, token, login.box["value"], origin=TOOL)
    assert real.status_code == 303


def test_a_wrong_secret_is_refused(app: Flask, client: FlaskClient, platform: Platform) -> None:
    login = storage_login(client, platform)
    other = storage_login(client, platform)  # a real secret, of another login
    token = _token(platform, login.auth)
    refused = relay_launch(app.test_client(), login.auth, token, other.box["value"], origin=TOOL)
    assert refused.status_code == 400 and _users(app) == 0


def test_an_expired_storage_login_is_refused(
    app: Flask, client: FlaskClient, platform: Platform
) -> None:
    login = storage_login(client, platform)
    token = _token(platform, login.auth)
    with app.app_context(), db.transaction() as session:
        session.execute(
            update(OidcState)
            .where(OidcState.state == login.auth["state"])
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
    blocked = app.test_client()
    # No reading page for a state that is gone, and no launch from its secret.
    assert platform.post_launch(blocked, login.auth, token).status_code == 400
    refused = relay_launch(blocked, login.auth, token, login.box["value"], origin=TOOL)
    assert refused.status_code == 400 and _users(app) == 0


def test_storage_can_be_turned_off(app: Flask, client: FlaskClient, platform: Platform) -> None:
    app.config["LTI_PLATFORM_STORAGE"] = False
    response = client.get(platform.login_initiation_url("user-1") + "&lti_storage_target=_parent")
    assert 'id="lti-cookie-check"' in response.get_data(as_text=True)


def test_storage_logins_count_against_the_address_ceiling(
    app: Flask, client: FlaskClient, platform: Platform
) -> None:
    """The page answers 200 but stored a state: counted like a redirecting login."""
    from lti_app.lti.rate_limits import entry_limits, rules

    ceiling = rules(app)["lti.login"][0]
    before = entry_limits(app).remaining(ceiling, "127.0.0.1")
    storage_login(client, platform, user_id="user-1")
    storage_login(client, platform, user_id="user-2")
    assert entry_limits(app).remaining(ceiling, "127.0.0.1") == before - 2


@pytest.mark.parametrize(
    "state",
    ["state-ps._parent.", "state-ps._parent.short", "state-ps.bad name.x" + "a" * 30,
     "state-ps._parent." + "a" * 300, "state-ps._parent.\x00" + "a" * 30],
)  # fmt: skip
def test_a_state_we_did_not_issue_is_refused_without_a_reading_page(
    app: Flask, platform: Platform, state: str
) -> None:
    assert ps.target_of_state(state) is None
    response = app.test_client().post(
        TOOL + "/lti/launch", data={"id_token": "x.y.z", "state": state}
    )
    assert response.status_code == 400
