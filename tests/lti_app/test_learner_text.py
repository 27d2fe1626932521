"""Learner text: every known XSS payload renders inert, ordinary Markdown still renders, the
length cap refuses, pathological input stays fast, and the plain variant carries no control
characters. The same payloads go through real Chromium in tests/e2e/test_learner_text_browser.py.
"""

from __future__ import annotations

import time
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask, render_template_string
from markdown import inlinepatterns
from markupsafe import Markup

from lti_app.web import learner_text
from lti_app.web.learner_text import (
    MAX_LEARNER_TEXT,
    LearnerTextTooLong,
    is_too_long,
    learner_plain,
    normalise_learner_text,
    render_learner_markdown,
)
from tests.support.xss_payloads import XSS_PAYLOADS, Payload, markup_problems, url_scheme


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_the_payload_list_is_the_cheat_sheet_not_a_token() -> None:
    assert len(XSS_PAYLOADS) >= 70
    assert len({payload.id for payload in XSS_PAYLOADS}) == len(XSS_PAYLOADS)
    assert max(len(payload.text) for payload in XSS_PAYLOADS) == MAX_LEARNER_TEXT


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=lambda payload: payload.id)
def test_no_payload_leaves_markup_that_could_run(payload: Payload) -> None:
    html = render_learner_markdown(payload.text)
    assert isinstance(html, Markup)
    assert markup_problems(html) == []
    for tag, attrs in tags_of(html):
        assert tag in learner_text.ALLOWED_TAGS
        assert set(attrs) <= {"href", "title", "rel"}
        if "href" in attrs:
            assert url_scheme(attrs["href"] or "") in {"http", "https", "mailto"}
            assert attrs["rel"] == "nofollow noopener noreferrer"


def test_the_checker_itself_catches_what_it_is_for() -> None:
    """The parser-based check is not vacuous: it flags the raw payloads."""
    flagged = {
        '<img src=x onerror="x">': "<img>",
        '<a href="jav&#x09;ascript:x">x</a>': "<a href=",
        '<a href="/relative">x</a>': "<a href=",
        '<p style="x">': "<p style>",
        "<!-- x -->": "<!-- comment -->",
        '<a href="https://ok.example/" target="_blank">': "<a target>",
    }
    for html, problem in flagged.items():
        assert any(found.startswith(problem) for found in markup_problems(html)), html


def test_raw_html_shows_as_text() -> None:
    html = render_learner_markdown('<b>bold</b> <img src=x onerror="x"> a < b & c')
    assert html == '<p>&lt;b&gt;bold&lt;/b&gt; &lt;img src=x onerror="x"&gt; a &lt; b &amp; c</p>'


def test_ordinary_markdown_still_renders() -> None:
    text = (
        "A *light* and **strong** point,\nwith a line break.\n\n"
        "- one\n- two\n\n"
        "1. first\n2. second\n\n"
        "> a quote\n\n"
        'Use `a < b` here and [the course](https://example.org/c?a=1&b=2 "Course").\n\n'
        "```\n<not a tag>\n```\n\n"
        "Write to <trainer@example.org> or see <https://example.org/>."
    )
    html = str(render_learner_markdown(text))
    assert "<em>light</em>" in html
    assert "<strong>strong</strong>" in html
    assert "point,<br>\nwith" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html
    assert "<blockquote>\n<p>a quote</p>\n</blockquote>" in html
    assert "<code>a &lt; b</code>" in html
    assert (
        '<a href="https://example.org/c?a=1&amp;b=2" title="Course" '
        'rel="nofollow noopener noreferrer">the course</a>'
    ) in html
    assert "<pre><code>&lt;not a tag&gt;\n</code></pre>" in html
    assert (
        '<a href="mailto:trainer@example.org" rel="nofollow noopener noreferrer">'
        "trainer@example.org</a>"
    ) in html
    assert (
        '<a href="https://example.org/" rel="nofollow noopener noreferrer">https://example.org/</a>'
    ) in html
    assert "target" not in html
    assert markup_problems(html) == []


def test_images_headings_and_rules_stay_text() -> None:
    html = render_learner_markdown("![me](https://tracker.example/p.gif)\n\n# Big\n\n---")
    assert html == "<p>![me](https://tracker.example/p.gif)</p>\n<p># Big</p>\n<p>---</p>"


def test_links_outside_http_https_mailto_lose_their_href_and_keep_their_text() -> None:
    html = render_learner_markdown("[a](javascript:x) [b](/relative) [c](//evil.example/)")
    assert html == (
        '<p><a rel="nofollow noopener noreferrer">a</a> <a rel="nofollow noopener noreferrer">b'
        '</a> <a rel="nofollow noopener noreferrer">c</a></p>'
    )


def test_empty_and_blank_text_render_as_nothing() -> None:
    assert render_learner_markdown("") == Markup("")
    assert render_learner_markdown(" \n\t\r\n") == Markup("")


def test_text_over_the_cap_is_refused_not_truncated() -> None:
    at_cap = "a" * MAX_LEARNER_TEXT
    assert not is_too_long(at_cap)
    assert render_learner_markdown(at_cap) == f"<p>{at_cap}</p>"
    assert is_too_long(at_cap + "b")
    with pytest.raises(LearnerTextTooLong) as refused:
        render_learner_markdown(at_cap + "b")
    assert refused.value.status == 400
    assert "nothing was saved" in refused.value.message


