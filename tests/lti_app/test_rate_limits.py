"""Per-client rate limits on /lti/login and /lti/launch: memory per process, or a real Redis
shared by several app servers. Requests are real test-client requests; nothing is mocked."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from lti_app import create_app
from lti_app.config import ConfigError, settings_from_environment
from lti_app.lti.rate_limits import DEFAULT_LEARNER_LIMIT, DEFAULT_LIMIT
from lti_app.storage import db, migrate
from tests.support.databases import RedisServer

TOOL = "https://tool.test"
LOGIN = TOOL + "/lti/login?iss=https%3A%2F%2Funknown.example&login_hint=u&target_link_uri=x"


def _app(config: dict[str, Any]) -> Flask:
    app = create_app(config)
    migrate.upgrade(db.get_engine(app))
    return app


@pytest.fixture
def limited(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = _app({**app_config, "BASE_URL": TOOL, "LTI_RATE_LIMIT": "3 per minute"})
    yield app
    db.get_engine(app).dispose()


def _statuses(client: FlaskClient, count: int, ip: str = "203.0.113.7", **kwargs: Any) -> list[int]:
    return [
        client.get(LOGIN, environ_base={"REMOTE_ADDR": ip}, **kwargs).status_code
        for _ in range(count)
    ]


def test_login_over_the_limit_gets_a_friendly_429_with_retry_after(limited: Flask) -> None:
    client = limited.test_client()
    assert _statuses(client, 3) == [403, 403, 403]  # unknown platform: refused, but counted
    refused = client.get(LOGIN, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert refused.status_code == 429
    assert "wait a minute" in refused.text and "Reference:" in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "no-store" in refused.headers["Cache-Control"]


def test_the_limit_is_per_client_address_and_per_endpoint(limited: Flask) -> None:
    client = limited.test_client()
    assert _statuses(client, 4)[-1] == 429
    assert _statuses(client, 1, ip="198.51.100.9") == [403]  # another client
    launch = client.post(TOOL + "/lti/launch", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert launch.status_code == 400  # its own counter; still CSRF-exempt (state error)
    assert "sign-in session" in launch.text
    for _ in range(5):  # other pages are not limited
        assert client.get(TOOL + "/lti/setup").status_code == 200


def test_behind_a_proxy_the_forwarded_client_address_counts(app_config: dict[str, Any]) -> None:
    app = _app({**app_config, "BASE_URL": TOOL, "LTI_RATE_LIMIT": "2 per minute", "PROXY_FIX": 1})
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    second = {"X-Forwarded-For": "198.51.100.9", "X-Forwarded-Proto": "https"}
    codes = [client.get(LOGIN, environ_base=proxy, headers=first).status_code for _ in range(3)]
    assert codes == [403, 403, 429]
    assert client.get(LOGIN, environ_base=proxy, headers=second).status_code == 403
    db.get_engine(app).dispose()


def test_one_learner_reloading_is_limited_without_touching_classmates(
    app_config: dict[str, Any],
) -> None:
    """The learner key is address + issuer + login hint (each part matters)."""
    app = _app({**app_config, "BASE_URL": TOOL, "LTI_LEARNER_RATE_LIMIT": "3 per minute"})
    client = app.test_client()
    assert _statuses(client, 4) == [403, 403, 403, 429]
    refused = client.get(LOGIN, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert "opened very often from your browser" in refused.text
    classmate = LOGIN.replace("login_hint=u", "login_hint=v")
    same_nat = {"REMOTE_ADDR": "203.0.113.7"}
    assert client.get(classmate, environ_base=same_nat).status_code == 403
    assert _statuses(client, 1, ip="198.51.100.9") == [403]  # same hint, another network
    other_issuer = LOGIN.replace("unknown.example", "other.example")
    assert client.get(other_issuer, environ_base=same_nat).status_code == 403
    db.get_engine(app).dispose()


def test_the_defaults_fit_a_lecture_and_are_documented() -> None:
    """3000 a minute per address, 30 per learner (tests/lti_app/test_lecture_behind_one_address
    sends 1000 learners through them); docs/admin/production.md names both."""
    assert (DEFAULT_LIMIT, DEFAULT_LEARNER_LIMIT) == ("3000 per minute", "30 per minute")
    production = (Path(__file__).parents[2] / "docs/admin/production.md").read_text()
    for variable, default in (
        ("INTERVISION_LTI_RATE_LIMIT", DEFAULT_LIMIT),
        ("INTERVISION_LTI_LEARNER_RATE_LIMIT", DEFAULT_LEARNER_LIMIT),
    ):
        assert f"| `{variable}` |" in production and f"`{default}`" in production


def test_a_rate_limit_store_that_does_not_answer_never_blocks_a_login(
    app_config: dict[str, Any],
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    app = _app({**app_config, "BASE_URL": TOOL, "REDIS_URL": dead, "LTI_RATE_LIMIT": "1/minute"})
    assert _statuses(app.test_client(), 3) == [403, 403, 403]  # not counted, not a 500
    db.get_engine(app).dispose()


def test_app_servers_sharing_redis_share_the_counters(
    app_config: dict[str, Any], redis_server: RedisServer
) -> None:
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    shared = {
        **app_config,
        "BASE_URL": TOOL,
        "LTI_RATE_LIMIT": "4 per minute",
        "REDIS_URL": redis_server.url,
        "REDIS_KEY_PREFIX": prefix,
    }
    one, two = _app(shared), _app(shared)
    assert _statuses(one.test_client(), 2) == [403, 403]
    assert _statuses(two.test_client(), 3) == [403, 403, 429]  # 2 + 2 used, the 5th refused
    raw = redis.Redis.from_url(redis_server.url)
    assert raw.keys(f"*{prefix}rate*"), "the counters live in the shared Redis"
    db.get_engine(one).dispose()
    db.get_engine(two).dispose()


def test_limit_comes_from_the_environment_and_bad_values_are_refused_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVISION_LTI_RATE_LIMIT", "20 per second")
    assert settings_from_environment(tmp_path)["LTI_RATE_LIMIT"] == "20 per second"
    monkeypatch.setenv("INTERVISION_LTI_RATE_LIMIT", "lots")
    with pytest.raises(ConfigError, match="INTERVISION_LTI_RATE_LIMIT='lots' is not a rate limit"):
        settings_from_environment(tmp_path)
