"""Per-language site builds: which languages a build makes, and the settings of each one's
mkdocs configuration (theme language, search language, the language switcher).

The plugin does the rest from `theme.language` (translated course, pages, blocks, notice).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError

from site_builder.build_steps.languages import alternates
from site_builder.course.translation_files import translation_languages

__all__ = ["alternates", "localise", "site_languages"]


def site_languages(
    config: MkDocsConfig, asked: Sequence[str] | None
) -> tuple[list[str], list[str]]:
    """(every language of the site, source first; those to build now, source first)."""
    source = str(config.theme.get("language") or "en")
    present = [lang for lang in translation_languages(Path(config.docs_dir)) if lang != source]
    every = [source, *present]
    if asked is None:
        return every, every
    unknown = [lang for lang in asked if lang not in every]
    if unknown:
        raise ConfigurationError(
            f"no translation for {', '.join(unknown)}: the languages of this course are "
            f"{', '.join(every)} (a language is a content/translations/<lang>/ folder)"
        )
    return every, [lang for lang in every if lang in asked]


def localise(config: MkDocsConfig, language: str, source: str) -> None:
    """Set the page language and search language of one language's build (the plugin adds
    the switcher, so a plain `mkdocs build` of the source language has it too)."""
    config.theme["language"] = language
    if language != source:
        for name, plugin in config.plugins.items():
            if name.split("/")[-1] == "search":
                # Pages not translated yet are English: stem both.
                plugin.config["lang"] = [language, source]
