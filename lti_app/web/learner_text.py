"""Text that learners write (cases, questions, hypotheses, advice, reflections), shown safely.

Stored raw, rendered at display time:

* :func:`render_learner_markdown` (the Jinja filter ``learner_markdown``): a small Markdown
  (paragraphs, emphasis, lists, blockquotes, code, line breaks, links) as HTML, for pages;
* :func:`learner_plain`: text that never carries markup, for CSV exports, emails and
  notification subjects (CSV callers still quote formula cells themselves: ``csv_cell`` in
  ``web/signups/instructor_views.py``).

Two layers, each enough on its own against the payloads in ``tests/support/xss_payloads.py``:

1. Python-Markdown with its raw-HTML processors taken out (it has had no safe mode since 3.0).
   Deregistering the ``html_block`` preprocessor and the ``html`` inline pattern is the robust
   way: ``<``, ``>`` and ``&`` in learner text then stay text and the serializer escapes them
   exactly once, while the Markdown syntax that uses those characters keeps working (``> quote``,
   ``<https://autolinks>``, ``a < b`` inside code spans). Escaping the source before Markdown
   instead would break quotes and autolinks and escape code spans twice; an extension that
   drops HTML blocks would lose what the learner typed. Images, headings and rules are taken out
   too: a learner's image URL is a tracking pixel and a third-party request, and headings would
   break the page's outline. No ``attr_list`` or ``md_in_html`` (they let text set attributes).
2. nh3 (ammonia) over the result with an explicit allow-list of tags and attributes (no
   ``style``, no ``on*``, no ``class``, no ``id``), links only to absolute http, https and mailto
   URLs (relative and protocol-relative ones are dropped: ``url_relative="deny"``), every link
   with ``rel="nofollow noopener noreferrer"`` and no ``target``. nh3 parses like a browser, so
   entity-encoded or tab-split schemes (``&#106;avascript:``, ``jav&#x09;ascript:``) are decoded
   before the scheme is checked.

Rendering is about 2 ms a text (a round page of 200 posts spent 40 % of its time here), and
it is a pure function of the text, so :func:`render_learner_markdown` keeps recent results in
a small in-process LRU (:class:`RenderCache`): keyed by a SHA-256 of the renderer version
(:data:`RENDERER_VERSION`) and the text, bounded in entries and in characters, and every entry
dropped :data:`CACHE_SECONDS` after it was made. No database, no invalidation and no state
shared between processes: a hit returns exactly what rendering returns. The time bound is for
case text, which is deleted on withdrawal and after the retention period: the page stops asking
for it at once (it has no text to look up), an entry is never served after
:data:`CACHE_SECONDS`, and expired entries are dropped at the process's next rendering (a sweep
every tenth of that time at most). A hit is faster than a miss, so a page could tell that the
same exact text was shown in this process lately; it is not told whose, and the difference
(about 2 ms in a page of 100 ms or more, over the network) is not worth guessing texts for.

Length is capped before rendering: callers refuse text longer than :data:`MAX_LEARNER_TEXT`
(after :func:`normalise_learner_text`, the form to store and to measure) with a clear message
and save nothing; :func:`render_learner_markdown` raises :class:`LearnerTextTooLong` rather than
truncate anything that slipped past.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Final

import markdown
import nh3
from flask import Flask
from markdown import inlinepatterns
from markupsafe import Markup, escape

from lti_app.domain.errors import IntervisionError

MAX_LEARNER_TEXT: Final = 10_000
"""Characters of one piece of learner text, counted after :func:`normalise_learner_text`."""

ALLOWED_TAGS: Final = frozenset(
    {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre", "a"}
)
ALLOWED_ATTRIBUTES: Final = {"a": frozenset({"href", "title"})}
URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
LINK_REL: Final = "nofollow noopener noreferrer"

# Python-Markdown's link parsing scans from every "[" to its "]" (and from "](" to its ")"),
# character by character in Python: 10,000 characters of "[" took 40 s. Link text and
# destination are bounded, and text with more "[" than this is shown without formatting.
MAX_LINK_TEXT: Final = 300
MAX_LINK_DESTINATION: Final = 2_000
MAX_BRACKETS: Final = 200
# Nested lists and quotes recurse in the parser ("- - - - x" is a list in a list in a list):
# from about 250 levels Python's recursion limit is hit. Deeper text is shown unformatted.
MAX_NESTING: Final = 16
_DEEP_NESTING = re.compile(
    rf"^[ \t]*(?:(?:>|(?:[-*+]|\d{{1,9}}[.)])[ \t])[ \t]*){{{MAX_NESTING}}}", re.MULTILINE
)

# Markdown built-ins that must not run on learner text (see the module docstring).
_NO_PREPROCESSORS = ("html_block",)
_NO_BLOCK_PROCESSORS = ("hashheader", "setextheader", "hr")
_NO_INLINE_PATTERNS = ("html", "image_link", "image_reference", "short_image_ref")
# fenced_code: ``` blocks (its {attributes} are dropped by nh3); nl2br: a newline is a line
# break, as people expect in a text box; sane_lists: a numbered list never turns into bullets.
_EXTENSIONS = ("fenced_code", "nl2br", "sane_lists")

# Line breaks of every kind become "\n" (CR LF from form posts, the Unicode line and paragraph
# separators, NEL, vertical tab, form feed); other control characters, lone surrogates (they
# cannot be encoded in the response) and the noncharacters U+FFFE/U+FFFF are removed. STX and
# ETX go with them: Python-Markdown uses them to mark its placeholders.
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Explicit bidirectional embeddings, overrides and isolates: in a subject line or a CSV cell
# they reorder the text around them (a file name that reads backwards). Marks (U+200E/F) stay.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_RUN = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")

CACHE_ENTRIES: Final = 4_096
"""Rendered texts kept per process (a round page of 200 posts uses 200)."""
CACHE_CHARACTERS: Final = 8_000_000
"""Characters of rendered HTML kept per process, all entries together (at most ~32 MB)."""
CACHE_SECONDS: Final = 300.0
"""How long a rendered text is kept at most, however often it is read."""
_ENTRY_OVERHEAD: Final = 100  # characters charged per entry for its key and bookkeeping


class LearnerTextTooLong(IntervisionError):
    status = 400
    title = "The text is too long"
    message = (  # a literal, so the catalogue finds it; a test keeps the number MAX_LEARNER_TEXT
        "A text may have at most 10,000 characters. "
        "Please shorten it and send it again; nothing was saved."
    )


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)
_local = threading.local()  # a Markdown instance keeps state while converting: one per thread


class _BoundedScan(inlinepatterns.LinkInlineProcessor):
    """Link parsing that looks at most MAX_LINK_TEXT characters for the "]" and at most
    MAX_LINK_DESTINATION for the ")"; the indices it returns still refer to ``data``.

    Each scan gets only its window, starting at ``index``: Markdown 3.11 finds the bracket
    ends of the whole string it is given, so a window from the start of ``data`` made every
    link cost the length of the text before it (200 links: 0.7 s). Where a "]" closes
    depends only on the brackets after ``index``, so the window gives the same answer."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 (Markdown)
        window = data[index : index + MAX_LINK_TEXT]
        if "]" not in window:
            return "", index, False
        text, end, handled = super().getText(window, 0)
        return text, index + end, handled

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        href, title, end, handled = super().getLink(data[index : index + MAX_LINK_DESTINATION], 0)
        return href, title, index + end, handled


