"""A THIN mkdocs adapter: load and validate the course, order the navigation, add the
generated overview and method pages, write catalogue.json. The logic lives in loader,
pages and catalogue, so Zensical (which ignores mkdocs plugins) can run it as a pre-build step.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from site_builder.course.errors import CourseValidationError
from site_builder.course.loader import load_course
from site_builder.course.model import Course
from site_builder.export.catalogue import write_catalogue
from site_builder.markdown.markdown_ext import forget_loaded_content, remember_loaded_content
from site_builder.markdown.search_shield import hide, restore
from site_builder.mkdocs.pages import generated_pages
from site_builder.mkdocs.sections import course_nav

__all__ = ["IntervisionConfig", "IntervisionPlugin", "course_nav"]

log = get_plugin_logger(__name__)


class IntervisionConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped
    enabled = options.Type(bool, default=True)
    """Switch the plugin off (e.g. for a plain preview of one page) without editing the nav."""
    catalogue = options.Type(bool, default=True)
    """Write catalogue.json into the site folder after the build."""


class IntervisionPlugin(BasePlugin[IntervisionConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.course: Course | None = None
        self.files: Files | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # `mkdocs serve` reuses the plugin across rebuilds: start from nothing every time.
        self.course = None
        self.files = None
        if not self.config.enabled:
            return config
        forget_loaded_content()
        try:
            self.course = load_course(Path(config.docs_dir))
        except CourseValidationError as exc:
            raise PluginError(str(exc)) from None
        remember_loaded_content(Path(config.docs_dir), self.course.methods, self.course.activities)
        if config.nav is None:
            config.nav = course_nav(self.course)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if self.course is None:
            return files
        for src_uri, markdown in generated_pages(self.course).items():
            if files.get_file_from_path(src_uri) is not None:
                log.info("Keeping the authored %s instead of generating it", src_uri)
                continue
            files.append(File.generated(config, src_uri, content=markdown))
        self.files = files
        return files

    @event_priority(-100)  # last: other plugins' on_page_content see the full HTML
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
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
        if self.course is None or not self.config.catalogue:
            return
        files = self.files

        def url_for(src_uri: str) -> str:
            file = files.get_file_from_path(src_uri) if files is not None else None
            if file is None:
                raise PluginError(f"catalogue.json: no page for {src_uri}")
            return file.url

        path = write_catalogue(self.course, Path(config.site_dir), datetime.now(UTC), url_for)
        log.info("Wrote %s", path)
