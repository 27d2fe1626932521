"""Phase and role cards per method, as Markdown pages with an HTML body.

Everything on a card comes from the method data (`content/methods/*.yml`): phases, minutes, who
speaks, whether the case-bringer is silent, the cues (`prompts`) the moderator reads out, and the
roles. Nothing is written twice, so a card cannot disagree with the method page or the exercise
in the learning platform. The HTML is plain and print-first: `kit.css` fits the phase card on one
A4 page and starts the role cards on the next.
"""

from __future__ import annotations

from html import escape

from site_builder.build_steps.pages import format_minutes
from site_builder.course.model import ALL_SPEAKERS, CASE_BRINGER, Method, Phase, Role

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


def speakers_text(method: Method, phase: Phase) -> str:
    """'All', or the role names in the method's order ('Case-bringer, Moderator')."""
    if ALL_SPEAKERS in phase.speakers:
        return "Everyone"
    names = [role.name for role in method.roles if role.id in phase.speakers]
    return ", ".join(names) or "Nobody"


def phases_of(method: Method, role: Role) -> list[Phase]:
    """The phases in which a role may speak."""
    return [
        phase
        for phase in method.phases
        if ALL_SPEAKERS in phase.speakers or role.id in phase.speakers
    ]


def card_markdown(method: Method) -> str:
    """The card page: a phase card (one A4 page) and one role card per role."""
    start = 0
    rows: list[str] = []
    for phase in method.phases:
        silent = (
            '<strong class="iv-card__silent">Case-bringer silent</strong>'
            if phase.case_bringer_silent
            else "May speak"
        )
        cues = "".join(f"<li>{escape(prompt)}</li>" for prompt in phase.prompts)
        rows.append(
            "<tr>"
            f'<th scope="row"><span class="iv-card__clock">{start}′–{start + phase.minutes}′'
            f"</span> {escape(phase.name)}</th>"
            f"<td>{phase.minutes}</td>"
            f"<td>{escape(speakers_text(method, phase))}</td>"
            f"<td>{silent}</td>"
            f"<td><p>{escape(phase.goal)}</p>"
            + (f'<ul class="iv-card__cues">{cues}</ul>' if cues else "")
            + "</td></tr>"
        )
        start += phase.minutes
    aka = f" ({escape(', '.join(method.also_known_as))})" if method.also_known_as else ""
    roles = "\n".join(_role_card(method, role) for role in method.roles)
    return f"""# {method.name}: phase and role cards

<p class="iv-card__actions"><a href="../../pdf/{escape(method.slug)}.pdf" download>Download the
cards as PDF</a> · Print this page: the phase card fits one A4 page, the role cards follow.
Generated from the method data, like the <a href="../../../methods/{escape(method.slug)}/">method
page</a>.</p>

<section class="iv-card iv-card--phases" aria-labelledby="phase-card-title">
<h2 id="phase-card-title">Phase card: {escape(method.name)}{aka}</h2>
<p class="iv-card__meta">{method.group_size_min}–{method.group_size_max} people ·
about {format_minutes(method.total_minutes)} · the case-bringer decides what to do with the
help.</p>
<table class="iv-card__table">
<caption class="iv-sr-only">Phases of {escape(method.name)} with minutes, who speaks, whether
the case-bringer is silent, and the goal with the moderator's cues</caption>
<thead><tr><th scope="col">Phase</th><th scope="col">Min</th><th scope="col">Who speaks</th>
<th scope="col">Case-bringer</th><th scope="col">Goal and moderator's cues</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p class="iv-card__footer">A case touching a duty to report? Stop the round and follow the
<a href="../../escalation/">escalation flowchart</a>. Someone upset? Pause and offer a choice
(<a href="../../distress-protocol/">distress protocol</a>).</p>
</section>

<section class="iv-card iv-card--roles" aria-labelledby="role-cards-title">
<h2 id="role-cards-title">Role cards: {escape(method.name)}</h2>
<div class="iv-card__roles">
{roles}
</div>
</section>
"""


def _role_card(method: Method, role: Role) -> str:
    speaks = [phase.name for phase in phases_of(method, role)]
    silent = [phase.name for phase in method.phases if phase.case_bringer_silent]
    listen = ""
    if role.id == CASE_BRINGER and silent:
        listen = (
            f"<p><strong>Listen only in:</strong> {escape('; '.join(silent))}. "
            "Take notes if you like; your turn comes after.</p>"
        )
    return (
        f'<article class="iv-role-card" aria-label="Role card: {escape(role.name, quote=True)}">'
        f"<h3>{escape(role.name)}</h3>"
        f"<p>{escape(role.description)}</p>"
        f"<p><strong>You speak in:</strong> {escape('; '.join(speaks)) or 'no phase'}.</p>"
        f"{listen}</article>"
    )


def cards_list_markdown(methods: list[Method]) -> str:
    """The list of card pages for the kit's index page (links relative to kit/index.md)."""
    lines = []
    for method in sorted(methods, key=lambda m: m.name.lower()):
        lines.append(
            f"- [{method.name}](cards/{method.slug}.md): phase card and "
            f'{len(method.roles)} role cards (<a href="pdf/{method.slug}.pdf">PDF</a>)'
        )
    return "\n".join(lines)
