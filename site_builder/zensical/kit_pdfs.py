"""The trainer kit's card PDFs after a Zensical build.

The kit plugin takes each card page's HTML from mkdocs; Zensical runs no plugin, so the card
Markdown is rendered here with the same Python-Markdown extensions from mkdocs.yml (what
Zensical itself runs), and the PDFs come from the kit's own writer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import markdown

from site_builder.course.model import Method
from site_builder.kit.card_pdfs import write_card_pdfs


def write_kit_pdfs(
    site_dir: Path,
    cards: dict[str, str],
    methods: dict[str, Method],
    config: dict[str, Any],
    use_cache: bool = True,
) -> int:
    """Render each card's Markdown and write its PDF; returns how many were rendered."""
    if not cards:
        return 0
    names, options = _extensions(config)
    card_html = {
        slug: markdown.Markdown(extensions=names, extension_configs=options).convert(text)
        for slug, text in cards.items()
    }
    language = str((config.get("theme") or {}).get("language") or "en")
    return write_card_pdfs(site_dir, card_html, methods, language, use_cache)


def _extensions(config: dict[str, Any]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    names: list[str] = []
    options: dict[str, dict[str, Any]] = {}
    for entry in config.get("markdown_extensions") or []:
        if isinstance(entry, dict):
            name, settings = next(iter(entry.items()))
            names.append(name)
            options[name] = dict(settings or {})
        else:
            names.append(str(entry))
    return names, options
