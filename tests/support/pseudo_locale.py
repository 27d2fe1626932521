"""Finding English that never went through the catalogue: render a page in the pseudo-locale
and list the visible text outside the pseudo markers.

Use (any area): an app with ``INTERVISION_PSEUDO_LOCALE=True`` (the ``pseudo_app_config``
helper), a request with ``PSEUDO_HEADERS`` (or a launch with ``PSEUDO_LAUNCH_CLAIMS``), then::

    assert untranslated(response.text, data=["Ada Lovelace", "Course course-42"]) == []

``data`` names what the page shows from people and the course (names, titles, slugs); it is
removed before the check. Visible text is every text node outside ``<script>``, ``<style>``,
``<code>``, ``<pre>``, ``<kbd>``, ``<samp>``, ``<time>`` and ``translate="no"`` elements, plus
the ``aria-label``, ``title``, ``placeholder`` and ``alt`` attributes and the ``value`` of
buttons. What is left after removing the pseudo-translated spans (``⟦…⟧``), the ``data``,
numbers, punctuation, references (``E-1A2B3C4D``) and the tool's name must contain no letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import html as lxml_html

from lti_app.i18n.locales import PSEUDO
from lti_app.i18n.pseudo import CLOSE, OPEN

PSEUDO_HEADERS = {"Accept-Language": PSEUDO.replace("_", "-")}
PSEUDO_LAUNCH_CLAIMS = {
    "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
        "locale": PSEUDO.replace("_", "-"),
        "document_target": "iframe",
    }
}
ALWAYS_DATA = ("Intervision",)
"""Not words of the tool's UI: its (configurable) name."""

_SPAN = re.compile(re.escape(OPEN) + r"[^" + re.escape(OPEN + CLOSE) + r"]*" + re.escape(CLOSE))
_NOISE = re.compile(r"E-[0-9A-F]{8}|https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|\b\d[\d:./-]*\b")
_LETTER = re.compile(r"[^\W\d_]")
_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
_NOT_WORDS = ("script", "style", "code", "pre", "kbd", "samp", "time")
"""Not UI words: scripts, commands and values to copy, and dates Babel formats per locale
(``<time>``; tested in tests/lti_app/i18n/test_formatting.py)."""
_BUTTONS = ("submit", "button", "reset")


def pseudo_app_config(config: dict[str, Any]) -> dict[str, Any]:
    """An app config (as the ``app_config`` fixtures build it) with the pseudo-locale on."""
    return {**config, "INTERVISION_PSEUDO_LOCALE": True}


def _strip_pseudo(text: str) -> str:
    previous = None
    while previous != text:  # nested spans: a translated message inside another
        previous, text = text, _SPAN.sub(" ", text)
    return text


def _leftover(text: str, data: Iterable[str]) -> str:
    text = _strip_pseudo(text)
    for item in sorted((d for d in data if d), key=len, reverse=True):
        text = text.replace(item, " ")
    text = _NOISE.sub(" ", text)
    return " ".join(text.split()) if _LETTER.search(text) else ""


def _visible_texts(document: Any) -> Iterable[tuple[str, str]]:
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        for name in _ATTRIBUTES:
            if element.get(name):
                yield f"<{tag} {name}>", element.get(name)
        if tag in ("input", "button") and (element.get("type") or "submit") in _BUTTONS:
            if element.get("value"):
                yield f"<{tag} value>", element.get("value")


def _text_of(document: Any) -> str:
    parts: list[str] = []

    def walk(element: Any) -> None:
        if isinstance(element.tag, str) and (
            element.tag.lower() in _NOT_WORDS or element.get("translate") == "no"
        ):
            if element.tail:
                parts.append(element.tail)
            return
        if isinstance(element.tag, str) and element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
        if element.tail:
            parts.append(element.tail)

    walk(document)
    return " ".join(parts)


def untranslated(page: str, data: Iterable[str] = ()) -> list[str]:
    """Each piece of visible text (in context) that is not pseudo-translated; [] when clean."""
    known = (*ALWAYS_DATA, *data)
    document = lxml_html.document_fromstring(page)
    found = []
    whole = _text_of(document)
    for segment in re.split(r"\s{2,}|\n", _strip_pseudo(whole)):
        left = _leftover(segment, known)
        if left:
            found.append(f"text: {left!r}")
    for where, value in _visible_texts(document):
        left = _leftover(value, known)
        if left:
            found.append(f"{where}: {left!r}")
    return found


def assert_translated(page: str, data: Iterable[str] = (), what: str = "page") -> None:
    """Fail with every untranslated piece listed (and where to translate it)."""
    found = untranslated(page, data)
    assert not found, (
        f"{what}: visible text not from the catalogue (wrap it in _() / {{% trans %}}, then "
        f"`intervision i18n update` and translate): " + "; ".join(found)
    )


def assert_lang(page: str, expected: str) -> None:
    """The page's ``<html lang>`` is the expected BCP 47 tag."""
    document = lxml_html.document_fromstring(page)
    assert document.get("lang") == expected, (document.get("lang"), expected)
