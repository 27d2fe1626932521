"""A method's words in one language (name, roles, each phase's name, goal and prompts), by id.

Exercises run the English :class:`MethodSpec` (its ids, minutes, speakers and contribution
types are the same in every language); what people read comes from here. A translated
catalogue that lacks the method, a phase or a role leaves that part English, and says so in
its ``language``, so a page can mark it ``lang="en"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from lti_app.catalogue.languages import catalogue_in, root_catalogue
from lti_app.domain.methods import MethodSpec, PhaseSpec


@dataclass(frozen=True)
class PhaseText:
    id: str
    language: str
    name: str
    goal: str
    prompts: tuple[str, ...]


@dataclass(frozen=True)
class RoleText:
    id: str
    language: str
    name: str
    description: str


@dataclass(frozen=True)
class MethodText:
    slug: str
    language: str
    """The language of ``name`` and ``summary``; each phase and role says its own."""
    name: str
    summary: str
    phases: dict[str, PhaseText]
    roles: dict[str, RoleText]

    def phase(self, phase_id: str) -> PhaseText | None:
        return self.phases.get(phase_id)

    def role(self, role_id: str) -> RoleText | None:
        return self.roles.get(role_id)


def _phase(phase: PhaseSpec, language: str) -> PhaseText:
    return PhaseText(phase.id, language, phase.name, phase.goal, phase.prompts)


def method_text(
    english: MethodSpec, english_language: str, translated: MethodSpec | None, language: str
) -> MethodText:
    """Pure: the translated words where ``translated`` has the id, the English elsewhere.
    Only the English method's phases and roles are listed (the ids exercises run)."""
    source = translated if translated is not None else english
    source_language = language if translated is not None else english_language
    their_phases = {phase.id: phase for phase in translated.phases} if translated else {}
    their_roles = {role.id: role for role in translated.roles} if translated else {}
    phases = {}
    for phase in english.phases:
        theirs = their_phases.get(phase.id)
        phases[phase.id] = _phase(theirs, language) if theirs else _phase(phase, english_language)
    roles = {}
    for role in english.roles:
        found = their_roles.get(role.id)
        pick, in_language = (found, language) if found else (role, english_language)
        roles[role.id] = RoleText(role.id, in_language, pick.name, pick.description)
    return MethodText(
        slug=english.slug,
        language=source_language,
        name=source.name,
        summary=source.summary,
        phases=phases,
        roles=roles,
    )


def method_in_language(
    slug: str, language: str | None, app: Flask | None = None
) -> MethodText | None:
    """The method ``slug`` in ``language`` (e.g. ``locale_now()``'s language) from that
    language's catalogue, falling back to English per part; None if the English catalogue
    has no such method."""
    english_catalogue = root_catalogue(app)
    english = english_catalogue.method(slug)
    if english is None:
        return None
    catalogue = catalogue_in(language, app)
    translated = catalogue.method(slug) if catalogue is not english_catalogue else None
    return method_text(english, english_catalogue.language, translated, catalogue.language)
