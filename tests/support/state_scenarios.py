"""Promises every LTI state store keeps (the database one and Redis), as plain functions.

Each runs where its test module puts it (``test_launch_store``, ``test_launch_cache``,
``tests/e2e/test_lti1p3platform_launch``: on the database) and once more in
``test_redis_state`` on an app whose state lives in Redis, unchanged. Shared through this
module so no test module imports another.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_app.lti import state_store
from lti_app.lti.errors import ReplayedLaunch
from lti_app.storage import db
from tests.support.clock import Clock
from tests.support.platforms import INSTRUCTOR, LEARNER, Platform
from tests.support.refusals import assert_refused

LIFETIME = timedelta(minutes=5)
INTERVISION = Path(sys.executable).with_name("intervision")


# --- the store itself (state, nonce, launch records) ----------------------------------------


def save_login(state: str, nonce: str, lifetime: timedelta = LIFETIME) -> None:
    state_store.save_login_state(
        state=state,
        nonce=nonce,
        issuer="https://lms.test",
        client_id="c1",
        target_link_uri="https://tool.test/lti/launch",
        browser_secret="browser-secret",
        deployment_hint=None,
        lifetime=lifetime,
    )


def state_and_nonce_are_used_once(db_app: Flask) -> None:
    # One request context per step, as in real requests (each has its own read session).
    with db_app.test_request_context():
        save_login("state-1", "nonce-1")
    with db_app.test_request_context():
        login = state_store.load_login_state("state-1")
        assert login is not None
        assert login.browser_hash == state_store.browser_hash("browser-secret")
        assert login.browser_hash != "browser-secret"  # the DB never holds the cookie value
        assert not state_store.nonce_was_used("https://lms.test", "nonce-1")
        state_store.consume(login, "https://lms.test", "nonce-1", LIFETIME)
    with db_app.test_request_context():
        assert state_store.load_login_state("state-1") is None
        assert state_store.nonce_was_used("https://lms.test", "nonce-1")
        with pytest.raises(ReplayedLaunch):
            state_store.consume(login, "https://lms.test", "nonce-1", LIFETIME)


def a_nonce_cannot_be_reused_under_a_new_state(db_app: Flask) -> None:
    with db_app.test_request_context():
        save_login("state-a", "shared-nonce")
        save_login("state-b", "shared-nonce")
        first = state_store.load_login_state("state-a")
        second = state_store.load_login_state("state-b")
        assert first is not None and second is not None
        state_store.consume(first, "https://lms.test", "shared-nonce", LIFETIME)
        with pytest.raises(ReplayedLaunch):
            state_store.consume(second, "https://lms.test", "shared-nonce", LIFETIME)


def expired_state_is_not_found(db_app: Flask) -> None:
    with db_app.test_request_context():
        save_login("state-old", "nonce-old", lifetime=timedelta(seconds=-1))
        assert state_store.load_login_state("state-old") is None


def launch_records_round_trip(db_app: Flask) -> None:
    with db_app.test_request_context():
        state_store.save_launch("launch-1", {"claims": {"sub": "u"}}, LIFETIME)
        assert state_store.load_launch("launch-1") == {"claims": {"sub": "u"}}
        assert state_store.load_launch("launch-unknown") is None


# --- another process removes the platform -----------------------------------------------------


def login_status(client: FlaskClient, platform: Platform) -> int:
    url = platform.login_initiation_url("user-1") + "&lti1p3_new_window=1"
    return client.get(url).status_code


def signed_launch(
    client: FlaskClient, platform: Platform, auth: dict[str, str], **claims: Any
) -> Any:
    body = platform.id_token_claims(auth, [LEARNER], **claims)
    return platform.post_launch(client, auth, platform.sign(body))


def intervision_cli(app: Flask, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Another process: the operator's `intervision` command on the same database."""
    env = {
        **os.environ,
        "INTERVISION_DATABASE_URL": app.config["DATABASE_URL"],
        "INTERVISION_INSTANCE_PATH": str(tmp_path / "cli-instance"),
        "INTERVISION_SECRET_KEY": "cli-secret-key-" + "c" * 32,
    }
    return subprocess.run(
        [str(INTERVISION), *args], env=env, capture_output=True, text=True, timeout=120
    )


