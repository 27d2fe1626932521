"""The catalogue as the tool uses it: frozen values, no I/O (``reader.py`` builds them).

Methods are the domain's :class:`~lti_app.domain.methods.MethodSpec`, roles and phases
included, so exercises run exactly what the course describes. Activity types are the ids of
:data:`~lti_app.domain.activities.ACTIVITY_KINDS`; the reader keeps no other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lti_app.domain.activities import KINDS, ActivityKind
from lti_app.domain.methods import MethodSpec


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
class CatalogueActivity:
    id: str
    type: str
    title: str
    description: str
    method: str | None
    modules: tuple[str, ...]

    @property
    def kind(self) -> ActivityKind:
        """Its row of the kinds table (the reader keeps only types that have one)."""
        return KINDS[self.type]


@dataclass(frozen=True)
class Catalogue:
    path: Path
    version: int
    course_title: str
    language: str
    modules: tuple[CatalogueModule, ...]
    methods: tuple[MethodSpec, ...]
    activities: tuple[CatalogueActivity, ...]

    def module(self, slug: str) -> CatalogueModule | None:
        return next((module for module in self.modules if module.slug == slug), None)

    def method(self, slug: str) -> MethodSpec | None:
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
