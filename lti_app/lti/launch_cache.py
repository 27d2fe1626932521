"""Per-process cache of restored launches: every request of a launched page restores its launch.

Why: restoring meant a read of the launch record and parsing its claims on every request (a
sign-up spent about 7 % of its CPU there, ``docs/testing.md``). A launch record never changes
after the launch stored it (a new launch gets a new id), so each process may keep the parsed
``Launch`` by launch id, bounded by what the record itself allows:

- never past the record's own expiry (``expires_at`` in the record, set by the launch a moment
  *before* the store's, so a cached launch ends no later than the record): an expired launch is
  a 401 in every process, as before;
- never longer than ``ttl`` seconds (``LTI_LAUNCH_CACHE_SECONDS``, default 60; 0 turns the cache
  off), so whatever removes records some other way (a prune, an erasure, Redis) is seen by every
  process within that time;
- a record without ``expires_at`` (stored before this cache) is not cached;
- at most ``max_entries`` launches (the least recently used go first).

Who may use a launch is not decided here: ``current.load_current_launch`` accepts a launch id
only if the browser's signed session holds it, before it looks in the cache, so a cached launch
is served to exactly the browsers that the store would have served it to.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from lti_app.lti.launch import Launch

DEFAULT_TTL_SECONDS = 60.0
DEFAULT_MAX_ENTRIES = 10_000
EXPIRES_AT = "expires_at"  # in the launch record: when the store lets it go (Unix seconds)


@dataclass
class LaunchCache:
    """Restored launches by launch id; thread-safe (gunicorn's threads share one process)."""

    ttl: float = DEFAULT_TTL_SECONDS
    max_entries: int = DEFAULT_MAX_ENTRIES
    clock: Callable[[], float] = time.time  # wall clock: record expiries are wall-clock times
    _entries: OrderedDict[str, tuple[float, Launch]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, launch_id: str) -> Launch | None:
        """The cached launch, or None (never cached, expired, or evicted)."""
        with self._lock:
            entry = self._entries.get(launch_id)
            if entry is None:
                return None
            if self.clock() >= entry[0]:
                del self._entries[launch_id]
                return None
            self._entries.move_to_end(launch_id)
            return entry[1]

    def put(self, launch: Launch, record_expires_at: object) -> None:
        """Keep ``launch`` until its record expires or ``ttl`` passes, whichever is first."""
        if self.ttl <= 0 or not isinstance(record_expires_at, int | float):
            return
        until = min(self.clock() + self.ttl, float(record_expires_at))
        with self._lock:
            if until <= self.clock():
                return
            self._entries[launch.launch_id] = (until, launch)
            self._entries.move_to_end(launch.launch_id)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