def platform_removed_by_another_process_cannot_launch(
    db_app: Flask, platform: Platform, clock: Clock, tmp_path: Path
) -> None:
    client = db_app.test_client()
    assert signed_launch(client, platform, platform.start_login(client)).status_code == 303
    pending = platform.start_login(client)  # this process has the registration cached now

    removed = intervision_cli(
        db_app, tmp_path, "platform", "remove",
        "--issuer", platform.issuer, "--client-id", platform.client_id,
    )  # fmt: skip
    assert removed.returncode == 0, removed.stderr

    # Within the TTL this process still answers a login (a state row and a redirect)...
    assert login_status(client, platform) == 302
    # ...but no launch: its write transaction re-checks the registration.
    refused = signed_launch(client, platform, pending)
    assert refused.status_code == 403, refused.get_data(as_text=True)[:300]
    assert "/launch/" not in refused.get_data(as_text=True)  # its links name no earlier launch
    # Past the documented bound the login is refused as well.
    clock.now += db.get_storage(db_app).registrations.ttl + 1
    assert login_status(db_app.test_client(), platform) == 403


# --- replayed and forged launches from lti1p3platform (need the refusal_log fixture) ----------


def hostile_launch(client: FlaskClient, platform: Platform, **changes: Any) -> TestResponse:
    auth = platform.start_login(client)
    claims = platform.id_token_claims(auth, [INSTRUCTOR])
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return platform.post_launch(client, auth, platform.sign(claims))


def replay_in_the_same_browser_is_refused(client: FlaskClient, platform: Platform) -> None:
    auth = platform.start_login(client)
    token = platform.real_id_token(auth, [INSTRUCTOR])
    assert platform.post_launch(client, auth, token).status_code == 303
    page = assert_refused(
        platform.post_launch(client, auth, token), client, reason="ReplayedLaunch"
    )
    assert "already used" in page


def replay_from_another_client_is_refused(app: Flask, platform: Platform) -> None:
    victim = app.test_client()
    auth = platform.start_login(victim)
    token = platform.real_id_token(auth, [INSTRUCTOR])
    assert platform.post_launch(victim, auth, token).status_code == 303
    attacker = app.test_client()
    assert_refused(platform.post_launch(attacker, auth, token), attacker, reason="ReplayedLaunch")
    # Even with a cookie forged the way pylti1p3 binds state (cookie value = state).
    attacker.set_cookie(f"lti1p3-{auth['state']}", auth["state"], domain="tool.test")
    assert_refused(platform.post_launch(attacker, auth, token), attacker, reason="ReplayedLaunch")


def stolen_token_before_use_needs_the_victims_browser(app: Flask, platform: Platform) -> None:
    victim = app.test_client()
    auth = platform.start_login(victim)
    token = platform.real_id_token(auth, [INSTRUCTOR])
    attacker = app.test_client()
    assert_refused(
        platform.post_launch(attacker, auth, token), attacker, status=400, reason="StateInvalid"
    )
    assert platform.post_launch(victim, auth, token).status_code == 303


def wrong_nonce_is_refused(client: FlaskClient, platform: Platform) -> None:
    assert_refused(
        hostile_launch(client, platform, nonce="not-the-issued-nonce"),
        client,
        reason="TokenInvalid",
    )


def forged_state_is_refused(client: FlaskClient, platform: Platform) -> None:
    auth = platform.start_login(client)
    token = platform.real_id_token(auth, [INSTRUCTOR])
    client.set_cookie("lti1p3-state-forged", "whatever", domain="tool.test")
    assert_refused(
        platform.post_launch(client, auth, token, state="state-forged"),
        client,
        reason="StateInvalid",
    )
