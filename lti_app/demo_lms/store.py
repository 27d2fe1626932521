"""A small JSON file in the instance folder: the demo course's links, line items and scores.

Why a JSON file: the demo LMS is one process for one newcomer; a readable file they can open
(or delete to start over) beats a schema. Every change is a read-modify-write under one lock and
lands with an atomic rename, so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STORE_VERSION = 1


def empty_state() -> dict[str, Any]:
    return {
        "version": STORE_VERSION,
        "links": [],
        "line_items": {},
        "next_line_item": 1,
        "scores": {},
        "pending_logins": {},
        "pending_deep_links": {},
        "used_assertions": {},
    }


class StoreError(RuntimeError):
    """The store file cannot be read; the message names the file and the fix."""


class JsonStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return empty_state()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"{self.path} is not readable JSON ({exc}); delete it to reset the demo course."
            ) from None
        if not isinstance(data, dict) or data.get("version") != STORE_VERSION:
            raise StoreError(
                f"{self.path} is from another version of the demo; delete it to reset the course."
            )
        state = empty_state()
        state.update(data)
        return state

    def _save(self, state: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".demo_lms.")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=2, ensure_ascii=False)
        os.replace(temporary, self.path)

    def read(self) -> dict[str, Any]:
        with self._lock:
            return self._load()

    @contextmanager
    def change(self) -> Iterator[dict[str, Any]]:
        """Yield the state to modify; it is written back only if the block succeeds."""
        with self._lock:
            state = self._load()
            yield state
            _drop_expired(state, time.time())
            self._save(state)


def _drop_expired(state: dict[str, Any], now: float) -> None:
    """Pending logins, deep links and used assertion ids only matter until they expire."""
    for bucket in ("pending_logins", "pending_deep_links", "used_assertions"):
        entries: dict[str, Any] = state[bucket]
        for key in [k for k, v in entries.items() if _expiry(v) < now]:
            del entries[key]


def _expiry(entry: Any) -> float:
    if isinstance(entry, dict):
        return float(entry.get("expires_at", 0))
    return float(entry)
