"""Phase and role cards per method, as Markdown pages with an HTML body.

Everything on a card comes from the method data (`content/methods/*.yml`): phases, minutes, who
speaks, whether the case-bringer is silent, the cues (`prompts`) the moderator reads out, and the
roles. Nothing is written twice, so a card cannot disagree with the method page or the exercise
in the learning platform. The HTML is plain and print-first: `kit.css` fits the phase card on one
A4 page and starts the role cards on the next.
"""

from __future__ import annotations

from html import escape

from site_builder.course.model import ALL_SPEAKERS, CASE_BRINGER, Method, Phase, Role
from site_builder.ui_text import format_minutes, t

KIT_DIR = "kit"
CARDS_DIR = "kit/cards"
PDF_DIR = "kit/pdf"
KIT_INDEX = "kit/index.md"
CARDS_MARKER = "{{ kit_cards }}"
"""Where the kit's index page lists the cards (replaced by the plugin)."""


def card_page(slug: str) -> str:
    """Docs-relative path of a method's card page."""
    return f"{CARDS_DIR}/{slug}.md"


def pdf_path(slug: str) -> str:
    """Site-relative path of a method's card PDF."""
    return f"{PDF_DIR}/{slug}.pdf"


def speakers_text(method: Method, phase: Phase, lang: str = "en") -> str:
    """'All', or the role names in the method's order ('Case-bringer, Moderator')."""
    if ALL_SPEAKERS in phase.speakers:
        return t(lang, "card.everyone")
    names = [role.name for role in method.roles if role.id in phase.speakers]
    return ", ".join(names) or t(lang, "card.nobody")


def phases_of(method: Method, role: Role) -> list[Phase]:
    """The phases in which a role may speak."""
    return [
        phase
        for phase in method.phases
        if ALL_SPEAKERS in phase.speakers or role.id in phase.speakers
    ]


def card_markdown(method: Method, lang: str = "en") -> str:
    """The card page: a phase card (one A4 page) and one role card per role, in `lang`."""
    start = 0
    rows: list[str] = []
    for phase in method.phases:
        silent = (
            f'<strong class="iv-card__silent">{t(lang, "card.silent")}</strong>'
            if phase.case_bringer_silent
            else t(lang, "card.may_speak")
        )
        cues = "".join(f"<li>{escape(prompt)}</li>" for prompt in phase.prompts)
        rows.append(
            "<tr>"
            f'<th scope="row"><span class="iv-card__clock">{start}′–{start + phase.minutes}′'
            f"</span> {escape(phase.name)}</th>"
            f"<td>{phase.minutes}</td>"
            f"<td>{escape(speakers_text(method, phase, lang))}</td>"
            f"<td>{silent}</td>"
            f"<td><p>{escape(phase.goal)}</p>"
            + (f'<ul class="iv-card__cues">{cues}</ul>' if cues else "")
            + "</td></tr>"
        )
        start += phase.minutes
    aka = f" ({escape(', '.join(method.also_known_as))})" if method.also_known_as else ""
    roles = "\n".join(_role_card(method, role, lang) for role in method.roles)
    slug, name = escape(method.slug), escape(method.name)
    actions = t(
        lang, "card.actions", pdf=f"../../pdf/{slug}.pdf", method=f"../../../methods/{slug}/"
    )
    time = format_minutes(method.total_minutes, lang)
    meta = t(lang, "card.meta", low=method.group_size_min, high=method.group_size_max, time=time)
    footer = t(
        lang, "card.footer", escalation="../../escalation/", distress="../../distress-protocol/"
    )
    return f"""# {t(lang, "card.title", name=method.name)}

<p class="iv-card__actions">{actions}</p>

<section class="iv-card iv-card--phases" aria-labelledby="phase-card-title">
<h2 id="phase-card-title">{t(lang, "card.phase_card", name=name)}{aka}</h2>
<p class="iv-card__meta">{meta}</p>
<table class="iv-card__table">
<caption class="iv-sr-only">{t(lang, "card.caption", name=name)}</caption>
<thead><tr>{t(lang, "card.head")}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p class="iv-card__footer">{footer}</p>
</section>

<section class="iv-card iv-card--roles" aria-labelledby="role-cards-title">
<h2 id="role-cards-title">{t(lang, "card.roles", name=name)}</h2>
<div class="iv-card__roles">
{roles}
</div>
</section>
"""


def _role_card(method: Method, role: Role, lang: str = "en") -> str:
    speaks = [phase.name for phase in phases_of(method, role)]
    silent = [phase.name for phase in method.phases if phase.case_bringer_silent]
    listen = ""
    if role.id == CASE_BRINGER and silent:
        listen = f"<p>{t(lang, 'card.listen', phases=escape('; '.join(silent)))}</p>"
    label = t(lang, "card.role_label", name=escape(role.name, quote=True))
    phases = escape("; ".join(speaks)) or t(lang, "card.no_phase")
    return (
        f'<article class="iv-role-card" aria-label="{label}">'
        f"<h3>{escape(role.name)}</h3>"
        f"<p>{escape(role.description)}</p>"
        f"<p>{t(lang, 'card.speak_in', phases=phases)}</p>"
        f"{listen}</article>"
    )


def cards_list_markdown(methods: list[Method], lang: str = "en") -> str:
    """The list of card pages for the kit's index page (links relative to kit/index.md)."""
    lines = []
    for method in sorted(methods, key=lambda m: m.name.lower()):
        item = t(lang, "card.list_item", n=len(method.roles))
        lines.append(
            f"- [{method.name}](cards/{method.slug}.md): {item} "
            f'(<a href="pdf/{method.slug}.pdf">PDF</a>)'
        )
    return "\n".join(lines)
