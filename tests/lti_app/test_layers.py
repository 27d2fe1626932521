"""The layer rule from docs/architecture.md, checked on every import in ``lti_app/``.

- The ORM model modules (``storage.models`` and every ``storage/*_models.py``) are imported
  only inside ``lti_app/storage/``: repositories hand out frozen records instead.
- SQLAlchemy and Alembic only inside ``lti_app/storage/``.
- pylti1p3 only inside ``lti_app/lti/``.
- ``lti_app/domain/`` imports the standard library, ``lti_app.domain`` and the few pure
  libraries in :data:`DOMAIN_MAY_IMPORT` only (ruff's TID251 bans the best-known offenders
  there too; this also catches everything else).

Imports inside functions and under ``TYPE_CHECKING`` count: they are dependencies all the same.
Tests are not checked (they may build rows directly).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import lti_app

PACKAGE_ROOT = Path(lti_app.__file__).parent
# Every ORM model module: storage/models.py and each storage/<feature>_models.py, found on disk
# so a feature's new models module is covered the day it is written.
ORM_MODULES = ("lti_app.storage.models",) + tuple(
    f"lti_app.storage.{path.stem}"
    for path in sorted((PACKAGE_ROOT / "storage").glob("*_models.py"))
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. lti_app.lti.keys
    target: str  # what it imports, fully qualified, e.g. lti_app.storage.models
    line: int

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_in(source: str, module: str, *, is_package: bool = False) -> Iterator[Import]:
    """Every module ``source`` imports; ``from a import b`` yields ``a`` and ``a.b`` (b may be
    a submodule), relative imports resolved against ``module``."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield Import(module, base, node.lineno)
            for alias in node.names:
                yield Import(module, f"{base}.{alias.name}", node.lineno)


def all_imports() -> list[Import]:
    found: list[Import] = []
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        found.extend(
            imports_in(
                path.read_text(encoding="utf-8"),
                module_name(path),
                is_package=path.name == "__init__.py",
            )
        )
    return found


def _is(target: str, *modules: str) -> bool:
    return any(target == module or target.startswith(module + ".") for module in modules)


# Third-party libraries the domain may use: pure computation, no I/O, no framework. Adding one
# is a design decision: name it here and in docs/architecture.md, with the reason.
DOMAIN_MAY_IMPORT: frozenset[str] = frozenset(
    {
        "dateutil",  # RFC 5545 recurrence rules for sign-up series (domain/signups/recurrence)
    }
)

IMPORTS = all_imports()


def test_the_walk_sees_the_whole_package() -> None:
    importers = {found.module for found in IMPORTS}
    assert {"lti_app.lti.keys", "lti_app.storage.keys_repo", "lti_app.domain.scope"} <= importers


def test_orm_models_stay_inside_storage() -> None:
    leaks = [
        str(found)
        for found in IMPORTS
        if _is(found.target, *ORM_MODULES) and not _is(found.module, "lti_app.storage")
    ]
    assert leaks == [], "use a repository that returns a frozen record instead"


def test_sqlalchemy_and_alembic_only_inside_storage() -> None:
    leaks = [
        str(found)
        for found in IMPORTS
        if _is(found.target, "sqlalchemy", "alembic") and not _is(found.module, "lti_app.storage")
    ]
    assert leaks == []


def test_pylti1p3_only_inside_lti() -> None:
    leaks = [
        str(found)
        for found in IMPORTS
        if _is(found.target, "pylti1p3") and not _is(found.module, "lti_app.lti")
    ]
    assert leaks == []


def test_domain_imports_only_the_standard_library_and_itself() -> None:
    leaks = [
        str(found)
        for found in IMPORTS
        if _is(found.module, "lti_app.domain")
        and not _is(found.target, "lti_app.domain")
        and found.target.partition(".")[0] not in sys.stdlib_module_names
        and found.target.partition(".")[0] not in DOMAIN_MAY_IMPORT
    ]
    assert leaks == []


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        (
            "from lti_app.storage.models import ToolKey",
            "lti_app.lti.keys",
            "lti_app.storage.models",
        ),
        ("from lti_app.storage import models", "lti_app.web.x", "lti_app.storage.models"),
        (
            "from ..storage import outbox_models",
            "lti_app.services.s",
            "lti_app.storage.outbox_models",
        ),
        ("def f():\n    import sqlalchemy.orm\n", "lti_app.web.x", "sqlalchemy.orm"),
        ("from . import roles", "lti_app.domain", "lti_app.domain.roles"),
    ],
)
def test_the_checker_sees_every_import_form(source: str, module: str, expected: str) -> None:
    is_package = module == "lti_app.domain"
    targets = {found.target for found in imports_in(source, module, is_package=is_package)}
    assert expected in targets


def test_every_models_module_is_guarded() -> None:
    """The glob above really finds the feature model modules (else the guard would be empty)."""
    assert {"lti_app.storage.progress_models", "lti_app.storage.signup_models"} <= set(ORM_MODULES)
