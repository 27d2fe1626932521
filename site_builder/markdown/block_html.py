"""HTML for the courseware blocks: accessible markup that works without JavaScript.

The iv-*.js scripts add behaviour (checking answers, saving reflections, linking activities);
every learner-visible text is here so the markup stays readable and testable on its own.
Author text arrives already rendered and sanitised by the caller (see markdown_ext.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from html import escape

from site_builder.course.model import ALL_SPEAKERS, Activity, Method, Phase
from site_builder.markdown.blocks import Reflection, SelfCheck
from site_builder.ui_text import OWN_VERDICT_WORDS, t

Render = Callable[[str], str]

OWN_VERDICTS = {
    lang: re.compile(rf"^\W*({words})\b", re.IGNORECASE)
    for lang, words in OWN_VERDICT_WORDS.items()
}
OWN_VERDICT = OWN_VERDICTS["en"]
PHASE_LABEL = re.compile(r"^(?P<label>\d{1,2}[a-z]?\.)\s+(?P<name>\S.*)$")


def _attr(value: str) -> str:
    return escape(value, quote=True)


def text_digest(text: str) -> str:
    """A short, whitespace-insensitive fingerprint of author text (not a security hash)."""
    normalised = " ".join(text.split()).encode("utf-8")
    return hashlib.blake2s(normalised, digest_size=4).hexdigest()


def self_check_key(block: SelfCheck) -> str:
    """What a saved answer is filed under: the author's id, else the question's fingerprint.

    Not the position on the page: moving or inserting a question must not hand one question's
    saved answer to another (the preprocessor makes repeats of one question unique).
    """
    return block.id or f"q-{text_digest(block.question)}"


def render_self_check(
    block: SelfCheck, ordinal: int, inline: Render, key: str | None = None, lang: str = "en"
) -> str:
    """A form of radios or checkboxes; per-option feedback sits in <details> for no-JS use.

    `data-iv-id` (the storage key) and each option's value come from the text, so saved
    answers follow their question and option when the author reorders; element ids only need
    to be unique on the page and stay numbered.

    Lean on purpose: Material's search indexer pays per tag, so no wrapper that CSS can do
    without (the verdict colour and ✓/✗ come from the option's data-iv-correct).
    """
    base = f"iv-sc-{ordinal}"
    input_type = "checkbox" if block.multiple else "radio"
    hint = t(lang, "selfcheck.many" if block.multiple else "selfcheck.one")
    options = "\n".join(
        _self_check_option(
            base, index, input_type, option.text, option.correct, option.feedback, inline, lang
        )
        for index, option in enumerate(block.options, start=1)
    )
    return (
        f'<form class="iv-selfcheck" data-iv-id="{_attr(key or self_check_key(block))}" '
        f'data-iv-multiple="{str(block.multiple).lower()}" novalidate>\n'
        f"<fieldset>\n"
        f'<legend class="iv-selfcheck__question">'
        f'<span class="iv-kicker">{t(lang, "selfcheck.kicker")}</span> '
        f"{inline(block.question)}</legend>\n"
        f'<p class="iv-selfcheck__hint">{hint}</p>\n'
        f'<ul class="iv-selfcheck__options">\n{options}\n</ul>\n'
        f'<button type="submit" class="iv-button iv-selfcheck__actions" hidden>'
        f"{t(lang, 'selfcheck.check')}</button>\n"
        f'<div class="iv-selfcheck__result" aria-live="polite"></div>\n'
        f"</fieldset>\n</form>"
    )


def _self_check_option(
    base: str,
    index: int,
    input_type: str,
    text: str,
    correct: bool,
    feedback: str,
    inline: Render,
    lang: str = "en",
) -> str:
    option_id = f"{base}-{index}"
    # Feedback that opens with its own verdict ("Right.", "No.") is not given a second one.
    own = OWN_VERDICTS.get(lang, OWN_VERDICT).match(feedback)
    verdict = "" if own else t(lang, "selfcheck.right" if correct else "selfcheck.wrong")
    value = f"o-{text_digest(text)}"
    return (
        f'<li class="iv-selfcheck__option" data-iv-correct="{str(correct).lower()}">'
        f'<input type="{input_type}" id="{option_id}" name="{base}" value="{value}">'
        f'<label for="{option_id}">{inline(text)}</label>'
        f'<details class="iv-selfcheck__feedback">'
        f"<summary>{t(lang, 'selfcheck.feedback')}</summary>"
        f'<span class="iv-verdict">{verdict}</span> '
        f'<span class="iv-feedback__text">{inline(feedback)}</span>'
        f"</details></li>"
    )


def render_reflection(block: Reflection, ordinal: int, render: Render, lang: str = "en") -> str:
    """A labelled textarea; iv-reflections.js saves it locally and offers print and download."""
    key = block.id or str(ordinal)
    element_id = f"iv-reflection-{key}"
    return (
        f'<div class="iv-reflection" data-iv-reflection="{_attr(key)}">\n'
        f'<p class="iv-kicker">{t(lang, "reflection.kicker")}</p>\n'
        f'<div class="iv-reflection__prompt" id="{element_id}-prompt">'
        f"{render(block.prompt)}</div>\n"
        f'<label class="iv-reflection__label" for="{element_id}">'
        f"{t(lang, 'reflection.label')}</label>\n"
        f'<textarea class="iv-reflection__answer" id="{element_id}" rows="6" '
        f'aria-describedby="{element_id}-prompt {element_id}-status"></textarea>\n'
        f'<p class="iv-reflection__status" id="{element_id}-status" role="status">'
        f"{t(lang, 'reflection.no_script')}</p>\n"
        f'<div class="iv-reflection__print" aria-hidden="true"></div>\n'
        f'<div class="iv-reflection__actions" hidden>'
        f'<button type="button" class="iv-button" data-iv-action="print-reflections">'
        f"{t(lang, 'reflection.print')}</button> "
        f'<button type="button" class="iv-button" data-iv-action="download-reflections">'
        f"{t(lang, 'reflection.download')}</button></div>\n"
        f"</div>"
    )


def render_method_timeline(
    method: Method, inline: Render, searchable: bool = False, lang: str = "en"
) -> str:
    """Phases as an ordered list with proportional bars; text carries every fact, not colour.

    Outside the method's own page the timeline is marked `data-search-exclude`: the same
    phases on every module of the method would flood search results (and indexing them is
    most of the search plugin's time on a module page). The method page stays searchable.
    """
    total = method.total_minutes
    phases = "\n".join(
        _phase(method, phase, position, total, inline, lang)
        for position, phase in enumerate(method.phases, start=1)
    )
    exclude = "" if searchable else " data-search-exclude"
    summary = t(
        lang,
        "timeline.summary",
        steps=len(method.phases),
        total=total,
        low=method.group_size_min,
        high=method.group_size_max,
    )
    return (
        f'<figure class="iv-timeline" data-iv-method="{_attr(method.slug)}"{exclude}>\n'
        f'<figcaption class="iv-timeline__summary"><strong>{escape(method.name)}</strong>: '
        f"{summary}</figcaption>\n"
        f'<ol class="iv-timeline__phases" role="list">\n{phases}\n</ol>\n'
        f"</figure>"
    )


def phase_label(phase: Phase, position: int) -> tuple[str, str]:
    """The phase's own label ("2a.") and the rest of its name; else its position ("3.").

    The list shows this label and no marker of its own, so a phase is numbered once.
    """
    match = PHASE_LABEL.match(phase.name)
    if match:
        return match.group("label"), match.group("name")
    return f"{position}.", phase.name


SILENT_ICON = '<span class="iv-icon iv-icon--silent" aria-hidden="true"></span>'
"""Material's volume-off icon, drawn by courseware.css (a mask of the vendored SVG): not an
emoji a learner's fonts may lack, and not 400 bytes of SVG repeated on every page."""


def _phase(
    method: Method, phase: Phase, position: int, total: int, inline: Render, lang: str = "en"
) -> str:
    share = 100 * phase.minutes / total if total else 0
    silent_class = " iv-phase--silent" if phase.case_bringer_silent else ""
    case_bringer = (
        f'<span class="iv-silent-marker">{SILENT_ICON}{t(lang, "timeline.silent")}</span>'
        if phase.case_bringer_silent
        else t(lang, "timeline.may_speak")
    )
    label, name = phase_label(phase, position)
    prompts = ""
    if phase.prompts:
        items = "".join(f"<li>{inline(prompt)}</li>" for prompt in phase.prompts)
        prompts = (
            f'<p class="iv-phase__prompts-label">{t(lang, "timeline.prompts")}</p>'
            f'<ul class="iv-phase__prompts">{items}</ul>'
        )
    contribution = t(lang, f"contribution.{phase.contribution}")
    return (
        f'<li class="iv-phase{silent_class}" data-iv-phase="{_attr(phase.id)}">'
        f'<p class="iv-phase__header"><span class="iv-phase__name">'
        f'<span class="iv-phase__label">{escape(label)}</span> {escape(name)}</span> '
        f'<span class="iv-phase__minutes">{t(lang, "timeline.minutes", n=phase.minutes)}</span>'
        "</p>"
        f'<div class="iv-phase__bar" aria-hidden="true">'
        f'<span style="width: {share:.1f}%"></span></div>'
        f'<p class="iv-phase__goal">{inline(phase.goal)}</p>'
        f'<dl class="iv-phase__facts">'
        f"<div><dt>{t(lang, 'timeline.who')}</dt>"
        f"<dd>{escape(_speakers(method, phase, lang))}</dd></div>"
        f"<div><dt>{t(lang, 'timeline.case_bringer')}</dt><dd>{case_bringer}</dd></div>"
        f"<div><dt>{t(lang, 'timeline.write')}</dt><dd>{escape(contribution)}</dd></div>"
        f"</dl>{prompts}</li>"
    )


def _speakers(method: Method, phase: Phase, lang: str = "en") -> str:
    names: list[str] = []
    for speaker in phase.speakers:
        if speaker == ALL_SPEAKERS:
            names.append(t(lang, "timeline.everyone"))
            continue
        role = method.role(speaker)
        names.append(role.name if role else speaker)
    if phase.case_bringer_silent and ALL_SPEAKERS in phase.speakers:
        return t(lang, "timeline.everyone_but")
    return ", ".join(names) if names else t(lang, "timeline.nobody")


def render_activity(
    activity: Activity, ordinal: int, inline: Render, tool_url: str | None, lang: str = "en"
) -> str:
    """A card: on the public site it says where the activity lives; the tool makes it a link."""
    title_id = f"iv-activity-{ordinal}-title"
    title = escape(activity.title)
    link_url = f"{tool_url.rstrip('/')}/activities/{activity.id}" if tool_url else ""
    where = t(lang, "activity.in_tool") if tool_url else t(lang, "activity.elsewhere", title=title)
    hidden = "" if tool_url else " hidden"
    return (
        f'<div class="iv-activity" role="group" aria-labelledby="{title_id}" '
        f'data-iv-activity="{_attr(activity.id)}">\n'
        f'<p class="iv-kicker">{t(lang, f"activity.{activity.type}")}</p>\n'
        f'<p class="iv-activity__title" id="{title_id}">{title}</p>\n'
        f'<p class="iv-activity__description">{inline(activity.description)}</p>\n'
        f'<p class="iv-activity__where">{where}</p>\n'
        f'<p class="iv-activity__open"{hidden}><a class="iv-button" '
        f'href="{_attr(link_url)}">{t(lang, "activity.open", title=title)}</a></p>\n'
        f"</div>"
    )