class _Link(_BoundedScan):
    pass


class _Reference(_BoundedScan, inlinepatterns.ReferenceInlineProcessor):
    pass


class _ShortReference(_BoundedScan, inlinepatterns.ShortReferenceInlineProcessor):
    pass


def _markdown() -> markdown.Markdown:
    md: markdown.Markdown | None = getattr(_local, "markdown", None)
    if md is None:
        md = markdown.Markdown(extensions=list(_EXTENSIONS), output_format="html")
        for name in _NO_PREPROCESSORS:
            md.preprocessors.deregister(name)
        for name in _NO_BLOCK_PROCESSORS:
            md.parser.blockprocessors.deregister(name)
        for name in _NO_INLINE_PATTERNS:
            md.inlinePatterns.deregister(name)
        # Same names and priorities as Python-Markdown's own (markdown/inlinepatterns.py).
        md.inlinePatterns.register(_Reference(inlinepatterns.REFERENCE_RE, md), "reference", 170)
        md.inlinePatterns.register(_Link(inlinepatterns.LINK_RE, md), "link", 160)
        md.inlinePatterns.register(
            _ShortReference(inlinepatterns.REFERENCE_RE, md), "short_reference", 130
        )
        _local.markdown = md
    return md


def normalise_learner_text(text: str) -> str:
    """The text to store and to measure against :data:`MAX_LEARNER_TEXT`: every line break as
    "\\n", no control characters (tabs stay), no trailing whitespace."""
    text = _LINE_BREAKS.sub("\n", text)
    return _CONTROLS.sub("", text).rstrip()


def is_too_long(text: str) -> bool:
    """For the caller's form check: refuse (never truncate) when this is true."""
    return len(normalise_learner_text(text)) > MAX_LEARNER_TEXT


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0


