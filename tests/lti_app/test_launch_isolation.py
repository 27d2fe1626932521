"""One platform cannot stall another, and a refused launch cannot end a learner's session.

* A platform whose key set hangs (accepts, never answers) holds only its own launch: another
  platform's launch completes meanwhile, while the first is still waiting (no process-wide
  lock is held during the download).
* A forged POST to /lti/launch (cross-site, junk or another browser's state) is refused, and
  the browser's session still holds its launches afterwards: nothing was cleared or replaced.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.launches import TOOL, LaunchAs, registered_platform
from tests.support.platforms import LEARNER, KeySetServer, Platform, running_key_server
from tests.support.servers import serving

CROSS_SITE = {"Origin": "https://attacker.example", "Sec-Fetch-Site": "cross-site"}


class _HangingKeySet(KeySetServer):
    """Signals when a request arrived, then (``hang`` set) holds it until released."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()

    def document(self, path: str) -> dict[str, Any]:
        self.arrived.set()
        return super().document(path)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # Far longer than any launch takes: "B finished while A still waits" cannot be A's
    # timeout passing first (with a process-wide lock, B would wait out A's whole timeout).
    return {**app_config, "LTI_JWKS_TIMEOUT": (25.0, 25.0)}


def test_a_hanging_key_set_delays_only_its_own_platform(
    app: Flask, key_server: KeySetServer
) -> None:
    with serving(_HangingKeySet()) as slow_keys:
        slow = registered_platform(app, slow_keys, client_id="slow-client")
        fast = registered_platform(app, key_server, client_id="fast-client")
        slow_client, fast_client = app.test_client(), app.test_client()
        slow_auth = slow.start_login(slow_client)
        fast_auth = fast.start_login(fast_client)
        slow_keys.hang.set()
        answers: dict[str, TestResponse] = {}

        def slow_launch() -> None:
            token = slow.real_id_token(slow_auth, [LEARNER])
            answers["slow"] = slow.post_launch(slow_client, slow_auth, token)

        waiting = threading.Thread(target=slow_launch)
        waiting.start()
        try:
            assert slow_keys.arrived.wait(10), "the slow platform's key set was never asked"
            fast_answer = fast.post_launch(
                fast_client, fast_auth, fast.real_id_token(fast_auth, [LEARNER])
            )
            assert waiting.is_alive(), "the slow launch ended before the fast one was checked"
            assert fast_answer.status_code == 303, fast_answer.get_data(as_text=True)[:300]
        finally:
            slow_keys.release.set()
            waiting.join(15)
    assert answers["slow"].status_code == 503  # its own refusal, once its key set hung up


def _session(client: FlaskClient) -> dict[str, Any]:
    with client.session_transaction(TOOL + "/") as held:
        return dict(held)


def _forged_posts(other_state: str) -> list[dict[str, str]]:
    return [
        {"id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "state": "made-up"},
        {"id_token": "x", "state": other_state},  # a real state, of another browser
        {"id_token": "", "state": ""},
        {"id_token": "a.b.c"},
        {},
    ]


def test_a_forged_launch_keeps_the_learners_session(
    app: Flask, client: FlaskClient, launch_as: LaunchAs, platform: Platform
) -> None:
    launched = launch_as("learner", custom={"kind": "module", "intervision_ref": "troika"})
    before = _session(client)
    assert before and client.get(launched.url("/lti/home")).status_code == 200
    other_browser = app.test_client()
    other_state = platform.start_login(other_browser)["state"]
    for form in _forged_posts(other_state):
        refused = client.post(TOOL + "/lti/launch", data=form, headers=CROSS_SITE)
        assert 400 <= refused.status_code < 500, (form, refused.status_code)
        assert "Reference: <strong>E-" in refused.get_data(as_text=True)
        assert (
            _session(client) == before
        )  # still this learner's launches: not emptied, not replaced
    home = client.get(launched.url("/lti/home"))
    assert home.status_code == 200 and "Ada Lovelace" in home.get_data(as_text=True)


@pytest.fixture
def platform(app: Flask) -> Any:
    with running_key_server() as keys:
        yield registered_platform(app, keys)
