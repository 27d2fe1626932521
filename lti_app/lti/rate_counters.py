"""In-process counters for the fixed-window rate limits, expired lazily.

Why not ``limits``' own ``MemoryStorage``: it starts a new timer thread 10 ms after every hit
and sweeps all keys in it, which cost ~2 ms of waiting per learner's login + launch (a thread
start blocks until the thread runs) and, with a key per learner, a sweep over thousands of
keys a hundred times a second. Here a key that is read after its window is simply gone, and
keys nobody reads again are swept at most once a minute, inline (``storage.throttle``).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from limits.storage import Storage

from lti_app.storage.throttle import Throttle

SWEEP_INTERVAL_SECONDS = 60.0


class LazyMemoryStorage(Storage):
    """A ``limits`` storage (fixed windows only): counter and expiry time per key."""

    STORAGE_SCHEME = ["intervision-memory"]

    def __init__(self, uri: str | None = None, **options: Any) -> None:
        self._counts: dict[str, int] = {}
        self._expires: dict[str, float] = {}
        self._lock = threading.Lock()
        self._sweep = Throttle(SWEEP_INTERVAL_SECONDS)
        super().__init__(uri, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return ValueError

    def _drop_expired(self, key: str, now: float) -> None:
        if self._expires.get(key, 0.0) <= now:
            self._counts.pop(key, None)
            self._expires.pop(key, None)

    def _sweep_all(self, now: float) -> None:
        for key in [key for key, at in self._expires.items() if at <= now]:
            self._drop_expired(key, now)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            if self._sweep.due():
                self._sweep_all(now)
            self._drop_expired(key, now)
            count = self._counts.get(key, 0) + amount
            self._counts[key] = count
            if count == amount:  # a new window starts at the key's first hit
                self._expires[key] = now + expiry
            return count

    def get(self, key: str) -> int:
        with self._lock:
            self._drop_expired(key, time.time())
            return self._counts.get(key, 0)

    def get_expiry(self, key: str) -> float:
        with self._lock:
            return self._expires.get(key, time.time())

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            count = len(self._counts)
            self._counts.clear()
            self._expires.clear()
            return count

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)
            self._expires.pop(key, None)
