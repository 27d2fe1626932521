"""One shape for everything wrong with what an instructor typed: field, and what to do about it.

Forms show each message next to its field and save nothing; so checks return every problem at
once (a tuple) instead of raising at the first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """``field`` names the form field; ``message`` says what is wrong and how to fix it."""

    field: str
    message: str
