"""The pseudo-locale and its checker: transformed messages keep their placeholders and markup,
and the checker finds English outside them (text and the attributes people hear or see)."""

from __future__ import annotations

from lti_app.i18n.pseudo import CLOSE, OPEN, transform
from tests.support.pseudo_locale import untranslated


def test_transform_keeps_placeholders_tags_and_entities() -> None:
    shown = transform("Signed in as <strong>%(name)s</strong> &amp; {label}, %s")
    assert shown.startswith(OPEN) and shown.endswith(CLOSE)
    for kept in ("<strong>", "</strong>", "%(name)s", "&amp;", "{label}", "%s"):
        assert kept in shown
    assert "Signed" not in shown
    assert transform(shown) == shown and transform("") == ""


def _page(body: str) -> str:
    title = transform("Home")
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"


def test_the_checker_names_untranslated_text_and_attributes_but_not_data() -> None:
    good = _page(
        f"<h1>{transform('Welcome, %(name)s.') % {'name': 'Ada'}}</h1>"
        f"<p>{transform('Module %(n)s:') % {'n': 3}} Troika</p>"
        f"<button type='submit' aria-label='{transform('Save')}'>{transform('Save')}</button>"
        "<code>intervision build</code><time>8 Dec 2026</time><p>E-1A2B3C4D 42 – …</p>"
    )
    assert untranslated(good, data=["Troika"]) == []
    bad = _page(
        "<p>Your progress</p>"
        f"<a href='#' title='Open the page'>{transform('Open')}</a>"
        f"<input type='submit' value='Send'><img alt='Logo' src='x'>"
        f"<input placeholder='Type here'><p>{transform('Hello')} world</p>"
    )
    found = untranslated(bad, data=["Troika"])
    assert "text: 'Your progress'" in found
    assert "<a title>: 'Open the page'" in found
    assert "<input value>: 'Send'" in found and "<img alt>: 'Logo'" in found
    assert "<input placeholder>: 'Type here'" in found
    assert any("world" in item for item in found)
