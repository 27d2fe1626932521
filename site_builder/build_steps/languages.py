"""The language switcher's entries, the same for every engine's build of a language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from site_builder.course.translation_files import LANGUAGE_NAMES


def alternates(language: str, every: Sequence[str]) -> list[dict[str, Any]]:
    """Material's `extra.alternate`: each language's root relative to this build's root
    (the switcher partial appends the page's URL, so it links the same page)."""
    source = every[0]
    up = "" if language == source else "../"
    return [
        {
            "name": LANGUAGE_NAMES.get(other, other),
            "lang": other,
            "link": "./" if other == language else up + ("" if other == source else f"{other}/"),
            "current": other == language,
        }
        for other in every
    ]
