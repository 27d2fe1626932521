"""Module sections for large courses: the navigation and the overview in pages of ~25 modules.

With `navigation.prune` Material renders only the open branch of the navigation, but one flat
"Modules" section of 1000 entries is one branch: every page would carry 1000 links (~100 KB).
Grouping keeps each page's navigation at a few dozen links, and gives each group an index page
(`navigation.indexes`) that lists its modules with duration and objectives, so the overview can
stay a compact table of groups. Small courses (the usual case) stay one flat section.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from site_builder.course.loader import OVERVIEW_PAGE, method_page
from site_builder.course.model import Course, Module
from site_builder.ui_text import t

GROUP_ABOVE = 50
"""Courses with more modules than this get sections; at or below it the nav stays flat."""
MODULES_PER_SECTION = 25


@dataclass(frozen=True)
class ModuleSection:
    """Modules first..last (1-based positions in course.yml order) and their index page."""

    number: int
    first: int
    modules: tuple[Module, ...]

    @property
    def last(self) -> int:
        return self.first + len(self.modules) - 1

    @property
    def title(self) -> str:
        return self.title_in("en")

    def title_in(self, language: str) -> str:
        return t(language, "section.title", first=self.first, last=self.last)

    @property
    def src_uri(self) -> str:
        """Docs-relative index page; `index.md` so navigation.indexes attaches it."""
        return f"modules/part-{self.number}/index.md"

    @property
    def total_minutes(self) -> int:
        return sum(module.duration_minutes for module in self.modules)


def module_sections(course: Course) -> list[ModuleSection]:
    """The course's sections, or [] when the course is small enough for one flat list."""
    modules = course.modules
    if len(modules) <= GROUP_ABOVE:
        return []
    return [
        ModuleSection(
            number=index + 1, first=start + 1, modules=modules[start : start + MODULES_PER_SECTION]
        )
        for index, start in enumerate(range(0, len(modules), MODULES_PER_SECTION))
    ]


def course_nav(course: Course) -> list[Any]:
    """Overview first, then modules in course.yml order (in sections when many), then methods.

    Plain data in mkdocs' `nav` shape, so the benchmark can give bare Material the same nav.
    """
    methods = sorted(course.methods.values(), key=lambda method: method.name.lower())
    sections = module_sections(course)
    lang = course.language
    if sections:
        modules: list[Any] = [
            {
                section.title_in(lang): [
                    section.src_uri,
                    *({m.title: m.src_uri} for m in section.modules),
                ]
            }
            for section in sections
        ]
    else:
        modules = [{module.title: module.src_uri} for module in course.modules]
    return [
        {t(lang, "overview.nav"): OVERVIEW_PAGE},
        {t(lang, "modules.nav"): modules},
        {t(lang, "methods.nav"): [{method.name: method_page(method.slug)} for method in methods]},
    ]
