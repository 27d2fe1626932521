"""Card PDFs made at build time with WeasyPrint, from the HTML the site build rendered.

Only the page's article HTML is printed, with the kit's own stylesheet (print rules and the
vendored DejaVu fonts): no theme CSS, no scripts, no network. WeasyPrint is imported lazily,
because it is slow to import and only the build needs it; one writer parses the stylesheet
and loads the fonts once for all cards of a build.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

KIT_CSS = "assets/kit/kit.css"
KIT_FONTS = "assets/kit/fonts"
RELATIVE_LINK = re.compile(
    r'<a\s+href="(?!https?:|mailto:)[^"]*"[^>]*>(?P<text>.*?)</a>', re.DOTALL
)
"""Links into the site mean nothing on paper, and resolved they would carry the build
machine's paths into the file (and make every build's PDF different): keep only their text."""


def card_document(title: str, article_html: str, language: str = "en") -> str:
    """A standalone HTML document around one rendered card page, without relative links."""
    body = RELATIVE_LINK.sub(lambda match: match.group("text"), article_html)
    return (
        f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>"
        f'<body class="iv-kit-pdf"><main>{body}</main></body></html>'
    )


class PdfWriter:
    """Renders documents with one stylesheet; `write` returns the number of pages."""

    def __init__(self, stylesheet: Path) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self._fonts = FontConfiguration()
        self._css: Any = CSS(filename=str(stylesheet), font_config=self._fonts)

    def write(self, document: str, target: Path) -> int:
        """Render a self-contained `document` (see card_document) to `target`."""
        from weasyprint import HTML

        rendered = HTML(string=document).render(stylesheets=[self._css], font_config=self._fonts)
        target.parent.mkdir(parents=True, exist_ok=True)
        rendered.write_pdf(target)
        return len(rendered.pages)


def engine_version() -> str:
    """WeasyPrint's version, read without importing it (the import is slow)."""
    from importlib.metadata import version

    return f"weasyprint {version('weasyprint')}"
