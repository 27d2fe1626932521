"""The course model: plain frozen dataclasses shared by the loader, the Markdown extensions,
the page generators and the exporters. No mkdocs import, no I/O: everything else builds on it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

Level = Literal["introductory", "intermediate", "advanced"]
ActivityType = Literal["signup", "peer-feedback"]
Contribution = Literal[
    "none", "case", "question", "answer", "key-question", "hypothesis", "advice", "reflection"
]

LEVELS: tuple[Level, ...] = ("introductory", "intermediate", "advanced")
ACTIVITY_TYPES: tuple[ActivityType, ...] = ("signup", "peer-feedback")
CONTRIBUTIONS: tuple[Contribution, ...] = (
    "none",
    "case",
    "question",
    "answer",
    "key-question",
    "hypothesis",
    "advice",
    "reflection",
)
CASE_BRINGER = "case-bringer"
KEBAB_CASE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""Slugs and ids: module and method slugs, role, phase, activity and block ids."""
ALL_SPEAKERS = "all"


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    minutes: int
    goal: str
    speakers: tuple[str, ...]
    case_bringer_silent: bool
    contribution: Contribution
    prompts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Method:
    slug: str
    name: str
    summary: str
    group_size_min: int
    group_size_max: int
    evidence: str
    roles: tuple[Role, ...]
    phases: tuple[Phase, ...]
    sources: tuple[Source, ...]
    also_known_as: tuple[str, ...] = ()
    path: Path | None = None

    @property
    def total_minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases)

    def role(self, role_id: str) -> Role | None:
        return next((role for role in self.roles if role.id == role_id), None)


@dataclass(frozen=True)
class Activity:
    id: str
    type: ActivityType
    title: str
    description: str
    method: str | None = None


@dataclass(frozen=True)
class Module:
    slug: str
    number: int
    title: str
    summary: str
    duration_minutes: int
    level: Level
    objectives: tuple[str, ...]
    prerequisites: tuple[str, ...]
    path: Path
    body: str
    body_first_line: int
    method: str | None = None
    tags: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    self_study_minutes: int | None = None
    """Time alone with the page: reading, self-checks, reflections (checked in study_time)."""
    group_session_minutes: int | None = None
    """Time of the module's group exercise, with colleagues."""
    draft: bool = False
    """Work in progress: previewed by `mkdocs serve`, left out of the published build."""
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    """Line of each front matter field, so checks after loading can point at it."""

    def __post_init__(self) -> None:
        _freeze(self, "field_lines")

    def line_of(self, field_name: str) -> int | None:
        return self.field_lines.get(field_name)

    @property
    def src_uri(self) -> str:
        """Path of the page relative to docs_dir, as mkdocs names it."""
        return f"modules/{self.path.name}"


@dataclass(frozen=True)
class Course:
    title: str
    language: str
    description: str
    modules: tuple[Module, ...]
    methods: Mapping[str, Method] = field(default_factory=dict)
    activities: Mapping[str, Activity] = field(default_factory=dict)
    content_dir: Path | None = None
    drafts: tuple[Module, ...] = ()
    """Draft modules left out of `modules` (and so of the nav, overview and catalogue)."""

    def __post_init__(self) -> None:
        _freeze(self, "methods")
        _freeze(self, "activities")

    @property
    def total_minutes(self) -> int:
        return sum(module.duration_minutes for module in self.modules)

    def module(self, slug: str) -> Module | None:
        return next((module for module in self.modules if module.slug == slug), None)


def _freeze(instance: object, name: str) -> None:
    """Replace a frozen dataclass's mapping field with a read-only copy: frozen all the way
    down, whatever mapping the caller passed (and later changes to it do not leak in)."""
    object.__setattr__(instance, name, MappingProxyType(dict(getattr(instance, name))))
