"""The tool's own ``gettext`` family and page callables go straight to the catalogue of the
locale Flask-Babel chose for the request (``locale_now`` reads where Flask-Babel keeps it):
they answer exactly what Flask-Babel's own functions answer, in every language, inside a
``use_locale`` block, and outside any request."""

from __future__ import annotations

import flask_babel
import pytest
from flask import Flask, render_template_string

from lti_app.i18n import gettext, lazy_gettext, locale_now, ngettext, pgettext, use_locale
from tests.support.launches import TOOL

MESSAGES = (
    "Your booking is cancelled.",
    "You have a seat as %(role)s.",
    "The form was incomplete; reload the page and try again.",
)


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_each_message_is_what_flask_babel_answers_for_the_requests_language(
    app: Flask, language: str
) -> None:
    with app.test_request_context(TOOL + "/", headers={"Accept-Language": language}):
        assert locale_now() == language
        for message in MESSAGES:
            ours = gettext(message, role="x")
            assert ours == flask_babel.gettext(message, role="x")
            assert str(lazy_gettext(message, role="x")) == ours
        if language != "en":
            assert gettext(MESSAGES[0]) != MESSAGES[0]  # a real catalogue answered
        assert ngettext("%(num)d seat", "%(num)d seats", 3) == flask_babel.ngettext(
            "%(num)d seat", "%(num)d seats", 3
        )
        assert pgettext("role", "Moderator") == flask_babel.pgettext("role", "Moderator")
        page = render_template_string("{{ _('Your booking is cancelled.') }}")
        assert page == flask_babel.gettext(MESSAGES[0])


def test_a_use_locale_block_switches_and_restores_the_language(app: Flask) -> None:
    with app.test_request_context(TOOL + "/", headers={"Accept-Language": "de"}):
        german = gettext(MESSAGES[0])
        with use_locale("nl"):
            assert locale_now() == "nl"
            assert gettext(MESSAGES[0]) == flask_babel.gettext(MESSAGES[0]) != german
        assert locale_now() == "de"
        assert gettext(MESSAGES[0]) == german


def test_outside_a_request_the_words_are_english(app: Flask) -> None:
    assert locale_now() == "en"
    assert gettext(MESSAGES[1], role="consultant") == "You have a seat as consultant."
    with app.app_context():
        assert locale_now() == "en"
