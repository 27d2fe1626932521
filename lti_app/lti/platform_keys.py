"""Platform signing keys: fetched with a timeout, cached, refetched once on an unknown ``kid``.

pylti1p3 downloads the key set on every launch with no timeout (a hung platform blocks a worker
for good), and its optional cache never reloads, so a platform key rotation breaks launches until
the TTL ends (research: security-and-performance.md §2). This cache fixes both, and serves the
last good key set when a refresh fails. It is per process; key sets are public, small and cheap
to refetch, so sharing them between workers is not worth a round trip to the database.

No lock is held across platforms during I/O: each key-set URL has its own lock (one download
per URL at a time, the others wait for its result, at most its deadline), so a platform whose
key set trickles in delays only its own launches. Downloads go through ``lti.http.fetch``
(deadline, size cap, checked addresses); a redirect hop must stay on the registration's hosts.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests

from lti_app.lti.errors import PlatformUnavailable, TokenInvalid
from lti_app.lti.http import BoundedResponse, FetchFailure, fetch_json, outbound_session
from lti_app.lti.outbound_policy import check_platform_url, hosts_of

log = logging.getLogger(__name__)


class PlatformAddressRefused(PlatformUnavailable):
    """The key set's URL or address is one the tool may not call (``outbound_policy``)."""

    status = 403
    title = "The learning platform's key set is at an address this tool may not call"
    message = (
        "To check the launch, this tool must fetch the platform's signing keys, but their "
        "address is inside this tool's own network (or not on the platform's registered hosts). "
        "If your platform runs on your campus network, your administrator lists its origin in "
        "INTERVISION_OUTBOUND_ALLOW."
    )


ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512")
MAX_KEY_SET_BYTES = 512 * 1024
_MAX_AGE = re.compile(r"max-age=(\d+)")


@dataclass
class _Entry:
    keys: list[dict[str, Any]]
    fetched_at: float
    fresh_until: float


@dataclass
class PlatformKeyCache:
    """Key sets by URL. ``timeout`` is requests' (connect, read) in seconds."""

    timeout: tuple[float, float] = (3.05, 5.0)
    default_ttl: int = 3600
    min_ttl: int = 300
    max_ttl: int = 86400
    refetch_interval: int = 60
    clock: Callable[[], float] = time.monotonic
    session: requests.Session = field(default_factory=outbound_session)
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _url_locks: dict[str, threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)  # the two dicts; never I/O

    def signing_key(
        self,
        key_set_url: str,
        kid: str | None,
        alg: str | None,
        hosts: Collection[str] = (),
    ) -> jwt.PyJWK:
        """The platform's public key named by the token header; refuses unknown algorithms.

        ``hosts``: where a redirect of the key set may lead (the registration's hosts; the key
        set URL's own host is always allowed)."""
        if alg not in ALLOWED_ALGORITHMS:
            raise TokenInvalid(f"id_token alg {alg!r} is not allowed (RS256/384/512 only)")
        if not kid:
            raise TokenInvalid("id_token header has no kid")
        allowed = hosts_of([key_set_url]) | {host.lower() for host in hosts}
        entry = self._current(key_set_url, allowed)
        key = _find(entry.keys, kid, alg)
        if key is None and self.clock() - entry.fetched_at >= self.refetch_interval:
            log.info("unknown kid from %s: refetching its key set", key_set_url)
            entry = self._refresh_once(key_set_url, allowed, since=entry.fetched_at)
            key = _find(entry.keys, kid, alg)
        if key is None:
            raise TokenInvalid("id_token kid is not in the platform's key set")
        try:
            return jwt.PyJWK(key, algorithm=alg)
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError) as error:
            raise TokenInvalid(f"platform key {kid!r} is not a usable RSA key: {error}") from None

    def _cached(self, url: str) -> _Entry | None:
        with self._lock:
            return self._entries.get(url)

    def _lock_for(self, url: str) -> threading.Lock:
        with self._lock:
            return self._url_locks.setdefault(url, threading.Lock())

    def _current(self, url: str, hosts: frozenset[str]) -> _Entry:
        entry = self._cached(url)
        if entry is not None and self.clock() < entry.fresh_until:
            return entry
        return self._refresh_once(url, hosts, since=None)

    def _refresh_once(self, url: str, hosts: frozenset[str], since: float | None) -> _Entry:
        """Download ``url`` unless another thread did while this one waited for its lock
        (fresh again, or fetched after ``since``). The wait is bounded by one download."""
        url_lock = self._lock_for(url)
        if not url_lock.acquire(timeout=sum(self.timeout) + 1.0):
            stale = self._cached(url)
            if stale is not None:
                return stale
            raise PlatformUnavailable(f"key set {url} is still being fetched by another launch")
        try:
            entry = self._cached(url)
            if entry is not None:
                fresh = self.clock() < entry.fresh_until
                if (since is None and fresh) or (since is not None and entry.fetched_at > since):
                    return entry
            return self._refresh(url, entry, hosts)
        finally:
            url_lock.release()

    def _refresh(self, url: str, stale: _Entry | None, hosts: frozenset[str]) -> _Entry:
        try:
            keys, ttl = self._download(url, hosts)
        except PlatformUnavailable:
            if stale is None:
                raise
            log.warning("key set %s could not be refreshed; serving the cached copy", url)
            return stale
        now = self.clock()
        entry = _Entry(keys=keys, fetched_at=now, fresh_until=now + ttl)
        with self._lock:
            self._entries[url] = entry
        return entry

    def _download(self, url: str, hosts: frozenset[str]) -> tuple[list[dict[str, Any]], int]:
        def refusal(failure: FetchFailure) -> PlatformUnavailable:
            if failure.kind in ("unreachable", "timeout"):
                return PlatformUnavailable(f"key set {url} failed: {failure.error_type}")
            if failure.kind == "status":
                return PlatformUnavailable(f"key set {url} answered HTTP {failure.status}")
            if failure.kind == "too_large":
                return PlatformUnavailable(
                    f"key set {url} is larger than {MAX_KEY_SET_BYTES} bytes"
                )
            if failure.kind == "too_slow":
                return PlatformUnavailable(f"key set {url} did not arrive in time")
            if failure.kind == "refused":
                return PlatformAddressRefused(f"key set {url} refused: {failure.detail}")
            return PlatformUnavailable(f"key set {url} is not JSON")

        # Redirects are followed (a key set is public and carries no credentials), each hop
        # only to the registration's hosts, each connection to a checked address.
        response, document = fetch_json(
            self.session,
            url,
            max_bytes=MAX_KEY_SET_BYTES,
            timeout=self.timeout,
            error=refusal,
            allow_redirects=True,
            check_redirect=lambda hop: check_platform_url(hop, hosts, what="key set redirect"),
        )
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, list):
            raise PlatformUnavailable(f"key set {url} has no 'keys' list")
        return [key for key in keys if isinstance(key, dict)], self._ttl(response)

    def _ttl(self, response: BoundedResponse) -> int:
        match = _MAX_AGE.search(response.headers.get("Cache-Control", ""))
        ttl = int(match.group(1)) if match else self.default_ttl
        return max(self.min_ttl, min(self.max_ttl, ttl))


def _find(keys: list[dict[str, Any]], kid: str, alg: str) -> dict[str, Any] | None:
    for key in keys:
        if key.get("kid") == kid and key.get("kty") == "RSA" and key.get("alg", alg) == alg:
            return key
    return None
