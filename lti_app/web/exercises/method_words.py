"""The method's words on the round page in the reader's language.

The exercise runs its method snapshot (``PageView.phases``: ids, minutes, speakers, and the
words as the course last saved them). Where the course did not adapt a phase's words (its name,
goal and prompts equal the shipped English ones), the reader gets the catalogue's translation
of that phase (``lti_app.catalogue.method_texts``); a phase the course reworded keeps the
course's own words in every language. The method's name follows the same rule. The words the
domain gives for people ("You") are translated here too.
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import lazy_pgettext

from lti_app.catalogue.languages import root_catalogue
from lti_app.catalogue.method_texts import MethodText, method_in_language
from lti_app.domain.methods import MethodSpec, PhaseSpec
from lti_app.i18n import locale_now
from lti_app.services.exercises import FollowUps, PageView


def _same_words(ours: PhaseSpec, shipped: PhaseSpec | None) -> bool:
    return shipped is not None and (ours.name, ours.goal, tuple(ours.prompts)) == (
        shipped.name,
        shipped.goal,
        tuple(shipped.prompts),
    )


def translated_phases(
    phases: tuple[PhaseSpec, ...], shipped: MethodSpec, words: MethodText
) -> tuple[PhaseSpec, ...]:
    """Pure: each phase with the translated name, goal and prompts where its words are the
    shipped English ones, else as it is."""
    english = {phase.id: phase for phase in shipped.phases}
    shown = []
    for phase in phases:
        text = words.phase(phase.id)
        if text is not None and _same_words(phase, english.get(phase.id)):
            phase = replace(phase, name=text.name, goal=text.goal, prompts=tuple(text.prompts))
        shown.append(phase)
    return tuple(shown)


def in_reader_language(view: PageView, slug: str | None) -> PageView:
    """``view`` with the unadapted phases (and the method's name) in the request's language;
    unchanged in English, or when the catalogue lacks the method."""
    if not slug:
        return view
    shipped = root_catalogue().method(slug)
    words = method_in_language(slug, locale_now())
    if shipped is None or words is None or words.language == root_catalogue().language:
        return view
    phases = translated_phases(view.phases, shipped, words)
    names = {old.name: new.name for old, new in zip(view.phases, phases, strict=True)}
    by_id = {phase.id: phase for phase in phases}
    return replace(
        view,
        method_name=words.name if view.method_name == shipped.name else view.method_name,
        phases=phases,
        phase=by_id.get(view.phase.id, view.phase) if view.phase is not None else None,
        observer_posts=tuple((names.get(name, name), kinds) for name, kinds in view.observer_posts),
    )


PERSON_WORDS = {
    "You": lazy_pgettext("a person on the round page", "You"),
    "A former member": lazy_pgettext("a person on the round page", "A former member"),
}
"""The names the domain gives (``visibility.display_name``): the viewer, and an author who left."""


def person_name(name: str) -> str:
    """A member's or author's name, the domain's own words in the reader's language."""
    word = PERSON_WORDS.get(name)
    return name if word is None else str(word)


def with_reader_names(view: PageView) -> PageView:
    """``view`` with the domain's words for people ("You") in the reader's language."""
    return replace(
        view,
        members=tuple(
            replace(m, name=person_name(m.name)) if m.name in PERSON_WORDS else m
            for m in view.members
        ),
        posts=tuple(  # a copy only where a word changes: 200 copies were a tenth of the page
            replace(p, author_name=person_name(p.author_name))
            if p.author_name in PERSON_WORDS
            else p
            for p in view.posts
        ),
    )


def follow_ups_for_reader(follow: FollowUps) -> FollowUps:
    """The follow-up answers with their authors named as on the rest of the page."""
    answers = tuple(replace(a, author_name=person_name(a.author_name)) for a in follow.answers)
    return replace(follow, answers=answers)
