"""Finding an area's messages in its sources, as a Babel ``Catalog`` (the template, ``.pot``).

Three kinds of source: Python calls (``_``, ``gettext``, ``lazy_gettext``, ``ngettext``, ...),
Jinja templates (``{% trans %}``, ``_()``, ``ngettext``; whitespace trimmed as at run time), and
the words of refusals: the class-level ``title``, ``message`` and ``hint`` strings of every
subclass of ``IntervisionError`` or ``DynamicRegistrationError`` (the domain stays free of
gettext; ``web/errors.py`` and ``web/install.py`` translate them when they render the page).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

from lti_app.i18n.areas import PACKAGE, Area, area_of, source_files

KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
JINJA_OPTIONS = {"trimmed": "true", "extensions": "jinja2.ext.do"}
ERROR_BASES = ("IntervisionError", "DynamicRegistrationError")
ERROR_FIELDS = ("title", "message", "hint")

Found = tuple[str, int, str | tuple[str, ...], str | None]
"""(file relative to lti_app, line, msgid or (singular, plural), context)"""


def _calls(path: Path, relative: str) -> Iterator[Found]:
    method = "python" if path.suffix == ".py" else "jinja2.ext:babel_extract"
    options = {} if path.suffix == ".py" else JINJA_OPTIONS
    for line, message, _comments, context in extract_from_file(
        method, str(path), keywords=KEYWORDS, options=options, strip_comment_tags=True
    ):
        yield relative, line, message, context


def error_classes(trees: dict[str, ast.Module]) -> set[str]:
    """Names of classes that (transitively, by base name) subclass IntervisionError."""
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                names = {
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                }
                bases.setdefault(node.name, set()).update(names)
    errors = set(ERROR_BASES)
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in errors and parents & errors:
                errors.add(name)
                changed = True
    return errors


def _error_words(relative: str, tree: ast.Module, errors: set[str]) -> Iterator[Found]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef) or node.name not in errors:
            continue
        for statement in node.body:
            target, value = None, None
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
            elif isinstance(statement, ast.AnnAssign):
                target, value = statement.target, statement.value
            if (
                isinstance(target, ast.Name)
                and target.id in ERROR_FIELDS
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                yield relative, statement.lineno, value.value, None


def parse_sources() -> dict[str, ast.Module]:
    """The syntax trees of every translated Python file (the CLI, demo LMS and migrations are
    left out: they define no refusal a person sees)."""
    trees = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if area_of(relative) is not None:
            trees[relative] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return trees


def extract(
    area: Area, trees: dict[str, ast.Module] | None = None, errors: set[str] | None = None
) -> Catalog:
    """The area's template catalogue: every message its sources use, with their locations.

    ``trees`` (from :func:`parse_sources`) and ``errors`` (from :func:`error_classes`) save
    re-parsing when extracting several areas.
    """
    catalog = Catalog(project="intervision", locale=None, fuzzy=False)
    trees = trees if trees is not None else parse_sources()
    errors = errors if errors is not None else error_classes(trees)
    for path in source_files(area):
        relative = path.relative_to(PACKAGE).as_posix()
        found = list(_calls(path, relative))
        if path.suffix == ".py":
            found += _error_words(relative, trees[relative], errors)
        for file, line, message, context in found:
            if not message or (isinstance(message, tuple) and not message[0]):
                continue
            catalog.add(message, None, [(file, line)], context=context)
    return catalog
