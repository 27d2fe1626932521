"""Read ``catalogue.json`` from the built site: the one contract with the courseware build.

The tool never imports site_builder; it reads the file the build wrote, checks ``schema`` and
``version`` (docs/catalogue.md), keeps only the fields it uses (unknown fields are ignored, as the
versioning policy requires) and caches the result until the file's mtime or size changes.
Every problem raises :class:`CatalogueError` naming the file, the field and the fix.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

CATALOGUE_FILE = "catalogue.json"
SCHEMA_ID = "https://intervision.example/schemas/catalogue"
SUPPORTED_VERSIONS = frozenset({1})
ACTIVITY_TYPES = frozenset({"signup", "peer-feedback"})
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_REBUILD_HINT = "Rebuild the site with a matching `intervision build` and restart the tool."


class CatalogueError(Exception):
    """catalogue.json is missing, unreadable or not a version this tool reads."""


@dataclass(frozen=True)
class CatalogueModule:
    slug: str
    number: int
    title: str
    summary: str
    duration_minutes: int
    url: str
    method: str | None
    activities: tuple[str, ...]


@dataclass(frozen=True)
class CatalogueMethod:
    slug: str
    name: str
    summary: str
    url: str


@dataclass(frozen=True)
class CatalogueActivity:
    id: str
    type: str
    title: str
    description: str
    method: str | None
    modules: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    path: Path
    version: int
    course_title: str
    language: str
    modules: tuple[CatalogueModule, ...]
    methods: tuple[CatalogueMethod, ...]
    activities: tuple[CatalogueActivity, ...]

    def module(self, slug: str) -> CatalogueModule | None:
        return next((module for module in self.modules if module.slug == slug), None)

    def method(self, slug: str) -> CatalogueMethod | None:
        return next((method for method in self.methods if method.slug == slug), None)

    def activity(self, activity_id: str) -> CatalogueActivity | None:
        return next((item for item in self.activities if item.id == activity_id), None)

    def activities_of_type(self, kind: str) -> tuple[CatalogueActivity, ...]:
        return tuple(item for item in self.activities if item.type == kind)

    def module_for_url(self, relative_url: str) -> CatalogueModule | None:
        """The module whose page is served at ``relative_url`` (with or without index.html)."""
        wanted = _normalise_page_url(relative_url)
        return next((m for m in self.modules if _normalise_page_url(m.url) == wanted), None)


def _normalise_page_url(url: str) -> str:
    url = url.split("#", 1)[0].split("?", 1)[0].lstrip("./")
    return url.removesuffix("index.html").rstrip("/")


class _Reader:
    """Walks the JSON and reports the exact field path of the first problem."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> CatalogueError:
        return CatalogueError(f"{self.path}: field `{where}` {problem}. {_REBUILD_HINT}")

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

    def integer(self, data: dict[str, Any], key: str, where: str) -> int:
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"{where}.{key}", "must be a whole number")
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

    def entries(self, root: dict[str, Any], key: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each object of the top-level list ``key``, with its field path (``modules[2]``)."""
        for index, raw in enumerate(self.array(root, key, "")):
            where = f"{key}[{index}]"
            yield where, self.obj(raw, where)

    def slugs(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        items = self.array(data, key, where)
        for index, item in enumerate(items):
            if not isinstance(item, str) or not _SLUG.match(item):
                raise self.fail(f"{where}.{key}[{index}]", "must be a slug")
        return tuple(items)


def parse_catalogue(data: Any, path: Path) -> Catalogue:
    """Validate the fields the tool relies on and build the typed catalogue."""
    read = _Reader(path)
    root = read.obj(data, "(top level)")
    if root.get("schema") != SCHEMA_ID:
        raise read.fail("schema", f"is {root.get('schema')!r}, expected {SCHEMA_ID!r}")
    version = root.get("version")
    if version not in SUPPORTED_VERSIONS or isinstance(version, bool):
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_VERSIONS))
        raise CatalogueError(
            f"{path}: catalogue version {version!r} is not supported by this tool "
            f"(it reads version {supported}). {_REBUILD_HINT}"
        )
    course = read.obj(root.get("course"), "course")
    modules = []
    module_places: list[str] = []
    for where, item in read.entries(root, "modules"):
        module_places.append(where)
        modules.append(
            CatalogueModule(
                slug=read.slug(item, "slug", where),
                number=read.integer(item, "number", where),
                title=read.text(item, "title", where),
                summary=read.text(item, "summary", where),
                duration_minutes=read.integer(item, "duration_minutes", where),
                url=read.url(item, "url", where),
                method=read.optional_slug(item, "method", where),
                activities=read.slugs(item, "activities", where),
            )
        )
    methods = []
    for where, item in read.entries(root, "methods"):
        methods.append(
            CatalogueMethod(
                slug=read.slug(item, "slug", where),
                name=read.text(item, "name", where),
                summary=read.text(item, "summary", where),
                url=read.url(item, "url", where),
            )
        )
    activities = []
    activity_places: list[str] = []
    for where, item in read.entries(root, "activities"):
        kind = read.text(item, "type", where)
        if kind not in ACTIVITY_TYPES:
            # Additive types keep version 1: skip what this tool version cannot run.
            continue
        activity_places.append(where)
        activities.append(
            CatalogueActivity(
                id=read.slug(item, "id", where),
                type=kind,
                title=read.text(item, "title", where),
                description=read.text(item, "description", where),
                method=read.optional_slug(item, "method", where),
                modules=read.slugs(item, "modules", where),
            )
        )
    _check_unique(read, zip(module_places, (m.slug for m in modules), strict=True))
    _check_unique(read, zip(activity_places, (a.id for a in activities), strict=True))
    return Catalogue(
        path=path,
        version=int(version),
        course_title=read.text(course, "title", "course"),
        language=str(course.get("language") or "en"),
        modules=tuple(modules),
        methods=tuple(methods),
        activities=tuple(activities),
    )


def _check_unique(read: _Reader, placed_keys: Iterable[tuple[str, str]]) -> None:
    """Name the entry's own position, even when skipped entries came before it."""
    seen: set[str] = set()
    for where, key in placed_keys:
        if key in seen:
            raise read.fail(where, f"repeats {key!r}; ids must be unique")
        seen.add(key)


def load_catalogue_file(path: Path) -> Catalogue:
    """Read and validate one file (no cache)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogueError(
            f"{path} does not exist. Build the course with `intervision build` and point "
            "INTERVISION_SITE_DIR at the built site folder (the one holding catalogue.json)."
        ) from None
    except (OSError, UnicodeDecodeError) as problem:
        raise CatalogueError(f"{path} cannot be read ({problem}). {_REBUILD_HINT}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as problem:
        raise CatalogueError(
            f"{path}, line {problem.lineno}, column {problem.colno}: not valid JSON "
            f"({problem.msg}). {_REBUILD_HINT}"
        ) from None
    return parse_catalogue(data, path)


class CatalogueCache:
    """One parsed catalogue per file, reloaded when its (mtime, size) changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Path, tuple[tuple[int, int], Catalogue]] = {}

    def get(self, path: Path) -> Catalogue:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return load_catalogue_file(path)  # raises the friendly error
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            entry = self._entries.get(path)
            if entry is not None and entry[0] == stamp:
                return entry[1]
        catalogue = load_catalogue_file(path)
        with self._lock:
            self._entries[path] = (stamp, catalogue)
        return catalogue


_CACHE = CatalogueCache()


def site_dir(app: Flask | None = None) -> Path:
    """The built site folder from ``SITE_DIR``; a clear error when it is not configured."""
    configured = (app or current_app).config.get("SITE_DIR")
    if not configured:
        raise CatalogueError(
            "INTERVISION_SITE_DIR is not set. Build the course with `intervision build` and set "
            "INTERVISION_SITE_DIR to the built site folder (the one holding catalogue.json)."
        )
    return Path(configured).resolve()


def get_catalogue(app: Flask | None = None) -> Catalogue:
    """The current catalogue of the configured site (cached by mtime)."""
    return _CACHE.get(site_dir(app) / CATALOGUE_FILE)