class RenderCache:
    """A thread-safe LRU of rendered texts, bounded in entries, in characters and in age.

    Hand-written (30 lines) because ``functools.lru_cache`` bounds only the count, and the
    bound that matters here is the size of what is kept and how long."""

    def __init__(
        self,
        *,
        entries: int = CACHE_ENTRIES,
        characters: int = CACHE_CHARACTERS,
        seconds: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries, self.max_characters, self.seconds = entries, characters, seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._items: OrderedDict[bytes, tuple[float, str]] = OrderedDict()
        self.characters = 0
        self.stats = CacheStats()
        self._next_sweep = clock() + seconds / 10

    def __len__(self) -> int:
        return len(self._items)

    def get_or_render(self, renderer_version: str, text: str, render: Callable[[str], str]) -> str:
        key = hashlib.sha256(f"{renderer_version}\0{text}".encode("utf-8", "replace")).digest()
        now = self._clock()
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            found = self._items.get(key)
            if found is not None and now - found[0] < self.seconds:
                self._items.move_to_end(key)
                self.stats.hits += 1
                return found[1]
            self.stats.misses += 1
        html = render(text)  # outside the lock: two threads may render one text, both right
        cost = len(html) + _ENTRY_OVERHEAD
        with self._lock:
            self._drop(key)
            if cost <= self.max_characters:
                self._items[key] = (now, html)
                self.characters += cost
            while len(self._items) > self.max_entries or self.characters > self.max_characters:
                self._drop(next(iter(self._items)))
                self.stats.evictions += 1
        return html

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.characters = 0

    def _sweep(self, now: float) -> None:
        """Drop every expired entry, read or not (the LRU order is not the age order)."""
        for key in [k for k, (made, _) in self._items.items() if now - made >= self.seconds]:
            self._drop(key)
        self._next_sweep = now + self.seconds / 10

    def _drop(self, key: bytes) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self.characters -= len(old[1]) + _ENTRY_OVERHEAD


RENDERER_VERSION: Final = "|".join(
    (
        "1",  # raise when this module renders differently with the same settings below
        version("markdown"),
        version("nh3"),
        ",".join(sorted(ALLOWED_TAGS)),
        repr(sorted((tag, sorted(names)) for tag, names in ALLOWED_ATTRIBUTES.items())),
        ",".join(sorted(URL_SCHEMES)),
        LINK_REL,
        repr((MAX_LINK_TEXT, MAX_LINK_DESTINATION, MAX_BRACKETS, MAX_NESTING)),
        repr((_NO_PREPROCESSORS, _NO_BLOCK_PROCESSORS, _NO_INLINE_PATTERNS, _EXTENSIONS)),
    )
)
"""Part of every cache key: what could change the HTML of the same text."""

render_cache = RenderCache()
"""The process's cache of :func:`render_learner_markdown` (``clear()`` it to time cold pages)."""


def render_learner_markdown(text: str) -> Markup:
    """Learner Markdown as sanitised HTML (block content: paragraphs, lists, quotes, code)."""
    text = normalise_learner_text(text)
    if len(text) > MAX_LEARNER_TEXT:
        raise LearnerTextTooLong(f"{len(text)} characters, at most {MAX_LEARNER_TEXT}")
    if not text.strip():
        return Markup("")
    html = render_cache.get_or_render(RENDERER_VERSION, text, _render)
    return Markup(html)  # noqa: S704 (sanitised by nh3 in _render)


def _render(text: str) -> str:
    """The uncached rendering of normalised text within the length cap."""
    html = _unformatted(text) if _too_complex(text) else _convert(text)
    return _cleaner.clean(html)


def _too_complex(text: str) -> bool:
    return text.count("[") > MAX_BRACKETS or _DEEP_NESTING.search(text) is not None


def _convert(text: str) -> str:
    md = _markdown()
    try:
        return md.convert(text)
    except RecursionError:  # nesting the guard above did not foresee: show it as typed
        return _unformatted(text)
    finally:
        md.reset()


def _unformatted(text: str) -> str:
    """Text as typed, escaped: paragraphs at blank lines, line breaks kept, no Markdown."""
    paragraphs = _PARAGRAPH_BREAK.split(text.strip())
    return "\n".join(
        "<p>" + "<br>\n".join(str(escape(line)) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )


def learner_plain(text: str, *, one_line: bool = False) -> str:
    """Learner text for places that never carry markup (CSV, email bodies, subjects): no control
    characters or bidirectional overrides, tabs as spaces, at most one blank line in a row;
    ``one_line`` collapses every run of whitespace, newlines included, into one space (email
    subjects and headers, notification titles, CSV cells read as one line)."""
    text = _BIDI_CONTROLS.sub("", normalise_learner_text(text)).replace("\t", " ")
    if one_line:
        return _WHITESPACE_RUN.sub(" ", text).strip()
    return _BLANK_LINES.sub("\n\n", text).strip()


def learner_markdown_filter(value: str | None) -> Markup:
    """``{{ post.body | learner_markdown }}``; purged text (``None``) renders as nothing."""
    if value is None:
        return Markup("")
    return render_learner_markdown(str(value))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["learner_markdown"] = learner_markdown_filter
