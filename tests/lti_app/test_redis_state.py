"""The Redis LTI state store (``INTERVISION_REDIS_URL``) against a real redis-server.

The store must keep every promise of the database store. So the store, cache and
lti1p3platform replay scenarios (``tests/support/state_scenarios.py``) run here once more,
unchanged, on an app whose state lives in Redis (their test modules run them on the
database); the tests after them cover what only Redis has: key lifetimes, atomic
consumption under contention, several app servers sharing one Redis, and a Redis that does
not answer.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask

from lti_app import create_app
from lti_app.config import ConfigError
from lti_app.lti import state_store
from lti_app.storage import db, lti_state, migrate
from lti_app.storage.redis_state import RedisStateStore
from tests.support import state_scenarios
from tests.support.clock import Clock
from tests.support.databases import copy_sqlite_template
from tests.support.launches import registered_platform
from tests.support.platforms import INSTRUCTOR, KeySetServer, Platform
from tests.support.refusals import HOME, assert_refused

# assert_refused(reason=...) reads the refusal reason from the log.
pytestmark = pytest.mark.usefixtures("refusal_log")
ON_REDIS = pytest.mark.parametrize("state_backend", ["redis"], indirect=True)
LIFETIME = timedelta(minutes=5)


def _migrated(config: dict[str, Any], template: Path) -> Iterator[Flask]:
    copied = copy_sqlite_template(str(config["DATABASE_URL"]), template)
    app = create_app(config)
    if not copied:
        migrate.upgrade(db.get_engine(app))
    yield app
    lti_state.get_state_store(app).close()
    db.get_engine(app).dispose()


@pytest.fixture
def state_app(
    app_config: dict[str, Any], state_backend: dict[str, Any], migrated_sqlite_template: Path
) -> Iterator[Flask]:
    """The tool with its LTI state in the backend ``state_backend`` names."""
    yield from _migrated({**app_config, **state_backend}, migrated_sqlite_template)


@pytest.fixture
def platform(state_app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(state_app, key_server)


def _raw(app: Flask) -> redis.Redis:
    return redis.Redis.from_url(app.config["REDIS_URL"])


def _store(app: Flask) -> RedisStateStore:
    store = lti_state.get_state_store(app)
    assert isinstance(store, RedisStateStore), store
    return store


# --- the existing tests, unchanged, with the state in Redis ----------------------------------

STORE_TESTS = [
    state_scenarios.state_and_nonce_are_used_once,
    state_scenarios.a_nonce_cannot_be_reused_under_a_new_state,
    state_scenarios.expired_state_is_not_found,
    state_scenarios.launch_records_round_trip,
]


@ON_REDIS
@pytest.mark.parametrize("check", STORE_TESTS, ids=lambda test: test.__name__)
def test_store_rules_hold_on_redis(state_app: Flask, check: Callable[[Flask], None]) -> None:
    assert _store(state_app).name == "redis"
    check(state_app)


REPLAY_TESTS = [
    state_scenarios.replay_in_the_same_browser_is_refused,
    state_scenarios.forged_state_is_refused,
    state_scenarios.wrong_nonce_is_refused,
]


@ON_REDIS
@pytest.mark.e2e
@pytest.mark.parametrize("check", REPLAY_TESTS, ids=lambda test: test.__name__)
def test_lti1p3platform_refusals_hold_on_redis(
    state_app: Flask, platform: Platform, check: Callable[[Any, Platform], None]
) -> None:
    check(state_app.test_client(), platform)


@ON_REDIS
@pytest.mark.e2e
@pytest.mark.parametrize(
    "check",
    [
        state_scenarios.replay_from_another_client_is_refused,
        state_scenarios.stolen_token_before_use_needs_the_victims_browser,
    ],
    ids=lambda test: test.__name__,
)
def test_lti1p3platform_browser_binding_holds_on_redis(
    state_app: Flask, platform: Platform, check: Callable[[Flask, Platform], None]
) -> None:
    check(state_app, platform)


@ON_REDIS
def test_platform_removed_by_another_process_cannot_launch_on_redis(
    state_app: Flask, key_server: KeySetServer, tmp_path: Path
) -> None:
    clock = Clock()
    db.get_storage(state_app).registrations.clock = clock
    platform = registered_platform(
        state_app, key_server, client_id="client-1", deployment_ids=["dep-a"]
    )
    state_scenarios.platform_removed_by_another_process_cannot_launch(
        state_app, platform, clock, tmp_path
    )


# --- the same launch on both stores ----------------------------------------------------------


def test_launch_leaves_no_state_in_the_cookie_and_one_record_in_the_store(
    state_app: Flask, platform: Platform, state_backend: dict[str, Any]
) -> None:
    client = state_app.test_client()
    assert platform.launch(client, [INSTRUCTOR]).status_code == 303
    assert client.get(HOME).status_code == 200
    cookie = client.get_cookie("__Host-intervision", domain="tool.test")
    # launch ids and a person fingerprint only, never the claims (a kilobyte and more)
    assert cookie is not None and len(cookie.value) < 300
    if state_backend["REDIS_URL"]:
        prefix = state_backend["REDIS_KEY_PREFIX"]
        keys = {key.decode() for key in _raw(state_app).scan_iter(f"{prefix}*")}
        assert [k.split(":")[2] for k in sorted(keys)] == ["launch", "nonce"], keys


# --- what only Redis has ---------------------------------------------------------------------


@ON_REDIS
def test_keys_carry_their_lifetimes_and_never_the_browser_secret(state_app: Flask) -> None:
    store, raw = _store(state_app), _raw(state_app)
    with state_app.test_request_context():
        state_scenarios.save_login("state-ttl", "nonce-ttl")
        stored = raw.get(store.state_key("state-ttl"))
        assert stored is not None
        assert "browser-secret" not in stored.decode()
        assert json.loads(stored)["browser"] == state_store.browser_hash("browser-secret")
        assert 290_000 < raw.pttl(store.state_key("state-ttl")) <= 300_000

        login = state_store.load_login_state("state-ttl")
        assert login is not None
        state_store.consume(login, "https://lms.test", "nonce-ttl", timedelta(seconds=420))
        assert raw.exists(store.state_key("state-ttl")) == 0
        assert 410_000 < raw.pttl(store.nonce_key("https://lms.test", "nonce-ttl")) <= 420_000

        state_store.save_launch("launch-ttl", {"claims": {}}, timedelta(hours=8))
        assert 8 * 3600_000 - 10_000 < raw.pttl(store.launch_key("launch-ttl")) <= 8 * 3600_000


@ON_REDIS
def test_a_nonce_is_per_issuer(state_app: Flask) -> None:
    with state_app.test_request_context():
        state_store.save_login_state(
            state="state-other-iss", nonce="n", issuer="https://other.test", client_id="c",
            target_link_uri="https://tool.test/lti/launch", browser_secret="s",
            deployment_hint=None, lifetime=LIFETIME,
        )  # fmt: skip
        state_scenarios.save_login("state-lms", "n")
        for state, issuer in (("state-other-iss", "https://other.test"), ("state-lms", "x")):
            login = state_store.load_login_state(state)
            assert login is not None
            state_store.consume(login, issuer, "n", LIFETIME)
        assert state_store.nonce_was_used("https://other.test", "n")
        assert not state_store.nonce_was_used("https://lms.test", "n")


def _race(workers: int, attempt: Callable[[int], None]) -> list[str]:
    """Start ``workers`` threads at one barrier; the outcome name of each attempt."""
    barrier = threading.Barrier(workers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait()
        try:
            attempt(index)
            outcome = "consumed"
        except Exception as problem:  # noqa: BLE001 (the outcome is what we count)
            outcome = type(problem).__name__
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@ON_REDIS
def test_concurrent_consumers_of_one_state_get_exactly_one_success(state_app: Flask) -> None:
    store = _store(state_app)
    with state_app.test_request_context():
        state_scenarios.save_login("state-race", "nonce-race")
        login = state_store.load_login_state("state-race")
    assert login is not None
    outcomes = _race(16, lambda i: store.consume(login, "https://lms.test", f"n-{i}", LIFETIME))
    assert outcomes == ["StateAlreadyUsed"] * 15 + ["consumed"], outcomes


@ON_REDIS
def test_concurrent_states_sharing_a_nonce_get_exactly_one_success(state_app: Flask) -> None:
    store = _store(state_app)
    logins = []
    with state_app.test_request_context():
        for i in range(16):
            state_scenarios.save_login(f"state-{i}", "shared")
            logins.append(state_store.load_login_state(f"state-{i}"))
    outcomes = _race(
        16,
        lambda i: store.consume(logins[i], "https://lms.test", "shared", LIFETIME),  # type: ignore[arg-type]
    )
    assert outcomes == ["NonceAlreadyUsed"] * 15 + ["consumed"], outcomes
    # A refused state was left as it was (as the database rolls back): only the winner's is gone.
    remaining = sum(store._client.exists(store.state_key(f"state-{i}")) for i in range(16))
    assert remaining == 15


@ON_REDIS
@pytest.mark.e2e
def test_replay_on_another_app_server_sharing_the_redis_is_refused(
    state_app: Flask, platform: Platform, app_config: dict[str, Any]
) -> None:
    """Two app servers (two apps, one database, one Redis): a token used on one is dead on both."""
    other_server = create_app({**app_config, **{k: state_app.config[k] for k in (
        "DATABASE_URL", "REDIS_URL", "REDIS_KEY_PREFIX")}})  # fmt: skip
    victim = state_app.test_client()
    auth = platform.start_login(victim)
    token = platform.real_id_token(auth, [INSTRUCTOR])
    assert platform.post_launch(victim, auth, token).status_code == 303
    attacker = other_server.test_client()
    attacker.set_cookie(f"lti1p3-{auth['state']}", "guess", domain="tool.test", path="/lti/")
    refused = platform.post_launch(attacker, auth, token)
    assert_refused(refused, attacker, 400, reason="ReplayedLaunch")
    # The other server restores the victim's launch from the shared store (sessions are shared
    # through SECRET_KEY), so any server can answer any request.
    session_cookie = victim.get_cookie("__Host-intervision", domain="tool.test")
    assert session_cookie is not None
    follower = other_server.test_client()
    follower.set_cookie("__Host-intervision", session_cookie.value, domain="tool.test")
    assert follower.get(HOME).status_code == 200
    lti_state.get_state_store(other_server).close()
    db.get_engine(other_server).dispose()


@ON_REDIS
def test_healthz_reports_redis(state_app: Flask) -> None:
    response = state_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.fixture
def unreachable_redis_app(
    app_config: dict[str, Any], migrated_sqlite_template: Path
) -> Iterator[Flask]:
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        closed = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    yield from _migrated({**app_config, "REDIS_URL": closed}, migrated_sqlite_template)


def test_redis_down_gives_503_pages_not_500s(
    unreachable_redis_app: Flask, key_server: KeySetServer
) -> None:
    platform = registered_platform(unreachable_redis_app, key_server)
    client = unreachable_redis_app.test_client()
    login = client.get(platform.login_initiation_url("user-1") + "&lti1p3_new_window=1")
    page = login.get_data(as_text=True)
    assert login.status_code == 503, page[:300]
    assert "briefly unavailable" in page and "Reference:" in page and "Traceback" not in page
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "error", "database": "ok", "redis": "unavailable"}


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379", "redis:///0", "127.0.0.1:6379"])
def test_a_wrong_redis_url_fails_at_start_with_the_fix(
    app_config: dict[str, Any], url: str
) -> None:
    with pytest.raises(ConfigError, match=r"redis://host:6379/0.*unset it"):
        create_app({**app_config, "REDIS_URL": url})
