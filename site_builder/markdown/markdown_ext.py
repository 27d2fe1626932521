"""Python-Markdown extension for the courseware `:::` blocks (docs/authoring.md).

A Markdown extension rather than an mkdocs plugin so the same pages render under mkdocs and
Zensical. Each block becomes stashed HTML; author text inside blocks is rendered as Markdown
and sanitised with nh3, so a block can never smuggle script into a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from site_builder.course.model import Activity, Method
from site_builder.markdown.block_html import (
    render_activity,
    render_method_timeline,
    render_reflection,
    render_self_check,
    self_check_key,
)
from site_builder.markdown.blocks import (
    ActivityRef,
    Block,
    BlockError,
    MethodTimelineRef,
    Reflection,
    SelfCheck,
    parse_block_spans,
)
from site_builder.markdown.inline_render import render_inline, render_rich
from site_builder.markdown.search_shield import forget as forget_search_excluded
from site_builder.markdown.search_shield import register_excluded

__all__ = [
    "CoursewareExtension",
    "UnknownReferenceError",
    "forget_loaded_content",
    "makeExtension",
    "remember_loaded_content",
]

# mkdocs makes a new Markdown instance (and extension) per page, so what must outlive a page
# lives here: methods and activities per content folder, loaded once per build.
_loaded_methods: dict[Path, Mapping[str, Method]] = {}
_loaded_activities: dict[Path, Mapping[str, Activity]] = {}


class UnknownReferenceError(BlockError):
    """A block names a method or activity that the course does not define."""


class CoursewareExtension(Extension):
    """Registers the block preprocessor; config is typed keyword arguments, not legacy lists."""

    def __init__(
        self,
        *,
        content_dir: str | Path = "content",
        methods: Mapping[str, Method] | None = None,
        activities: Mapping[str, Activity] | None = None,
        tool_url: str | None = None,
        language: str = "en",
    ) -> None:
        super().__init__()
        self.content_dir = Path(content_dir)
        self.tool_url = tool_url or None
        self.language = language or "en"
        """The page language of the builder's own words (a translated build sets it)."""
        self._methods = methods
        self._activities = activities

    @property
    def methods(self) -> Mapping[str, Method]:
        if self._methods is None:
            self._methods = _load_methods(self.content_dir.resolve())
        return self._methods

    @property
    def activities(self) -> Mapping[str, Activity]:
        if self._activities is None:
            self._activities = _load_activities(self.content_dir.resolve())
        return self._activities

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown API)
        md.registerExtension(self)
        # Above html_block (20) and fenced_code (25): blocks are found before either runs;
        # fences are skipped by the parser itself.
        md.preprocessors.register(CoursewareBlockPreprocessor(md, self), "intervision_blocks", 28)


class CoursewareBlockPreprocessor(Preprocessor):
    """Replaces each block with a placeholder for its HTML, counting blocks per page."""

    def __init__(self, md: markdown.Markdown, extension: CoursewareExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        spans = parse_block_spans(lines)
        if not spans:
            return lines
        counters: dict[str, int] = {}
        self._self_check_keys: set[str] = set()
        output: list[str] = []
        position = 0
        for span in spans:
            output.extend(lines[position : span.start])
            kind = type(span.block).__name__
            counters[kind] = counters.get(kind, 0) + 1
            html = self._render(span.block, counters[kind])
            output.extend(["", self.md.htmlStash.store(html), ""])
            position = span.end + 1
        output.extend(lines[position:])
        return output

    def _render(self, block: Block, ordinal: int) -> str:
        lang = self.extension.language
        if isinstance(block, SelfCheck):
            return render_self_check(block, ordinal, self.inline, self._unique_key(block), lang)
        if isinstance(block, Reflection):
            return render_reflection(block, ordinal, self.rich, lang)
        if isinstance(block, MethodTimelineRef):
            return _timeline_html(self._method(block), block.searchable, lang)
        activity = self._activity(block)
        return render_activity(activity, ordinal, self.inline, self.extension.tool_url, lang)

    def _unique_key(self, block: SelfCheck) -> str:
        """The block's key; a question asked twice on one page gets '-2', '-3' on repeats."""
        base = key = self_check_key(block)
        repeat = 1
        while key in self._self_check_keys:
            repeat += 1
            key = f"{base}-{repeat}"
        self._self_check_keys.add(key)
        return key

    def _method(self, ref: MethodTimelineRef) -> Method:
        methods = self.extension.methods
        if ref.method not in methods:
            raise UnknownReferenceError(
                ref.line,
                f"'::: method-timeline {ref.method}' names an unknown method; use one of: "
                f"{', '.join(sorted(methods)) or '(none)'}, or add "
                f"content/methods/{ref.method}.yml",
            )
        return methods[ref.method]

    def _activity(self, ref: ActivityRef) -> Activity:
        activities = self.extension.activities
        if ref.activity not in activities:
            raise UnknownReferenceError(
                ref.line,
                f"'::: activity {ref.activity}' names an unknown activity; use one of: "
                f"{', '.join(sorted(activities)) or '(none)'}, or declare it under "
                "'activities:' in content/course.yml",
            )
        return activities[ref.activity]

    def rich(self, text: str) -> str:
        """Author Markdown with paragraphs and lists, sanitised."""
        return render_rich(text)

    def inline(self, text: str) -> str:
        """Author Markdown as phrasing content (no paragraphs), sanitised."""
        return render_inline(text)


@lru_cache(maxsize=64)
def _timeline_html(method: Method, searchable: bool, lang: str = "en") -> str:
    """A method's timeline is identical on every page that shows it: render it once.

    Keyed by the (frozen) Method itself, so an edited method file loads as a new key. An
    excluded timeline is registered so the plugin can keep it away from the search parser.
    """
    html = render_method_timeline(method, render_inline, searchable, lang)
    return html if searchable else register_excluded(html)


def _load_methods(content_dir: Path) -> Mapping[str, Method]:
    if content_dir not in _loaded_methods:
        from site_builder.course import (
            loader,  # lazy: the loader reads YAML only when a page needs it
        )

        _loaded_methods[content_dir] = loader.load_methods(content_dir)
    return _loaded_methods[content_dir]


def _load_activities(content_dir: Path) -> Mapping[str, Activity]:
    if content_dir not in _loaded_activities:
        from site_builder.course import loader

        _loaded_activities[content_dir] = loader.load_activities(content_dir)
    return _loaded_activities[content_dir]


def remember_loaded_content(
    content_dir: Path, methods: Mapping[str, Method], activities: Mapping[str, Activity]
) -> None:
    """Hand over what the plugin already loaded, so pages do not read the YAML a second time."""
    key = content_dir.resolve()
    _loaded_methods[key] = methods
    _loaded_activities[key] = activities


def forget_loaded_content() -> None:
    """Drop cached methods/activities, e.g. when `mkdocs serve` rebuilds after an edit."""
    _loaded_methods.clear()
    _loaded_activities.clear()
    _timeline_html.cache_clear()
    forget_search_excluded()


def makeExtension(**kwargs: Any) -> CoursewareExtension:  # noqa: N802 (Markdown API)
    return CoursewareExtension(**kwargs)
