"""The courseware step of a build: load the course, its navigation, its generated pages and
catalogue.json. Engine-neutral, so mkdocs (through the plugin) and Zensical (which runs no
mkdocs plugin) get the same pages from the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from site_builder.build_steps.pages import generated_pages
from site_builder.build_steps.sections import course_nav
from site_builder.course.loader import load_course
from site_builder.course.model import Course
from site_builder.course.translation_files import translation_languages
from site_builder.course.translations import Translation, load_translation
from site_builder.export.catalogue import write_catalogue
from site_builder.markdown.markdown_ext import forget_loaded_content, remember_loaded_content

IsAuthored = Callable[[str], bool]
"""Whether the docs folder already has a page at this docs-relative path."""
UrlFor = Callable[[str], str]


@dataclass(frozen=True)
class CourseStep:
    """One build's course and what it adds to the site."""

    course: Course
    docs_dir: Path
    kept_authored: list[str] = field(default_factory=list)
    translation: Translation | None = None
    """Set in a translated build: `course` is then the translated course."""
    source_language: str = "en"
    languages: tuple[str, ...] = ()
    """The course's translations (content/translations/<lang>/), whichever this build is."""

    @property
    def language(self) -> str:
        return self.course.language

    def authored_pages(self) -> dict[str, str]:
        """A translated build's Markdown for the authored pages (modules, kit pages), by
        docs-relative path: each replaces the English file of that path."""
        return dict(self.translation.pages) if self.translation is not None else {}

    def untranslated(self, src_uri: str) -> bool:
        """Whether this page of a translated build is the English source (with a notice)."""
        return self.translation is not None and src_uri in self.translation.fallback

    def generated_untranslated(self, src_uri: str) -> bool:
        """Whether this generated page of a translated build shows untranslated method data
        (its headings and labels are in the site's language, its text is not)."""
        return self.translation is not None and src_uri in self.translation.generated_fallback

    def nav(self) -> list[Any]:
        """Overview, modules (in sections when many), methods: mkdocs' `nav` shape."""
        return course_nav(self.course)

    def pages(self, is_authored: IsAuthored) -> dict[str, str]:
        """Generated Markdown by docs-relative path; an authored page of the same path wins
        (its path is added to `kept_authored`, so the caller can say so)."""
        pages: dict[str, str] = {}
        self.kept_authored.clear()
        for src_uri, markdown in generated_pages(self.course).items():
            if is_authored(src_uri):
                self.kept_authored.append(src_uri)
                continue
            pages[src_uri] = markdown
        return pages

    def draft_pages(self) -> list[str]:
        """Docs-relative paths of draft modules: previewed, never published."""
        return [draft.src_uri for draft in self.course.drafts]

    def write_catalogue(self, site_dir: Path, url_for: UrlFor) -> Path:
        """Write site_dir/catalogue.json, the tool's contract, with each page's engine URL."""
        return write_catalogue(self.course, site_dir, datetime.now(UTC), url_for)


def load_course_step(
    docs_dir: Path, *, include_drafts: bool = False, language: str | None = None
) -> CourseStep:
    """Load and validate the course (raises CourseValidationError) and hand its methods and
    activities to the Markdown extension, so pages do not read the YAML a second time.

    `language`: the site's language; when the course has a translation folder for it (and it
    is not the source's language), the step is the translated course."""
    forget_loaded_content()
    course = load_course(docs_dir, include_drafts=include_drafts)
    source = course.language
    present = tuple(lang for lang in translation_languages(docs_dir) if lang != source)
    translation = None
    if language and language in present:
        translation = load_translation(course, language)
        course = translation.course
    remember_loaded_content(docs_dir, course.methods, course.activities)
    return CourseStep(
        course=course,
        docs_dir=docs_dir,
        translation=translation,
        source_language=source,
        languages=present,
    )
