"""An intervision method as the exercises run it: its roles and its timed phases.

These are the fields site_builder exports for each method into catalogue.json (docs/catalogue.md,
``methods[]``); ``lti_app.catalogue`` reads them into these types. Who speaks and what a phase's
contribution is come from ``content/methods/<slug>.yml``, so a peer-feedback exercise can show
each person the prompt of their role and phase without a second source of truth.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

CASE_BRINGER = "case-bringer"
"""Every method has this role: the person who brings the case."""
ALL_SPEAKERS = "all"
"""In ``PhaseSpec.speakers``: every role speaks (the case-bringer too, unless silent)."""


class Contribution(enum.StrEnum):
    """What people write or say in a phase; the catalogue's ``phases[].contribution`` values."""

    NONE = "none"
    CASE = "case"
    QUESTION = "question"
    ANSWER = "answer"
    KEY_QUESTION = "key-question"
    HYPOTHESIS = "hypothesis"
    ADVICE = "advice"
    REFLECTION = "reflection"


CONTRIBUTIONS: frozenset[str] = frozenset(item.value for item in Contribution)


@dataclass(frozen=True, slots=True)
class RoleSpec:
    id: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class PhaseSpec:
    id: str
    name: str
    minutes: int
    goal: str
    speakers: tuple[str, ...]
    """Role ids, or ``all``."""
    case_bringer_silent: bool
    contribution: Contribution
    prompts: tuple[str, ...] = ()

    def speaks(self, role_id: str) -> bool:
        """Whether someone in ``role_id`` speaks in this phase (a silent case-bringer never)."""
        if role_id == CASE_BRINGER and self.case_bringer_silent:
            return False
        return ALL_SPEAKERS in self.speakers or role_id in self.speakers


@dataclass(frozen=True, slots=True)
class GroupSize:
    min: int
    max: int


@dataclass(frozen=True, slots=True)
class SourceRef:
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class MethodSpec:
    slug: str
    name: str
    summary: str
    url: str
    """The generated method page, relative to the site root."""
    roles: tuple[RoleSpec, ...]
    phases: tuple[PhaseSpec, ...]
    group_size: GroupSize
    evidence: str
    sources: tuple[SourceRef, ...] = ()
    also_known_as: tuple[str, ...] = ()

    @property
    def total_minutes(self) -> int:
        """One round, all phases (the catalogue's ``total_minutes``)."""
        return sum(phase.minutes for phase in self.phases)

    def role(self, role_id: str) -> RoleSpec | None:
        return next((role for role in self.roles if role.id == role_id), None)

    def phase(self, phase_id: str) -> PhaseSpec | None:
        return next((phase for phase in self.phases if phase.id == phase_id), None)

    def phase_after(self, phase_id: str) -> PhaseSpec | None:
        """The next phase of a round, None after the last one (or for an unknown id)."""
        ids = [phase.id for phase in self.phases]
        if phase_id not in ids:
            return None
        index = ids.index(phase_id) + 1
        return self.phases[index] if index < len(self.phases) else None
