"""Chromium: a Dutch launch and a German launch show the tool in that language, with
``<html lang>`` to match, and axe-core finds nothing critical or serious on those pages."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support.accessibility_tool_pages import tool_browser
from tests.support.launches import LaunchAs, deep_link_settings

PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


@pytest.mark.browser
def test_a_dutch_learner_and_a_german_trainer_see_the_tool_in_their_language(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    learner = launch_as("learner", extra_claims={PRESENTATION: {"locale": "nl-NL"}})
    trainer = launch_as(  # the same person, trainer in another course: one session holds both
        "instructor",
        context_id="course-77",
        deep_link=deep_link_settings(),
        extra_claims={PRESENTATION: {"locale": "de-DE"}},
    )
    pages = [
        (learner.url("/course/"), "nl", "Je voortgang"),
        (learner.url("/privacy/"), "nl", "Jouw gegevens in deze tool"),
        (trainer.url("/course/"), "de", "Für Lehrende"),
        (trainer.url("/deep-linking/"), "de", "Material zur Kollegialen Beratung"),
    ]
    with tool_browser(client) as browser:
        for url, lang, words in pages:
            browser.page.goto(url)
            assert browser.page.locator("html").get_attribute("lang") == lang, url
            assert words in browser.page.locator("main").inner_text(), url
            assert browser.axe(url) == []
        assert browser.refused == []