def test_the_cap_counts_a_browser_line_break_once() -> None:
    text = "a\r\n" * (MAX_LEARNER_TEXT // 2 - 1) + "a"
    assert len(text) > MAX_LEARNER_TEXT
    assert not is_too_long(text)
    assert "\r" not in normalise_learner_text(text)


PATHOLOGICAL = {
    "open-brackets": "[" * MAX_LEARNER_TEXT,
    "open-bracket-text": "[x" * (MAX_LEARNER_TEXT // 2),
    "brackets-then-text": "[" * 200 + "a" * (MAX_LEARNER_TEXT - 200),
    "link-destinations": ("[a](" + "(" * 40) * 200,
    "nested-lists": "- " * (MAX_LEARNER_TEXT // 2),
    "nested-numbered": "1. " * (MAX_LEARNER_TEXT // 3),
    "nested-quotes": "> " * (MAX_LEARNER_TEXT // 2),
    "quote-list": "> - " * (MAX_LEARNER_TEXT // 4),
    "emphasis": "**a" * (MAX_LEARNER_TEXT // 3),
    "lt": "<" * MAX_LEARNER_TEXT,
    "backslashes": "\\" * MAX_LEARNER_TEXT,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_text_at_the_cap_renders_fast_and_whole(text: str) -> None:
    """Python-Markdown alone took 40 s for 10,000 "[" and overflowed the stack on "- - - ..."."""
    started = time.perf_counter()
    html = render_learner_markdown(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert markup_problems(html) == []


def test_links_late_in_a_long_text_are_parsed_within_their_own_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Markdown is handed only the window after each "[" and "](", not the text before it:
    a window from the start of the text made 200 links cost 0.7 s (quadratic in the length)."""
    handed: list[int] = []
    for name in ("getText", "getLink"):
        original = getattr(inlinepatterns.LinkInlineProcessor, name)

        def recording(self: object, data: str, index: int, _original: Any = original) -> Any:
            handed.append(len(data))
            return _original(self, data, index)

        monkeypatch.setattr(inlinepatterns.LinkInlineProcessor, name, recording)
    filler = "Words before the links. " * 300
    text = filler + "[a [nested] text](https://x.example/a_(b)) and [second](https://x.example/)"
    html = render_learner_markdown(text)
    assert html.endswith(
        '<a href="https://x.example/a_(b)" rel="nofollow noopener noreferrer">a [nested] text</a>'
        ' and <a href="https://x.example/" rel="nofollow noopener noreferrer">second</a></p>'
    )
    assert handed, "the link parser was not reached"
    assert max(handed) <= max(learner_text.MAX_LINK_TEXT, learner_text.MAX_LINK_DESTINATION)


def test_an_unclosed_bracket_far_into_the_text_stays_text() -> None:
    text = "x " * 4_000 + "[not a link](https://x.example/ and [a](https://x.example/b)"
    html = render_learner_markdown(text)
    assert "[not a link](https://x.example/ and " in html
    assert html.endswith(
        '<a href="https://x.example/b" rel="nofollow noopener noreferrer">a</a></p>'
    )


def test_too_deep_or_bracket_heavy_text_is_shown_as_typed() -> None:
    deep = "- " * 40 + "x\nnext line\n\nnew <paragraph>"
    assert render_learner_markdown(deep) == (
        "<p>" + "- " * 40 + "x<br>\nnext line</p>\n<p>new &lt;paragraph&gt;</p>"
    )
    assert render_learner_markdown("[" * 201) == "<p>" + "[" * 201 + "</p>"


def test_control_characters_and_separators_are_normalised() -> None:
    assert normalise_learner_text("a\x00b\x1bc\x7fd\x9fe\ud800f") == "abcdef"
    assert normalise_learner_text("a\u2028b\u2029c\r\nd\re\x85f\x0bg\x0ch") == (
        "a\nb\nc\nd\ne\nf\ng\nh"
    )
    assert normalise_learner_text("keep\ttabs  \n\n") == "keep\ttabs"


def test_plain_text_for_csv_email_and_subjects() -> None:
    text = "Case:\x00 =1+2\r\n\r\n\r\n\u202eevil\u202c txt\tend \u2028line\n"
    assert learner_plain(text) == "Case: =1+2\n\nevil txt end \nline"
    assert learner_plain(text, one_line=True) == "Case: =1+2 evil txt end line"
    assert learner_plain("<b>&amp;</b>") == "<b>&amp;</b>", "plain text is not HTML"
    assert "\u200f" in learner_plain("\u200fRTL mark stays")


def test_the_filter_is_registered_and_escapes_nothing_twice() -> None:
    app = Flask(__name__)
    learner_text.init_app(app)
    with app.app_context():
        html = render_template_string(
            "<div>{{ body | learner_markdown }}</div><div>{{ gone | learner_markdown }}</div>",
            body="*hi* <script>x</script>",
            gone=None,
        )
    assert html == "<div><p><em>hi</em> &lt;script&gt;x&lt;/script&gt;</p></div><div></div>"


def test_the_tool_app_has_the_filter(app: Flask) -> None:
    assert app.jinja_env.filters["learner_markdown"] is learner_text.learner_markdown_filter
