"""``N_``: marks an English constant for the catalogue without translating it where it is
defined (module level, outside any request); the code that shows it calls ``gettext`` on it
(e.g. ``web/errors.py`` for HTTP error descriptions)."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    return message
