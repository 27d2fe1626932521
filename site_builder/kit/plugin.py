"""A THIN mkdocs adapter for the trainer kit: generated card pages per method, the kit's
section of the navigation and stylesheet, and card PDFs after the build.

The kit is on when the docs folder has a `kit/` folder (the authored guides, forms and
glossary); a course without one gets no cards, no PDFs and no kit navigation.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import base
from mkdocs.config import config_options as options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from site_builder.course.errors import CourseValidationError
from site_builder.course.loader import load_methods
from site_builder.course.model import Method
from site_builder.kit.card_pdfs import write_card_pdfs
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

log = get_plugin_logger(__name__)


class KitConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped
    pdf = options.Type(bool, default=True)
    """Render each method's cards to site/kit/pdf/<slug>.pdf after the build (WeasyPrint)."""
    cache = options.Type(bool, default=True)
    """Reuse PDFs of unchanged cards from the user's cache folder (see pdf_cache)."""


class KitPlugin(BasePlugin[KitConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.methods: dict[str, Method] = {}
        self.card_html: dict[str, str] = {}
        self.language = "en"
        self.serving = False

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.card_html = {}
        self.methods = {}
        docs_dir = Path(config.docs_dir)
        if not (docs_dir / KIT_DIR).is_dir():
            return config
        if not (docs_dir / KIT_CSS).is_file():
            raise PluginError(
                f"{docs_dir / KIT_DIR} exists, but the kit's stylesheet {docs_dir / KIT_CSS} "
                "does not: copy content/assets/kit (stylesheet and fonts) from the project"
            )
        try:
            self.methods = _course_methods(config) or load_methods(docs_dir)
        except CourseValidationError as exc:
            if not (self.serving and _previews_errors(config)):
                raise PluginError(str(exc)) from None
            # Live preview: the intervision plugin loads the same methods, fails the same way
            # and answers every page (kit pages included) with the errors; the kit stands aside
            # (no cards, no kit navigation, no PDFs) instead of stopping the server.
            log.info("Trainer kit left out of the preview until the content errors are fixed")
            self.methods = {}
            return config
        self.language = str(config.theme.get("language") or "en")
        if KIT_CSS not in config.extra_css:
            config.extra_css.append(KIT_CSS)
        if isinstance(config.nav, list):
            config.nav.append(kit_nav(docs_dir, self.methods.values(), self.language))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        for slug, method in self.methods.items():
            src_uri = card_page(slug)
            if files.get_file_from_path(src_uri) is None:
                files.append(
                    File.generated(config, src_uri, content=card_markdown(method, self.language))
                )
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if page.file.src_uri == KIT_INDEX and CARDS_MARKER in markdown:
            return markdown.replace(
                CARDS_MARKER, cards_list_markdown(list(self.methods.values()), self.language)
            )
        return markdown

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        slug = _card_slug(page.file.src_uri)
        if slug is not None:
            self.card_html[slug] = html
        return html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.pdf or not self.card_html:
            return
        started = time.perf_counter()
        rendered = write_card_pdfs(
            Path(config.site_dir), self.card_html, self.methods, self.language, self.config.cache
        )
        log.info(
            "Card PDFs: %d rendered, %d from cache, in %.1f s",
            rendered,
            len(self.card_html) - rendered,
            time.perf_counter() - started,
        )


def _course_methods(config: MkDocsConfig) -> dict[str, Method]:
    """The methods the intervision plugin loaded (before this one): in a translated build,
    the translated ones, so the cards speak the site's language."""
    step = getattr(config.plugins.get("intervision"), "course", None)
    return dict(step.course.methods) if step is not None else {}


def _previews_errors(config: MkDocsConfig) -> bool:
    """Whether the intervision plugin is on, the one that turns errors into the error page."""
    plugin = config.plugins.get("intervision")
    return plugin is not None and bool(getattr(plugin, "config", {}).get("enabled", False))


def _card_slug(src_uri: str) -> str | None:
    prefix, suffix = "kit/cards/", ".md"
    if src_uri.startswith(prefix) and src_uri.endswith(suffix):
        return src_uri[len(prefix) : -len(suffix)]
    return None


__all__: list[Any] = ["KitConfig", "KitPlugin"]
