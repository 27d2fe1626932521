"""Author Markdown inside blocks (questions, options, feedback, prompts, phase goals) as HTML.

A page has dozens of such snippets and a course thousands, so this must be cheap: one reused
Markdown instance for the whole process, a cache per identical text (method phases repeat on
every page that shows the timeline), and a fast path for plain sentences, which are the common
case and need no Markdown at all. Output is always sanitised with nh3 or built from escaped
text only, so a snippet can never smuggle script into a page.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

import markdown
import nh3

INLINE_TAGS = {"a", "em", "strong", "code", "br", "span", "abbr"}
BLOCK_TAGS = INLINE_TAGS | {"p", "ul", "ol", "li", "blockquote"}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
_PARAGRAPH = re.compile(r"^<p>(?P<inner>.*)</p>$", re.DOTALL)

# One line of text Markdown would leave as it is: no inline syntax (`*_[]<>&\!` ...), no
# character that starts a block (heading, quote, list, rule, numbered list) and no
# surrounding whitespace. Anything else takes the full Markdown route.
_PLAIN = re.compile(r"^(?![\s#>+\-*=]|\d+[.)])[^\n\r\t\\`*_\[\]<>&!{}|~]*(?<=\S)$")

_markdown = markdown.Markdown(output_format="html")


def is_plain(text: str) -> bool:
    """True when Markdown would render the text as a single paragraph of itself."""
    return bool(_PLAIN.match(text))


@lru_cache(maxsize=16384)
def render_rich(text: str) -> str:
    """Author Markdown with paragraphs and lists, sanitised."""
    if is_plain(text):
        return f"<p>{escape(text, quote=False)}</p>"
    _markdown.reset()
    html = _markdown.convert(text)
    return nh3.clean(html, tags=BLOCK_TAGS, attributes=ATTRIBUTES)


@lru_cache(maxsize=16384)
def render_inline(text: str) -> str:
    """Author Markdown as phrasing content (no paragraphs), sanitised."""
    if is_plain(text):
        return escape(text, quote=False)
    html = render_rich(text).strip()
    match = _PARAGRAPH.match(html)
    if match and "<p>" not in match.group("inner"):
        html = match.group("inner")
    return nh3.clean(html, tags=INLINE_TAGS, attributes=ATTRIBUTES)
