"""The fast path for plain snippets must give exactly what full Markdown + nh3 gives."""

from __future__ import annotations

import markdown
import nh3
import pytest

from site_builder.markdown.inline_render import (
    ATTRIBUTES,
    BLOCK_TAGS,
    INLINE_TAGS,
    is_plain,
    render_inline,
    render_rich,
)

PLAIN = [
    "Right: colleagues of equal standing consult each other.",
    'She said "not now", and it\'s fine (really) - 100% sure?',
    "Ein Satz mit Umlauten: Gespräch über Fälle.",
    "Phase 2. Then 3.",
]
NOT_PLAIN = [
    "*emphasis* here",
    "a [link](https://example.org)",
    "- a list item",
    "1. numbered",
    "# heading",
    "> quote",
    "x < y & z",
    "two\nlines",
    " leading space",
    "trailing break  ",
    "<script>alert(1)</script>",
]


def slow_rich(text: str) -> str:
    html = markdown.markdown(text, output_format="html")
    return nh3.clean(html, tags=BLOCK_TAGS, attributes=ATTRIBUTES)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_takes_the_fast_path_with_identical_output(text: str) -> None:
    assert is_plain(text)
    assert render_rich(text) == slow_rich(text)
    inner = slow_rich(text).removeprefix("<p>").removesuffix("</p>")
    assert render_inline(text) == nh3.clean(inner, tags=INLINE_TAGS, attributes=ATTRIBUTES)


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_markdown_syntax_takes_the_full_route(text: str) -> None:
    assert not is_plain(text)
    assert render_rich(text) == slow_rich(text)


def test_script_never_survives() -> None:
    assert "<script" not in render_inline("<script>alert(1)</script> *hi*")
    assert render_inline("*hi*") == "<em>hi</em>"
