"""A staged project for Zensical: the docs folder as mkdocs would build it, plus the pages the
mkdocs plugins would add, and an mkdocs.yml that says so without the mkdocs-only settings.

Zensical needs docs_dir and site_dir inside the folder of its configuration, ignores
`exclude_docs` and drafts, and silently ignores plugins it has not re-implemented: the staged
copy leaves out what mkdocs would leave out, so both engines see the same pages.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec

from site_builder.build_steps.course_step import CourseStep
from site_builder.build_steps.languages import alternates
from site_builder.kit.cards import (
    CARDS_MARKER,
    KIT_DIR,
    KIT_INDEX,
    card_markdown,
    card_page,
    cards_list_markdown,
)
from site_builder.kit.navigation import kit_nav
from site_builder.kit.pdf import KIT_CSS
from site_builder.ui_text import script_texts_json, t, texts

DOCS = "docs"
SITE = "site"
EXTENSION = "site_builder.markdown.markdown_ext"
PLUGINS_KEPT = {"search", "tags", "offline", "privacy", "meta"}
"""Plugins Zensical re-implements and that our sites use; others are made by build_steps."""
MKDOCS_ONLY = ("exclude_docs", "draft_docs", "not_in_nav", "validation", "hooks", "strict", "watch")
"""Settings Zensical does not support (its docs: setup/basics); the staging does their work."""


@dataclass(frozen=True)
class StagedProject:
    root: Path
    config: dict[str, Any]
    pages: list[str]
    """Docs-relative paths of every Markdown page in the staged docs folder."""
    cards: dict[str, str]
    """Generated kit card Markdown by method slug (their PDFs are written after the build)."""

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def site_dir(self) -> Path:
        return self.root / SITE


def stage(config: dict[str, Any], project_dir: Path, step: CourseStep, root: Path) -> StagedProject:
    """Write the staged project into root (an empty folder) and return what it holds."""
    docs_dir = step.docs_dir
    excluded = _excluded(config, set(step.draft_pages()))
    shutil.copytree(docs_dir, root / DOCS, ignore=_ignore(docs_dir, excluded))
    staged_docs = root / DOCS
    generated = step.pages(lambda src_uri: (staged_docs / src_uri).is_file())
    language = step.language
    for src_uri, markdown in step.authored_pages().items():  # a translated build's pages
        untranslated = step.untranslated(src_uri) or step.generated_untranslated(src_uri)
        generated[src_uri] = with_notice(markdown, language) if untranslated else markdown
    nav = config.get("nav") or step.nav()
    extra_css = list(config.get("extra_css") or [])
    cards: dict[str, str] = {}
    if (docs_dir / KIT_DIR).is_dir():
        methods = list(step.course.methods.values())
        for method in methods:
            if not (staged_docs / card_page(method.slug)).is_file():
                card = card_markdown(method, language)
                cards[method.slug] = generated[card_page(method.slug)] = card
        kit_index = staged_docs / KIT_INDEX
        if kit_index.is_file():
            text = generated.get(KIT_INDEX) or kit_index.read_text(encoding="utf-8")
            if CARDS_MARKER in text:
                listing = cards_list_markdown(methods, language)
                generated[KIT_INDEX] = text.replace(CARDS_MARKER, listing)
        if "nav" not in config:
            nav = [*nav, kit_nav(docs_dir, methods, language)]
        if KIT_CSS not in extra_css:
            extra_css.append(KIT_CSS)
    for src_uri in list(generated):
        if step.generated_untranslated(src_uri) and not step.untranslated(src_uri):
            generated[src_uri] = with_notice(generated[src_uri], language)
    for src_uri, markdown in generated.items():
        target = staged_docs / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
    staged = _staged_config(config, project_dir, nav, extra_css, docs_dir, step)
    _write_yaml(root / "mkdocs.yml", staged)
    pages = sorted(path.relative_to(staged_docs).as_posix() for path in staged_docs.rglob("*.md"))
    return StagedProject(root=root, config=staged, pages=pages, cards=cards)


def _excluded(config: dict[str, Any], drafts: set[str]) -> Callable[[str], bool]:
    spec = pathspec.GitIgnoreSpec.from_lines(str(config.get("exclude_docs") or "").splitlines())

    def excluded(src_uri: str) -> bool:
        return src_uri in drafts or spec.match_file(src_uri)

    return excluded


def _ignore(
    docs_dir: Path, excluded: Callable[[str], bool]
) -> Callable[[str, list[str]], set[str]]:
    def ignore(folder: str, names: list[str]) -> set[str]:
        base = Path(folder).relative_to(docs_dir)
        return {
            name
            for name in names
            if (Path(folder) / name).is_file() and excluded((base / name).as_posix())
        }

    return ignore


def _staged_config(
    config: dict[str, Any],
    project_dir: Path,
    nav: list[Any],
    extra_css: list[str],
    docs_dir: Path,
    step: CourseStep,
) -> dict[str, Any]:
    staged = {key: value for key, value in config.items() if key not in MKDOCS_ONLY}
    staged.update(docs_dir=DOCS, site_dir=SITE, nav=nav, extra_css=extra_css)
    language = step.language
    # The module template's own words and the language switcher (the mkdocs plugin sets the
    # same in its builds).
    extra = {**(config.get("extra") or {}), "iv_text": dict(texts(language))}
    if language != "en":
        extra["iv_scripts"] = script_texts_json(language)
    every = [step.source_language, *step.languages]
    if len(every) > 1 and "alternate" not in extra:
        extra["alternate"] = alternates(language, every)
    staged["extra"] = extra
    theme = dict(config.get("theme") or {})
    theme["language"] = language
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((project_dir / theme["custom_dir"]).resolve())
    staged["theme"] = theme
    staged["plugins"] = [
        plugin for plugin in config.get("plugins") or [] if _plugin_name(plugin) in PLUGINS_KEPT
    ]
    staged["markdown_extensions"] = [
        _absolute_content_dir(entry, project_dir, language)
        for entry in config.get("markdown_extensions") or []
    ]
    return staged


def with_notice(markdown: str, language: str) -> str:
    """The page with the not-translated notice first (after its front matter): Zensical runs
    no plugin to add it to the HTML, so it is a Markdown admonition here."""
    notice = (
        f'!!! info "{t(language, "untranslated.title")}"\n\n'
        f"    {t(language, 'untranslated.text')}\n\n"
    )
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end >= 0:
            cut = end + len("\n---\n")
            return markdown[:cut] + "\n" + notice + markdown[cut:]
    return notice + markdown


def _plugin_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry), "")


def _absolute_content_dir(entry: Any, project_dir: Path, language: str = "en") -> Any:
    """Our extension reads methods from content_dir, relative to the project: make it
    absolute, since Zensical runs from the staged folder; and give it the page language."""
    if isinstance(entry, dict) and EXTENSION in entry:
        options = dict(entry[EXTENSION] or {})
        options["content_dir"] = str(
            (project_dir / options.get("content_dir", "content")).resolve()
        )
        if language != "en":
            options["language"] = language
        return {EXTENSION: options}
    return entry


def _write_yaml(path: Path, data: dict[str, Any]) -> None:
    import yaml

    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
