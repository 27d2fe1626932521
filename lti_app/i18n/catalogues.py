"""Loading the areas' ``.po`` files straight into gettext translations, once per locale.

No ``.mo`` files and no build step: the first request in a language reads that language's
``.po`` of every area (``babel.messages.pofile``), compiles it in memory (``write_mo``) and
merges the areas into one ``babel.support.Translations``; it is kept for the process's life.
Fuzzy entries are not used (Babel skips them), so a half-checked translation shows English.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from lti_app.i18n import pseudo
from lti_app.i18n.areas import AREAS, TRANSLATED_LOCALES, Area
from lti_app.i18n.locales import PSEUDO

_cache: dict[str, NullTranslations] = {}
_lock = threading.Lock()


def read_catalog(area: Area, locale: str) -> Catalog | None:
    """The area's catalogue for ``locale`` as Babel reads it, or None if it has none."""
    path = area.po_path(locale)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain="messages")


def _compiled(catalog: Catalog) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)


def _pseudo_catalog(areas: Iterable[Area]) -> Catalog:
    """Every msgid of every area (read from the Dutch catalogues, which the catalogue check
    keeps complete), each translated by :func:`pseudo.transform`."""
    result = Catalog(locale="en", fuzzy=False)
    for area in areas:
        source = read_catalog(area, TRANSLATED_LOCALES[0])
        for message in source or ():
            if not message.id:
                continue
            if isinstance(message.id, str):
                string: str | tuple[str, ...] = pseudo.transform(message.id)
            else:
                string = tuple(pseudo.transform(m) for m in message.id)
            result.add(message.id, string, context=message.context)
    return result


def _load(locale: str) -> NullTranslations:
    if locale == PSEUDO:
        return _compiled(_pseudo_catalog(AREAS))
    if locale not in TRANSLATED_LOCALES:
        return NullTranslations()  # English: the msgids are the text
    merged = Translations()
    for area in AREAS:
        catalog = read_catalog(area, locale)
        if catalog is None:
            continue
        compiled = _compiled(catalog)
        merged.merge(compiled)
        merged.plural = compiled.plural  # merge() does not copy the plural rule
    return merged


def translations_for(locale: str) -> NullTranslations:
    """The merged translations of all areas for one locale (``en`` -> none), cached."""
    found = _cache.get(locale)
    if found is None:
        with _lock:
            found = _cache.get(locale)
            if found is None:
                found = _cache[locale] = _load(locale)
    return found


def forget() -> None:
    """Drop the cache (after ``intervision i18n update`` in a running shell, and in tests)."""
    with _lock:
        _cache.clear()
