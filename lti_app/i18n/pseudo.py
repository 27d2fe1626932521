"""The pseudo-locale: every message transformed so that untranslated text stands out.

``⟦Ŝîĝñ ûþ⟧``: letters accented, the whole wrapped in markers. Placeholders (``%(name)s``,
``{name}``), HTML tags and entities are kept as they are, so a page still renders; a test then
finds any visible text outside the markers (``tests/support/pseudo_locale.py``).
"""

from __future__ import annotations

import re

OPEN, CLOSE = "⟦", "⟧"
_ACCENTED = str.maketrans(
    "abcdeghijklnoprstuwyzABCDEGHIJKLNOPRSTUWYZ",
    "åƀçđéĝĥîĵķļñöþŕšţûŵýžÅßÇĐÉĜĤÎĴĶĻÑÖÞŔŠŢÛŴÝŽ",
)
_KEEP = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif%]|\{[^{}]*\}|<[^>]*>|&\w+;")


def transform(message: str) -> str:
    """The pseudo-translation of one message (idempotent on already-transformed text)."""
    if not message or message.startswith(OPEN):
        return message
    out, last = [], 0
    for match in _KEEP.finditer(message):
        out.append(message[last : match.start()].translate(_ACCENTED))
        out.append(match.group(0))
        last = match.end()
    out.append(message[last:].translate(_ACCENTED))
    return OPEN + "".join(out) + CLOSE
