"""Python-Markdown extension for the courseware `:::` blocks (docs/authoring.md).

A Markdown extension rather than an mkdocs plugin so the same pages render under mkdocs and
Zensical. Each block becomes stashed HTML; author text inside blocks is rendered as Markdown
and sanitised with nh3, so a block can never smuggle script into a page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from site_builder.block_html import (
    render_activity,
    render_method_timeline,
    render_reflection,
    render_self_check,
)
from site_builder.blocks import (
    ActivityRef,
    Block,
    BlockError,
    MethodTimelineRef,
    Reflection,
    SelfCheck,
    parse_block_spans,
)
from site_builder.model import Activity, Method

__all__ = ["CoursewareExtension", "UnknownReferenceError", "forget_loaded_content", "makeExtension"]

INLINE_TAGS = {"a", "em", "strong", "code", "br", "span", "abbr"}
BLOCK_TAGS = INLINE_TAGS | {"p", "ul", "ol", "li", "blockquote"}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
_PARAGRAPH = re.compile(r"^<p>(?P<inner>.*)</p>$", re.DOTALL)


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
    ) -> None:
        super().__init__()
        self.content_dir = Path(content_dir)
        self.tool_url = tool_url or None
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
        self._inline_md = markdown.Markdown(output_format="html")

    def run(self, lines: list[str]) -> list[str]:
        spans = parse_block_spans(lines)
        if not spans:
            return lines
        counters: dict[str, int] = {}
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
        if isinstance(block, SelfCheck):
            return render_self_check(block, ordinal, self.inline)
        if isinstance(block, Reflection):
            return render_reflection(block, ordinal, self.rich)
        if isinstance(block, MethodTimelineRef):
            return render_method_timeline(self._method(block), self.inline)
        return render_activity(self._activity(block), ordinal, self.inline, self.extension.tool_url)

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
        self._inline_md.reset()
        html = self._inline_md.convert(text)
        return nh3.clean(html, tags=BLOCK_TAGS, attributes=ATTRIBUTES)

    def inline(self, text: str) -> str:
        """Author Markdown as phrasing content (no paragraphs), sanitised."""
        html = self.rich(text).strip()
        match = _PARAGRAPH.match(html)
        if match and "<p>" not in match.group("inner"):
            html = match.group("inner")
        return nh3.clean(html, tags=INLINE_TAGS, attributes=ATTRIBUTES)


@lru_cache(maxsize=8)
def _load_methods(content_dir: Path) -> Mapping[str, Method]:
    from site_builder import loader  # lazy: the loader reads YAML only when a page needs it

    return loader.load_methods(content_dir)


@lru_cache(maxsize=8)
def _load_activities(content_dir: Path) -> Mapping[str, Activity]:
    from site_builder import loader

    return loader.load_activities(content_dir)


def forget_loaded_content() -> None:
    """Drop cached methods/activities, e.g. when `mkdocs serve` rebuilds after an edit."""
    _load_methods.cache_clear()
    _load_activities.cache_clear()


def makeExtension(**kwargs: Any) -> CoursewareExtension:  # noqa: N802 (Markdown API)
    return CoursewareExtension(**kwargs)
