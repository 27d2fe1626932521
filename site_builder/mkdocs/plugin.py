"""A THIN mkdocs adapter: hands mkdocs what site_builder.build_steps makes (the course's
navigation, generated overview and method pages, catalogue.json), so the Zensical adapter
(site_builder.zensical, which runs no mkdocs plugin) gets the same from the same code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from mkdocs.config import base
from mkdocs.config import config_options as options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from site_builder.build_steps.course_step import CourseStep, load_course_step
from site_builder.build_steps.languages import alternates
from site_builder.build_steps.sections import course_nav
from site_builder.course.errors import CourseValidationError
from site_builder.markdown.markdown_ext import forget_loaded_content
from site_builder.markdown.search_shield import hide, restore
from site_builder.mkdocs.preview_errors import ERROR_PAGE, error_page_html, error_page_markdown
from site_builder.ui_text import script_texts_json, t, texts

__all__ = ["IntervisionConfig", "IntervisionPlugin", "course_nav"]

log = get_plugin_logger(__name__)

MARKDOWN_EXTENSION = "site_builder.markdown.markdown_ext"


class IntervisionConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped
    enabled = options.Type(bool, default=True)
    """Switch the plugin off (e.g. for a plain preview of one page) without editing the nav."""
    catalogue = options.Type(bool, default=True)
    """Write catalogue.json into the site folder after the build."""


class IntervisionPlugin(BasePlugin[IntervisionConfig]):  # type: ignore[no-untyped-call]
    PROGRESS_EVERY = 250
    """On large courses, say how far page writing has got every this many pages."""

    def __init__(self) -> None:
        self.course: CourseStep | None = None
        self.files: Files | None = None
        self.serving = False
        self.failure: CourseValidationError | None = None
        self.started = 0.0
        self.pages_written = 0
        self.pages_total = 0

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Defining on_startup also keeps this instance across `mkdocs serve` rebuilds.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # `mkdocs serve` reuses the plugin across rebuilds: start from nothing every time.
        self.course = None
        self.files = None
        self.failure = None
        self.started = time.perf_counter()
        self.pages_written = 0
        if not self.config.enabled:
            return config
        forget_loaded_content()
        language = str(config.theme.get("language") or "en")
        # The module template's and the blocks' own words, in the page language.
        config.extra["iv_text"] = dict(texts(language))
        if language != "en":  # what iv-*.js says, in the page language (themes/.../main.html)
            config.extra["iv_scripts"] = script_texts_json(language)
        if MARKDOWN_EXTENSION in config.mdx_configs:
            config.mdx_configs[MARKDOWN_EXTENSION]["language"] = language
        try:
            self.course = load_course_step(
                Path(config.docs_dir), include_drafts=self.serving, language=language
            )
        except CourseValidationError as exc:
            if not self.serving:
                raise PluginError(str(exc)) from None
            # Live preview: answer every page with the errors rather than hold the requests.
            log.info("%s", exc)  # not an error: strict mode would stop the preview
            self.failure = exc
            if config.nav is None:  # one entry, not every page titled "The course has errors"
                config.nav = [{"The course has errors": ERROR_PAGE}]
            return config
        course = self.course.course
        every = [self.course.source_language, *self.course.languages]
        if len(every) > 1 and not self.serving and "alternate" not in config.extra:
            config.extra["alternate"] = alternates(language, every)  # the language switcher
        drafts = (
            f" ({len(course.drafts)} draft{'s' if len(course.drafts) != 1 else ''} "
            f"{'previewed' if self.serving else 'left out'})"
        )
        log.info(
            "Loaded %d modules%s, %d methods and %d activities in %.1f s",
            len(course.modules) - (len(course.drafts) if self.serving else 0),
            drafts if course.drafts else "",
            len(course.methods),
            len(course.activities),
            time.perf_counter() - self.started,
        )
        if config.nav is None:
            config.nav = self.course.nav()
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if self.failure is not None:
            return _error_files(files, config, self.failure)
        if self.course is None:
            return files
        step = self.course
        pages = step.pages(lambda uri: files.get_file_from_path(uri) is not None)
        for src_uri, markdown in pages.items():
            files.append(File.generated(config, src_uri, content=markdown))
        for src_uri, markdown in step.authored_pages().items():
            english = files.get_file_from_path(src_uri)
            if english is not None:  # a translated build: the page in its language
                files.remove(english)
                files.append(File.generated(config, src_uri, content=markdown))
        for src_uri in step.kept_authored:
            log.info("Keeping the authored %s instead of generating it", src_uri)
        for draft_uri in step.draft_pages():
            file = files.get_file_from_path(draft_uri)
            if file is not None:  # mkdocs serves drafts in the preview and never builds them
                file.inclusion = InclusionLevel.DRAFT
        self.files = files
        self.pages_total = len(files.documentation_pages(inclusion=_built(self.serving)))
        return files

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        self.pages_written += 1
        if self.pages_written % self.PROGRESS_EVERY == 0:
            log.info("Wrote %d of %d pages", self.pages_written, self.pages_total)
        return output

    @event_priority(-100)  # last: other plugins' on_page_content see the full HTML
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.course is not None and self.course.untranslated(page.file.src_uri):
            html = _untranslated_notice(self.course.language) + f'<div lang="en">{html}</div>'
        elif self.course is not None and self.course.generated_untranslated(page.file.src_uri):
            html = _untranslated_notice(self.course.language) + html
        # Search-excluded timelines are hidden from the search parser (see search_shield).
        return hide(html)

    @event_priority(-1)  # right after the search plugin (priority 0) has indexed the page
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if page.content is not None:
            page.content = restore(page.content)
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.failure is not None:
            (Path(config.site_dir) / "404.html").write_text(
                error_page_html(self.failure), encoding="utf-8"
            )
            return
        if self.course is None:
            return
        log.info(
            "Wrote %d pages in %.1f s",
            self.pages_written,
            time.perf_counter() - self.started,
        )
        if not self.config.catalogue:
            return
        files = self.files

        def url_for(src_uri: str) -> str:
            file = files.get_file_from_path(src_uri) if files is not None else None
            if file is None:
                raise PluginError(f"catalogue.json: no page for {src_uri}")
            return file.url

        path = self.course.write_catalogue(Path(config.site_dir), url_for)
        log.info("Wrote %s", path)


def _untranslated_notice(language: str) -> str:
    """Said in the reader's language, before the English page (which is marked lang="en")."""
    return (
        f'<div class="admonition info iv-untranslated" role="note">'
        f'<p class="admonition-title">{t(language, "untranslated.title")}</p>'
        f"<p>{t(language, 'untranslated.text')}</p></div>\n"
    )


def _built(serving: bool) -> Callable[[InclusionLevel], bool]:
    """Which pages the build writes: the preview also writes drafts."""
    return InclusionLevel.is_in_serve if serving else InclusionLevel.is_included


def _error_files(files: Files, config: MkDocsConfig, failure: CourseValidationError) -> Files:
    """Every page of the preview becomes the error page: whichever page the author has open
    shows what to fix (and reloads by itself when the files change)."""
    markdown = error_page_markdown(failure)
    kept = Files([file for file in files if not file.is_documentation_page()])
    for file in files.documentation_pages():
        kept.append(File.generated(config, file.src_uri, content=markdown))
    if kept.get_file_from_path(ERROR_PAGE) is None:
        kept.append(File.generated(config, ERROR_PAGE, content=markdown))
    return kept
