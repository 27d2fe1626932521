"""Run something at most once per interval per process (pruning expired LTI state)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Throttle:
    interval: float
    clock: Callable[[], float] = time.monotonic
    _next_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def due(self) -> bool:
        """True for the first caller once the interval has passed (then waits again)."""
        now = self.clock()
        with self._lock:
            if now < self._next_at:
                return False
            self._next_at = now + self.interval
            return True
