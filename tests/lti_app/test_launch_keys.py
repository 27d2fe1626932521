"""The platform key cache: real HTTP on loopback, a fake clock, no sleeps."""

from __future__ import annotations

import socket

import pytest

from lti_app.lti.errors import PlatformUnavailable, TokenInvalid
from lti_app.lti.platform_keys import PlatformKeyCache
from tests.support.clock import Clock
from tests.support.platforms import KeySetServer, Platform


@pytest.fixture
def platform(key_server: KeySetServer) -> Platform:
    return Platform("https://lms.test", "c", "d", "https://tool.test", key_server)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(clock: Clock) -> PlatformKeyCache:
    return PlatformKeyCache(
        timeout=(0.5, 0.5), default_ttl=600, min_ttl=300, refetch_interval=60, clock=clock
    )


def test_key_set_is_fetched_once_and_cached(
    cache: PlatformKeyCache, platform: Platform, key_server: KeySetServer
) -> None:
    for _ in range(3):
        assert cache.signing_key(key_server.url, platform.kid, "RS256").key_id == platform.kid
    assert key_server.hits == 1


def test_cache_expires_after_its_ttl(
    cache: PlatformKeyCache, platform: Platform, key_server: KeySetServer, clock: Clock
) -> None:
    cache.signing_key(key_server.url, platform.kid, "RS256")
    clock.now += 601
    cache.signing_key(key_server.url, platform.kid, "RS256")
    assert key_server.hits == 2


def test_unknown_kid_refetches_at_most_once_per_interval(
    cache: PlatformKeyCache, platform: Platform, key_server: KeySetServer, clock: Clock
) -> None:
    cache.signing_key(key_server.url, platform.kid, "RS256")
    clock.now += 61
    platform.rotate_key()
    assert cache.signing_key(key_server.url, platform.kid, "RS256").key_id == platform.kid
    assert key_server.hits == 2
    # Kid spraying right after a refetch does not hammer the platform.
    for _ in range(5):
        with pytest.raises(TokenInvalid):
            cache.signing_key(key_server.url, "sprayed-kid", "RS256")
    assert key_server.hits == 2


def test_stale_key_set_is_served_when_a_refresh_hangs(
    cache: PlatformKeyCache, platform: Platform, key_server: KeySetServer, clock: Clock
) -> None:
    cache.signing_key(key_server.url, platform.kid, "RS256")
    clock.now += 601
    key_server.hang.set()
    assert cache.signing_key(key_server.url, platform.kid, "RS256").key_id == platform.kid
    assert key_server.hits == 2


def test_first_fetch_failure_is_platform_unavailable(
    cache: PlatformKeyCache, key_server: KeySetServer
) -> None:
    key_server.hang.set()
    with pytest.raises(PlatformUnavailable):
        cache.signing_key(key_server.url, "kid", "RS256")


def test_closed_port_is_platform_unavailable(cache: PlatformKeyCache) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PlatformUnavailable):
        cache.signing_key(f"http://127.0.0.1:{port}/jwks", "kid", "RS256")


@pytest.mark.parametrize("alg", ["none", "HS256", None, "ES256"])
def test_disallowed_algorithms_are_refused_without_a_fetch(
    cache: PlatformKeyCache, key_server: KeySetServer, alg: str | None
) -> None:
    with pytest.raises(TokenInvalid):
        cache.signing_key(key_server.url, "kid", alg)
    assert key_server.hits == 0
