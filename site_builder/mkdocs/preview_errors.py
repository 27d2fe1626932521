"""What `mkdocs serve` shows while the content has errors: every page answers with the list
of errors (file, line, message, hint) instead of the server holding each request until the
author fixes the file. Only the live preview does this; `intervision build` still fails."""

from __future__ import annotations

from html import escape

from site_builder.course.errors import CourseValidationError

ERROR_PAGE = "index.md"


def error_page_markdown(error: CourseValidationError) -> str:
    """A page whose HTML is escaped text only: author input never becomes markup here."""
    items = "\n".join(
        f'<li><code class="iv-build-error__where">{escape(item.location)}</code> '
        f"{escape(_message(item.field, item.message))}"
        + (
            f'<br><span class="iv-build-error__hint">Hint: {escape(item.hint)}</span>'
            if item.hint
            else ""
        )
        + "</li>"
        for item in error.errors
    )
    count = len(error.errors)
    return (
        "# The course has errors\n\n"
        '<div class="iv-build-error" role="alert">\n'
        f"<p><strong>{count} content error{'s' if count != 1 else ''}</strong>: the preview "
        f"shows this page until {'it is' if count == 1 else 'they are'} fixed. Save the file "
        "and this page reloads by itself."
        "</p>\n"
        f'<ol class="iv-build-error__list">\n{items}\n</ol>\n'
        "</div>\n"
    )


def error_page_html(error: CourseValidationError) -> str:
    """A self-contained page (no theme, no assets) for addresses that have no page."""
    items = "\n".join(
        f"<li><code>{escape(item.location)}</code> {escape(_message(item.field, item.message))}"
        + (f"<br><em>Hint: {escape(item.hint)}</em>" if item.hint else "")
        + "</li>"
        for item in error.errors
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>The course has errors</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}li{margin:0 0 .8em}code{background:#f3f4fa}</style>"
        "</head><body><main><h1>The course has errors</h1>"
        "<p>The preview shows this page until they are fixed.</p>"
        f"<ol>\n{items}\n</ol></main></body></html>\n"
    )


def _message(field: str | None, message: str) -> str:
    return f"field '{field}': {message}" if field else message
