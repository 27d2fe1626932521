"""A settable clock for the tool's injectable ``clock`` callables: time moves only when a test
moves it, so expiry and intervals are checked without sleeping."""

from __future__ import annotations


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
