"""Parse catalogue.json's data into the typed catalogue: pure, no Flask, no file access.

Checks ``schema`` and ``version`` (docs/catalogue.md), keeps only the fields the tool uses
(unknown fields are ignored, as the versioning policy requires) and skips what this tool version
cannot run: activities of a type not in the kinds table, methods with a phase whose contribution
type it does not know. Every problem raises :class:`CatalogueUnavailable` naming the file, the
field's exact path (``methods[0].phases[2].speakers[1]``) and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lti_app.catalogue.errors import CatalogueUnavailable
from lti_app.catalogue.model import Catalogue, CatalogueActivity, CatalogueModule
from lti_app.domain.activities import CATALOGUE_ACTIVITY_TYPES
from lti_app.domain.methods import (
    ALL_SPEAKERS,
    CASE_BRINGER,
    CONTRIBUTIONS,
    Contribution,
    GroupSize,
    MethodSpec,
    PhaseSpec,
    RoleSpec,
    SourceRef,
)

SCHEMA_ID = "https://intervision.example/schemas/catalogue"
SUPPORTED_VERSIONS = frozenset({1})
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REBUILD_HINT = "Rebuild the site with a matching `intervision build` and restart the tool."


class FieldReader:
    """Walks the JSON and reports the exact field path of the first problem."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> CatalogueUnavailable:
        return CatalogueUnavailable(f"{self.path}: field `{where}` {problem}. {REBUILD_HINT}")

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be a JSON object")
        return value

    def array(self, data: dict[str, Any], key: str, where: str) -> list[Any]:
        value = data.get(key)
        if not isinstance(value, list):
            raise self.fail(f"{where}.{key}", "must be a list")
        return value

    def text(self, data: dict[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{key}", "must be a non-empty string")
        return value

    def slug(self, data: dict[str, Any], key: str, where: str) -> str:
        value = self.text(data, key, where)
        if not _SLUG.match(value):
            raise self.fail(f"{where}.{key}", f"is {value!r}, not a slug like 'peer-feedback-1'")
        return value

    def optional_slug(self, data: dict[str, Any], key: str, where: str) -> str | None:
        return None if data.get(key) is None else self.slug(data, key, where)

    def integer(
        self, data: dict[str, Any], key: str, where: str, minimum: int | None = None
    ) -> int:
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"{where}.{key}", "must be a whole number")
        if minimum is not None and value < minimum:
            raise self.fail(f"{where}.{key}", f"is {value}, less than {minimum}")
        return value

    def boolean(self, data: dict[str, Any], key: str, where: str) -> bool:
        value = data.get(key)
        if not isinstance(value, bool):
            raise self.fail(f"{where}.{key}", "must be true or false")
        return value

    def url(self, data: dict[str, Any], key: str, where: str) -> str:
        value = self.text(data, key, where)
        if (
            value.startswith("/")
            or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value)
            or (".." in value.split("/"))
        ):
            raise self.fail(f"{where}.{key}", f"is {value!r}; it must be relative to the site root")
        return value

    def entries(
        self, data: dict[str, Any], key: str, where: str = ""
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each object of the list ``key``, with its field path (``modules[2]``)."""
        prefix = f"{where}.{key}" if where else key
        for index, raw in enumerate(self.array(data, key, where)):
            place = f"{prefix}[{index}]"
            yield place, self.obj(raw, place)

    def slugs(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        items = self.array(data, key, where)
        for index, item in enumerate(items):
            if not isinstance(item, str) or not _SLUG.match(item):
                raise self.fail(f"{where}.{key}[{index}]", "must be a slug")
        return tuple(items)

    def texts(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        items = self.array(data, key, where)
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{where}.{key}[{index}]", "must be a non-empty string")
        return tuple(items)

    def optional_text(self, data: dict[str, Any], key: str, where: str) -> str | None:
        return None if data.get(key) is None else self.text(data, key, where)


def parse_catalogue(data: Any, path: Path) -> Catalogue:
    """Validate the fields the tool relies on and build the typed catalogue."""
    read = FieldReader(path)
    root = read.obj(data, "(top level)")
    if root.get("schema") != SCHEMA_ID:
        raise read.fail("schema", f"is {root.get('schema')!r}, expected {SCHEMA_ID!r}")
    version = root.get("version")
    if version not in SUPPORTED_VERSIONS or isinstance(version, bool):
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_VERSIONS))
        raise CatalogueUnavailable(
            f"{path}: catalogue version {version!r} is not supported by this tool "
            f"(it reads version {supported}). {REBUILD_HINT}"
        )
    course = read.obj(root.get("course"), "course")
    modules = [(where, _module(read, item, where)) for where, item in read.entries(root, "modules")]
    methods = [
        (where, method)
        for where, item in read.entries(root, "methods")
        if (method := _method(read, item, where)) is not None
    ]
    activities = [
        (where, _activity(read, item, where))
        for where, item in read.entries(root, "activities")
        # Additive types keep version 1: skip what this tool version cannot run.
        if read.text(item, "type", where) in CATALOGUE_ACTIVITY_TYPES
    ]
    _check_unique(read, ((where, module.slug) for where, module in modules))
    _check_unique(read, ((where, method.slug) for where, method in methods))
    _check_unique(read, ((where, activity.id) for where, activity in activities))
    return Catalogue(
        path=path,
        version=int(version),
        course_title=read.text(course, "title", "course"),
        language=str(course.get("language") or "en"),
        modules=tuple(module for _, module in modules),
        methods=tuple(method for _, method in methods),
        activities=tuple(activity for _, activity in activities),
    )


def _module(read: FieldReader, item: dict[str, Any], where: str) -> CatalogueModule:
    return CatalogueModule(
        slug=read.slug(item, "slug", where),
        number=read.integer(item, "number", where),
        title=read.text(item, "title", where),
        summary=read.text(item, "summary", where),
        duration_minutes=read.integer(item, "duration_minutes", where),
        url=read.url(item, "url", where),
        method=read.optional_slug(item, "method", where),
        activities=read.slugs(item, "activities", where),
    )


def _activity(read: FieldReader, item: dict[str, Any], where: str) -> CatalogueActivity:
    return CatalogueActivity(
        id=read.slug(item, "id", where),
        type=read.text(item, "type", where),
        title=read.text(item, "title", where),
        description=read.text(item, "description", where),
        method=read.optional_slug(item, "method", where),
        modules=read.slugs(item, "modules", where),
    )


def _method(read: FieldReader, item: dict[str, Any], where: str) -> MethodSpec | None:
    """The method with its roles and phases; None if a phase's contribution type is newer."""
    roles = [
        RoleSpec(
            id=read.slug(role, "id", at),
            name=read.text(role, "name", at),
            description=read.text(role, "description", at),
        )
        for at, role in read.entries(item, "roles", where)
    ]
    role_ids = {role.id for role in roles}
    if CASE_BRINGER not in role_ids:
        raise read.fail(f"{where}.roles", f"has no role with id {CASE_BRINGER!r}")
    _check_unique(read, ((f"{where}.roles[{i}]", role.id) for i, role in enumerate(roles)))
    phases = []
    for at, phase in read.entries(item, "phases", where):
        contribution = read.text(phase, "contribution", at)
        if contribution not in CONTRIBUTIONS:
            return None  # a new contribution type (additive): this version cannot run it
        phases.append(
            PhaseSpec(
                id=read.slug(phase, "id", at),
                name=read.text(phase, "name", at),
                minutes=read.integer(phase, "minutes", at, minimum=1),
                goal=read.text(phase, "goal", at),
                speakers=_speakers(read, phase, at, role_ids),
                case_bringer_silent=read.boolean(phase, "case_bringer_silent", at),
                contribution=Contribution(contribution),
                prompts=read.texts(phase, "prompts", at),
            )
        )
    if not phases:
        raise read.fail(f"{where}.phases", "must list at least one phase")
    _check_unique(read, ((f"{where}.phases[{i}]", phase.id) for i, phase in enumerate(phases)))
    size = read.obj(item.get("group_size"), f"{where}.group_size")
    method = MethodSpec(
        slug=read.slug(item, "slug", where),
        name=read.text(item, "name", where),
        summary=read.text(item, "summary", where),
        url=read.url(item, "url", where),
        roles=tuple(roles),
        phases=tuple(phases),
        group_size=GroupSize(
            min=read.integer(size, "min", f"{where}.group_size", minimum=2),
            max=read.integer(size, "max", f"{where}.group_size", minimum=2),
        ),
        evidence=read.text(item, "evidence", where),
        sources=tuple(
            SourceRef(
                title=read.text(source, "title", at), url=read.optional_text(source, "url", at)
            )
            for at, source in read.entries(item, "sources", where)
        ),
        also_known_as=read.texts(item, "also_known_as", where),
    )
    total = read.integer(item, "total_minutes", where)
    if total != method.total_minutes:
        raise read.fail(
            f"{where}.total_minutes", f"is {total}, but its phases add up to {method.total_minutes}"
        )
    return method


def _speakers(
    read: FieldReader, phase: dict[str, Any], where: str, role_ids: set[str]
) -> tuple[str, ...]:
    speakers = read.slugs(phase, "speakers", where)
    if not speakers:
        raise read.fail(f"{where}.speakers", "must name at least one role")
    for index, speaker in enumerate(speakers):
        if speaker != ALL_SPEAKERS and speaker not in role_ids:
            known = ", ".join(sorted(role_ids))
            raise read.fail(
                f"{where}.speakers[{index}]",
                f"is {speaker!r}, not one of the method's roles ({known}) or {ALL_SPEAKERS!r}",
            )
    return speakers


def _check_unique(read: FieldReader, placed_keys: Iterable[tuple[str, str]]) -> None:
    """Name the entry's own position, even when skipped entries came before it."""
    seen: set[str] = set()
    for where, key in placed_keys:
        if key in seen:
            raise read.fail(where, f"repeats {key!r}; ids must be unique")
        seen.add(key)
