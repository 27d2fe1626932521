"""Which languages the tool speaks, and how a platform's or browser's tag maps onto one.

Platforms send BCP 47 tags in every spelling (``nl-NL``, ``nl_BE``, ``de-AT``, ``EN-us``); the
tool has one catalogue per language, so a tag is reduced to its language subtag.
"""

from __future__ import annotations

import re

SUPPORTED: tuple[str, ...] = ("en", "nl", "de")
"""The tool's languages; ``en`` is the source language of every message."""

PSEUDO = "en_001"
"""The test-only pseudo-locale (a real CLDR tag, so Babel formats it; enabled only when the
app's ``INTERVISION_PSEUDO_LOCALE`` is true). Every message is shown transformed, so a test can
see which visible text never went through the catalogue."""

_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_]([A-Za-z0-9]{1,8}))*\s*$")


def language_of(tag: str | None) -> str | None:
    """The lower-case language subtag of a BCP 47 / POSIX tag, or None if it is not one."""
    if not tag:
        return None
    match = _TAG.match(tag.split(".", 1)[0].split("@", 1)[0])
    return match.group(1).lower() if match else None


def normalise(tag: str | None, supported: tuple[str, ...] = SUPPORTED) -> str | None:
    """The supported locale a tag asks for (``nl-BE`` -> ``nl``), or None.

    The pseudo-locale is matched whole (``en-001``) and only if it is in ``supported``.
    """
    if not tag:
        return None
    if PSEUDO in supported and tag.strip().replace("-", "_").lower() == PSEUDO.lower():
        return PSEUDO
    language = language_of(tag)
    return language if language in supported else None


def html_lang(locale: str) -> str:
    """The ``<html lang>`` value for a locale (BCP 47 uses hyphens)."""
    return locale.replace("_", "-")
