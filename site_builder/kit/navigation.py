"""The trainer kit's section of the site navigation: the kit overview, the generated cards,
the facilitator guides, then the authored forms and safety pages that exist."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from site_builder.course.model import Method
from site_builder.course.translation_files import TRANSLATIONS_DIR
from site_builder.kit.cards import KIT_INDEX, card_page
from site_builder.ui_text import t

AUTHORED_PAGES = (
    "kit/escalation.md",
    "kit/distress-protocol.md",
    "kit/templates.md",
    "kit/evaluation.md",
    "kit/glossary.md",
)
FACILITATOR_INDEX = "kit/facilitator/index.md"
HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*$", re.MULTILINE)


def page_title(docs_dir: Path, src_uri: str, lang: str = "en") -> str:
    """The first `# ` heading of an authored page (of its translation, when there is one),
    else its file name."""
    translated = docs_dir / TRANSLATIONS_DIR / lang / src_uri
    path = translated if lang != "en" and translated.is_file() else docs_dir / src_uri
    text = path.read_text(encoding="utf-8")
    match = HEADING.search(text)
    return match.group("title") if match else Path(src_uri).stem.replace("-", " ").capitalize()


def kit_nav(docs_dir: Path, methods: Iterable[Method], lang: str = "en") -> dict[str, list[Any]]:
    ordered = sorted(methods, key=lambda method: method.name.lower())
    section: list[Any] = []
    if (docs_dir / KIT_INDEX).is_file():
        section.append({t(lang, "kit.overview"): KIT_INDEX})
    section.append({t(lang, "kit.cards"): [{m.name: card_page(m.slug)} for m in ordered]})
    if (docs_dir / FACILITATOR_INDEX).is_file():
        guides: list[Any] = [{t(lang, "kit.sessions"): FACILITATOR_INDEX}]
        for method in ordered:
            src_uri = f"kit/facilitator/{method.slug}.md"
            if (docs_dir / src_uri).is_file():
                guides.append({method.name: src_uri})
        section.append({t(lang, "kit.facilitator"): guides})
    for src_uri in AUTHORED_PAGES:
        if (docs_dir / src_uri).is_file():
            section.append({_short(page_title(docs_dir, src_uri, lang)): src_uri})
    return {t(lang, "kit.nav"): section}


def _short(title: str) -> str:
    """'Escalation flowchart: when …' → 'Escalation flowchart' for the navigation."""
    return re.split(r"[:(]", title, maxsplit=1)[0].strip()
