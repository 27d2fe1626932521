"""Per-process cache of platform registrations: login and launch read them on every request.

Why: a login + launch read the registration and its deployments five times (~6 ms of a 14 ms
round trip, `docs/testing.md`). Registrations change rarely (``platform add/remove``, dynamic
registration), so each process keeps an immutable snapshot per (issuer, client_id) for at most
``ttl`` seconds (``LTI_REGISTRATION_CACHE_SECONDS``, default 30).

What the TTL bounds, with several processes or app servers sharing one database:

- additions are seen at once everywhere: a miss is never cached, and an unknown deployment
  reloads the entry once before the launch is refused;
- changes committed through this process clear its cache at commit (``registrations_repo``
  marks the session, ``db`` listens for ``after_commit``);
- a removal made by another process: that process's login may still answer (it only stores a
  state row and redirects to the platform) for at most ``ttl`` seconds; a *launch* is refused at
  once, because it re-checks the exact registration and deployment inside its write transaction
  (``launch_commit``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_TTL_SECONDS = 30.0


@dataclass(frozen=True)
class PlatformRecord:
    """A registration with its deployment ids (in the order they were added), detached from
    any database session."""

    id: int
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    auth_audience: str | None
    jwks_url: str
    frame_origins: tuple[str, ...]
    title: str | None
    deployment_ids: tuple[str, ...]


CacheKey = tuple[str, str | None]


@dataclass
class RegistrationCache:
    """Snapshots by (issuer, client_id or None); thread-safe, invalidation-aware."""

    ttl: float = DEFAULT_TTL_SECONDS
    clock: Callable[[], float] = time.monotonic
    _entries: dict[CacheKey, tuple[float, PlatformRecord]] = field(default_factory=dict)
    _generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(
        self,
        key: CacheKey,
        load: Callable[[], PlatformRecord | None],
        *,
        refresh: bool = False,
    ) -> PlatformRecord | None:
        """The cached snapshot, or ``load()`` it; a snapshot loaded across an
        invalidation is returned but not kept (it may predate the change)."""
        with self._lock:
            entry = self._entries.get(key)
            generation = self._generation
        if entry is not None and not refresh and self.clock() < entry[0]:
            return entry[1]
        record = load()
        with self._lock:
            if record is None:
                self._entries.pop(key, None)
            elif generation == self._generation:
                self._entries[key] = (self.clock() + self.ttl, record)
        return record

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()
