"""Server-side launch state on SQLite and PostgreSQL: single use is enforced by the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from lti_app.lti import state_store
from lti_app.lti.errors import ReplayedLaunch

LIFETIME = timedelta(minutes=5)


def _login(state: str, nonce: str, lifetime: timedelta = LIFETIME) -> None:
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


def test_state_and_nonce_are_used_once(db_app: Flask) -> None:
    # One request context per step, as in real requests (each has its own read session).
    with db_app.test_request_context():
        _login("state-1", "nonce-1")
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


def test_a_nonce_cannot_be_reused_under_a_new_state(db_app: Flask) -> None:
    with db_app.test_request_context():
        _login("state-a", "shared-nonce")
        _login("state-b", "shared-nonce")
        first = state_store.load_login_state("state-a")
        second = state_store.load_login_state("state-b")
        assert first is not None and second is not None
        state_store.consume(first, "https://lms.test", "shared-nonce", LIFETIME)
        with pytest.raises(ReplayedLaunch):
            state_store.consume(second, "https://lms.test", "shared-nonce", LIFETIME)


def test_expired_state_is_not_found(db_app: Flask) -> None:
    with db_app.test_request_context():
        _login("state-old", "nonce-old", lifetime=timedelta(seconds=-1))
        assert state_store.load_login_state("state-old") is None


def test_launch_records_round_trip(db_app: Flask) -> None:
    with db_app.test_request_context():
        state_store.save_launch("launch-1", {"claims": {"sub": "u"}}, LIFETIME)
        assert state_store.load_launch("launch-1") == {"claims": {"sub": "u"}}
        assert state_store.load_launch("launch-unknown") is None
