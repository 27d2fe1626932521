"""Keeping the catalogues in step with the sources: update them, and find what is missing.

``update`` merges an area's extracted messages into each language's ``.po`` (new messages
empty, similar old translations offered as fuzzy, messages no longer used dropped). ``check``
lists every problem that would show English (or a stale text) to a reader, naming the area,
the file and the msgid; the test suite runs it (tests/lti_app/i18n/test_catalogues.py).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po

from lti_app.i18n.areas import AREAS, PACKAGE, TRANSLATED_LOCALES, Area
from lti_app.i18n.catalogues import read_catalog
from lti_app.i18n.extract import error_classes, extract, parse_sources

PO_WIDTH = 100
HEADER = (
    "# The intervision tool, area {area!r}, in {locale!r}. Kept in step with the sources by\n"
    "# `intervision i18n update --area {area}`; see docs/translating.md."
)


@dataclass(frozen=True)
class Problem:
    area: str
    file: str
    msgid: str
    kind: str  # missing | untranslated | fuzzy | obsolete | invalid

    def __str__(self) -> str:
        return f"{self.area}: {self.file}: {self.kind}: {self.msgid!r}"


def _msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else str(message.id[0])


def _key(message: Message) -> tuple[str, str | None]:
    return _msgid(message), message.context


def _untranslated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return not all(strings)


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=PO_WIDTH, include_lineno=False, sort_output=False)


def templates(areas: tuple[Area, ...] = AREAS) -> dict[str, Catalog]:
    """Each area's freshly extracted template catalogue."""
    trees: dict[str, ast.Module] = parse_sources()
    errors = error_classes(trees)
    return {area.name: extract(area, trees, errors) for area in areas}


def write_template(area: Area, template: Catalog) -> Path:
    """``messages.pot`` beside the area's languages, for translation tools (not committed)."""
    path = area.directory / "messages.pot"
    _write(template, path)
    return path


def update(
    area: Area, template: Catalog, locales: tuple[str, ...] = TRANSLATED_LOCALES
) -> list[Path]:
    """Merge the template into each language's catalogue; create missing ones."""
    written = []
    for locale in locales:
        catalog = read_catalog(area, locale) or Catalog(
            locale=locale,
            project="intervision",
            fuzzy=False,
            header_comment=HEADER.format(area=area.name, locale=locale),
            language_team=f"intervision {locale}",
            last_translator="intervision contributors",
        )
        catalog.update(template, update_header_comment=False, update_creation_date=False)
        catalog.obsolete.clear()
        path = area.po_path(locale)
        _write(catalog, path)
        written.append(path)
    return written


def check(
    area: Area, template: Catalog, locales: tuple[str, ...] = TRANSLATED_LOCALES
) -> list[Problem]:
    """Everything wrong with the area's catalogues against its sources."""
    problems = []
    wanted = {_key(m): m for m in template if m.id}
    for locale in locales:
        path = area.po_path(locale)
        shown = path.relative_to(PACKAGE.parent).as_posix()
        catalog = read_catalog(area, locale)
        if catalog is None:
            problems.append(Problem(area.name, shown, "(the whole catalogue)", "missing"))
            continue
        present = {_key(m): m for m in catalog if m.id}
        for key in wanted:
            message = present.get(key)
            if message is None:
                problems.append(Problem(area.name, shown, key[0], "missing"))
            elif _untranslated(message):
                problems.append(Problem(area.name, shown, key[0], "untranslated"))
            elif message.fuzzy:
                problems.append(Problem(area.name, shown, key[0], "fuzzy"))
        for key in present.keys() - wanted.keys():
            problems.append(Problem(area.name, shown, key[0], "obsolete"))
        for message in catalog.obsolete.values():
            problems.append(Problem(area.name, shown, _msgid(message), "obsolete"))
        for message, errors in catalog.check():
            for error in errors:
                problems.append(
                    Problem(area.name, shown, f"{_msgid(message)} ({error})", "invalid")
                )
    return problems
