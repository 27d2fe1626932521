"""Known XSS payloads for every field of learner text, and a parser-based check of the output.

Shared by the sanitiser's unit tests (tests/lti_app/test_learner_text.py), its Chromium check
(tests/e2e/test_learner_text_browser.py) and the exercise views' tests: post each payload
through every text field, then check every place it is shown.

Payloads that would run script set ``window.__xss`` (``XSS_MARKER``) or call ``alert``; a
browser test asserts the marker stays undefined and no dialog opens. Sources: the OWASP XSS
Filter Evasion Cheat Sheet, cujanovic/Markdown-XSS-Payloads, known mutation-XSS (DOMPurify
bypasses) and Python-Markdown's own extension syntax (``attr_list``, ``md_in_html``).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urlsplit

from lti_app.web.learner_text import MAX_LEARNER_TEXT

XSS_MARKER = "__xss"
SET = "window.__xss=1"  # what a payload runs if it gets to run


class Payload(NamedTuple):
    id: str
    text: str


def _long_payload() -> str:
    unit = f'<img src=x onerror="{SET}">[x](javascript:{SET}) '
    return (unit * (MAX_LEARNER_TEXT // len(unit) + 1))[:MAX_LEARNER_TEXT]


XSS_PAYLOADS: tuple[Payload, ...] = (
    # Raw HTML
    Payload("script", f"<script>{SET}</script>"),
    Payload("script-upper-src", "<SCRIPT SRC=//127.0.0.1:9/xss.js></SCRIPT>"),
    Payload("script-split", f"<scr<script>ipt>{SET}</scr</script>ipt>"),
    Payload("img-onerror", f'<img src=x onerror="{SET}">'),
    Payload("img-onerror-alert", "<img src=x onerror=alert(1)>"),
    Payload("img-no-quotes-slash", f"<img/src=x/onerror={SET}>"),
    Payload("svg-onload", f'<svg onload="{SET}">'),
    Payload("svg-script", f"<svg><script>{SET}</script></svg>"),
    Payload("svg-xlink", f'<svg><a xlink:href="javascript:{SET}"><text y="20">x</text></a></svg>'),
    Payload("iframe-js", f'<iframe src="javascript:parent.{SET}"></iframe>'),
    Payload("iframe-srcdoc", f'<iframe srcdoc="<script>parent.{SET}</script>"></iframe>'),
    Payload("object-data", f'<object data="javascript:{SET}"></object>'),
    Payload("embed-src", f'<embed src="javascript:{SET}">'),
    Payload(
        "mxss-math-mglyph-style",
        f'<math><mtext><table><mglyph><style><img src=x onerror="{SET}">',
    ),
    Payload(
        "mxss-noscript-title",
        f'<noscript><p title="</noscript><img src=x onerror={SET}>">',
    ),
    Payload(
        "mxss-form-math",
        "<form><math><mtext></form><form><mglyph><svg><mtext><style>"
        f'<path id="</style><img onerror={SET} src>">',
    ),
    Payload("math-href", f'<math href="javascript:{SET}">x</math>'),
    Payload("details-ontoggle", f'<details open ontoggle="{SET}"><summary>x</summary></details>'),
    Payload("body-onload", f'<body onload="{SET}">'),
    Payload("input-autofocus", f'<input autofocus onfocus="{SET}">'),
    Payload("custom-tag-event", f'<xss onpointerenter="{SET}" style="display:block">x</xss>'),
    Payload("a-onclick", f'<a href="https://ok.example/" onmouseover="{SET}">x</a>'),
    Payload("a-tab-scheme", f'<a href="jav&#x09;ascript:{SET}">x</a>'),
    Payload(
        "a-entity-scheme",
        f'<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{SET}">x</a>',
    ),
    Payload("a-colon-entity", f'<a href="javascript&colon;{SET}">x</a>'),
    Payload("style-tag", f"<style>*{{background:url(javascript:{SET})}}</style>x"),
    Payload("style-attr", f'<div style="background:url(javascript:{SET})">x</div>'),
    Payload("meta-refresh", f'<meta http-equiv="refresh" content="0;url=javascript:{SET}">'),
    Payload("base-href", '<base href="javascript:/">'),
    Payload("form-action", f'<form action="javascript:{SET}"><button>x</button></form>'),
    Payload("html-comment", f'<!--<img src=x onerror="{SET}">-->'),
    Payload("html-comment-break", f'<!-- --!><img src=x onerror="{SET}"> -->'),
    Payload("cdata", f'<![CDATA[<img src=x onerror="{SET}">]]>'),
    Payload("attribute-break", f'"><script>{SET}</script>'),
    Payload("attribute-break-single", f"'\"><img src=x onerror={SET}>"),
    Payload("onmouseover-text", f'"onmouseover="{SET}"'),
    Payload("backtick-attribute", f"<img src=`x` onerror=`{SET}`>"),
    # Markdown links
    Payload("md-link-js", f"[x](javascript:{SET})"),
    Payload("md-link-js-alert", "[x](javascript:alert(1))"),
    Payload("md-link-mixed-case", f"[x](JaVaScRiPt:{SET})"),
    Payload("md-link-colon-entity", f"[x](JaVaScRiPt&colon;{SET})"),
    Payload("md-link-decimal-entity", f"[x](&#106;avascript:{SET})"),
    Payload("md-link-hex-entities", f"[x](&#x6A;avascript&#x3A;{SET})"),
    Payload("md-link-tab-entity", f"[x](jav&#x09;ascript:{SET})"),
    Payload("md-link-newline-comment", f"[x](javascript://%0A{SET})"),
    Payload("md-link-leading-space", f"[x](   javascript:{SET})"),
    Payload("md-link-angle", f"[x](<javascript:{SET}>)"),
    Payload("md-link-title", f'[x](javascript:{SET} "title")'),
    Payload("md-link-data", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    Payload("md-link-vbscript", "[x](vbscript:msgbox(1))"),
    Payload("md-link-relative", "[x](/logout)"),
    Payload("md-link-protocol-relative", "[x](//evil.example/)"),
    Payload("md-link-attr-break", f'[x](https://ok.example/"onmouseover="{SET})'),
    Payload("md-link-title-break", f'[x](https://ok.example/ "a\\" onmouseover=\\"{SET}")'),
    Payload("md-link-html-text", f"[<img src=x onerror={SET}>](https://ok.example/)"),
    Payload("md-reference-js", f"[x][r]\n\n[r]: javascript:{SET}"),
    Payload("md-reference-short", f'[x]\n\n[x]: JaVaScRiPt:{SET} "t"'),
    Payload("md-autolink-js", f"<javascript:{SET}>"),
    Payload("md-autolink-mixed-case", "<JaVaScRiPt:alert(1)>"),
    Payload("md-autolink-data", f"<data:text/html,<script>{SET}</script>>"),
    Payload("md-autolink-vbscript", "<vbscript:msgbox(1)>"),
    Payload("md-image-js", f"![x](javascript:{SET})"),
    Payload("md-image-onerror", f'![x](x" onerror="{SET})'),
    Payload("md-image-tracking-pixel", "![x](https://tracker.example/pixel.gif)"),
    Payload("md-image-reference", "![x][p]\n\n[p]: https://tracker.example/pixel.gif"),
    # Python-Markdown extension syntax (not enabled; must stay text)
    Payload("md-attr-list", f'*x*{{: onclick="{SET}" }}'),
    Payload("md-in-html", f'<div markdown="1" onclick="{SET}">*x*</div>'),
    Payload("md-fenced-attrs", f'```{{ .x #y onclick="{SET}" }}\ncode\n```'),
    Payload("md-code-span", f"`<script>{SET}</script>`"),
    Payload("md-code-block", f"    <img src=x onerror={SET}>"),
    Payload("md-placeholder", "\x02wzxhzdk:0\x03 &amp; \x02klzzwxh:0\x03"),
    # Characters that split or hide things
    Payload("null-byte-tag", f"<scr\x00ipt>{SET}</scr\x00ipt>"),
    Payload("null-byte-scheme", f"[x](java\x00script:{SET})"),
    Payload("control-scheme", f"[x](\x01javascript:{SET})"),
    Payload("line-separator-scheme", f"[x](java\u2028script:{SET})"),
    Payload("line-separator-tag", f"<img src=x\u2028onerror={SET}>"),
    Payload("paragraph-separator", f"x\u2029<script>{SET}</script>"),
    Payload("template-syntax", "{{ 7*7 }} {% raw %} ${7*7}"),
    Payload("very-long", _long_payload()),
)

# Markup a learner-text fragment must never contain.
FORBIDDEN_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
        "style", "link", "meta", "base", "form", "input", "button", "textarea", "select",
        "img", "image", "video", "audio", "source", "picture", "noscript", "template",
        "details", "body", "html", "head", "xss",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href",
     "srcset", "cite", "ping"}
)  # fmt: skip
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


def url_scheme(value: str) -> str:
    """The scheme a browser sees (WHATWG: C0 and space trimmed, tabs and newlines removed)."""
    cleaned = value.strip("".join(chr(c) for c in range(0x21)))
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "")
    return urlsplit(cleaned).scheme.lower()


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "class", "id"}:
                self.problems.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and url_scheme(value or "") not in ALLOWED_SCHEMES:
                self.problems.append(f"<{tag} {name}={value!r}>")
            if tag == "a" and name == "target":
                self.problems.append("<a target>")

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.problems.append("<!-- comment -->")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"<![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"<?{data}>")


def markup_problems(html: str) -> list[str]:
    """What in a rendered fragment of learner text could run script, load something or style
    the page: forbidden tags, event handlers, style/class/id, URLs outside http/https/mailto
    (relative ones included), ``target`` on links, comments and declarations. Empty: safe."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems
