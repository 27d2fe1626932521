"""The method's names inside a sentence (a phase, a role, the method) in the reader's language.

A domain message carries the names the exercise's snapshot gave it, in the course's words.
Where those are the shipped English words (the course did not rename the phase, role or
method), the reader gets the catalogue's translation of that name, as on the round page
(``method_words``); a name the course chose is kept in every language. The message does not
say which method it came from, so a name is recognised by its English text among the shipped
methods; a name two methods translate differently is kept as it came.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lti_app.catalogue.languages import root_catalogue
from lti_app.catalogue.method_texts import method_in_language
from lti_app.catalogue.model import Catalogue
from lti_app.domain.exercises.roles import TIMEKEEPER
from lti_app.domain.methods import MethodSpec
from lti_app.i18n import gettext, locale_now
from lti_app.i18n.marking import N_

TIMEKEEPER_WORD = N_("timekeeper")
"""The duty no method lists as a role."""

_OPTIONAL = re.compile(r"\s*\((?:optional|optioneel)\)$", re.IGNORECASE)


_KEPT: dict[tuple[int, str], tuple[Catalogue, dict[str, dict[str, str]]]] = {}
"""The names per (catalogue, language), kept with the catalogue (a reloaded one is new)."""


def _names(catalogue: Catalogue, language: str) -> dict[str, dict[str, str]]:
    kept = _KEPT.get((id(catalogue), language))
    if kept is not None and kept[0] is catalogue:
        return kept[1]
    names = _build(catalogue, language)
    if len(_KEPT) > 32:
        _KEPT.clear()
    _KEPT[(id(catalogue), language)] = (catalogue, names)
    return names


def _build(catalogue: Catalogue, language: str) -> dict[str, dict[str, str]]:
    """Per kind ("phase", "role", "method"): each shipped English name and its one
    translation in ``language`` (names translated two ways are left out)."""
    found: dict[str, dict[str, set[str]]] = {"phase": {}, "role": {}, "method": {}}
    for method in catalogue.methods:
        words = method_in_language(method.slug, language)
        if words is None:
            continue
        found["method"].setdefault(method.name, set()).add(words.name)
        for phase in method.phases:
            text = words.phase(phase.id)
            if text is not None:
                found["phase"].setdefault(phase.name, set()).add(text.name)
        for role in method.roles:
            role_text = words.role(role.id)
            if role_text is not None:
                found["role"].setdefault(role.name, set()).add(role_text.name)
    return {
        kind: {english: next(iter(seen)) for english, seen in names.items() if len(seen) == 1}
        for kind, names in found.items()
    }


def inline_name(kind: str, name: str) -> str:
    """``name`` (a "phase", "role" or "method" name) in the reader's language where it is a
    shipped English name, else as it came."""
    return _names(root_catalogue(), locale_now())[kind].get(name, name)


def without_optional(name: str) -> str:
    """A role's name without the "(optional)" its catalogue name carries, for use inline."""
    return _OPTIONAL.sub("", name)


def duty_names(duties: Iterable[str], slug: str | None, method: MethodSpec | None) -> list[str]:
    """The viewer's duties by name: the method's role name (translated where the course kept
    the shipped one), "timekeeper" as a word, an unknown id as it is."""
    words = method_in_language(slug, locale_now()) if slug else None
    shipped = root_catalogue().method(slug) if slug else None
    names = []
    for duty in duties:
        if duty == TIMEKEEPER:
            names.append(gettext(TIMEKEEPER_WORD))
            continue
        ours = method.role(duty) if method is not None else None
        english = shipped.role(duty) if shipped is not None else None
        text = words.role(duty) if words is not None else None
        if text is not None and (ours is None or english is None or ours.name == english.name):
            name = text.name
        else:
            name = ours.name if ours is not None else duty
        names.append(without_optional(name))
    return names
