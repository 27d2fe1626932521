"""The request's language: the launch's locale, then the browser's, then the course default,
then English; ``<html lang>`` says which."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_app.i18n.locales import PSEUDO, SUPPORTED, html_lang, normalise
from lti_app.i18n.selection import choose_locale
from tests.support.launches import LaunchAs
from tests.support.pseudo_locale import assert_lang

PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("nl-NL", "nl"), ("nl_BE", "nl"), ("NL", "nl"), ("de-DE", "de"), ("de-AT", "de"),
        ("de_CH.UTF-8", "de"), ("EN-us", "en"), ("en", "en"), ("fr-FR", None), ("", None),
        (None, None), ("x", None), ("nl-NL-x-private", "nl"), ("<script>", None),
    ],
)  # fmt: skip
def test_platform_and_browser_tags_reduce_to_a_supported_language(
    tag: str | None, expected: str | None
) -> None:
    assert normalise(tag) == expected


def test_the_pseudo_locale_exists_only_when_enabled() -> None:
    assert normalise("en-001") == "en"
    assert normalise("en-001", (*SUPPORTED, PSEUDO)) == PSEUDO
    assert html_lang(PSEUDO) == "en-001"


@pytest.mark.parametrize(
    ("launch", "accepted", "default", "expected"),
    [
        ("de-AT", ["nl", "en"], "en", "de"),  # the launch wins
        ("fr-FR", ["fr", "nl-BE", "de"], "en", "nl"),  # first supported browser language
        (None, ["fr"], "de", "de"),  # the course default
        (None, [], "xx", "en"),  # English last
        ("", ["*"], None, "en"),
    ],
)
def test_the_launch_then_the_browser_then_the_default_then_english(
    launch: str | None, accepted: list[str], default: str | None, expected: str
) -> None:
    assert choose_locale(launch, accepted, default) == expected


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "INTERVISION_DEFAULT_LOCALE": "de"}


def test_a_page_without_a_launch_follows_the_browser_then_the_default(
    client: FlaskClient,
) -> None:
    assert_lang(client.get("/nowhere", headers={"Accept-Language": "nl-BE,nl;q=0.9"}).text, "nl")
    german = client.get("/nowhere", headers={"Accept-Language": "fr-FR"}).text
    assert_lang(german, "de")  # INTERVISION_DEFAULT_LOCALE
    assert "Seite nicht gefunden" in german


def test_a_launch_in_dutch_shows_the_course_in_dutch_whatever_the_browser_says(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    launched = launch_as("learner", extra_claims={PRESENTATION: {"locale": "nl-NL"}})
    page = client.get(launched.url("/course/"), headers={"Accept-Language": "de-DE"}).text
    assert_lang(page, "nl")
    assert "Naar de inhoud" in page  # the skip link


def test_an_unknown_default_locale_is_refused_at_start_with_the_way_to_fix_it(
    app_config: dict[str, Any],
) -> None:
    from lti_app import create_app

    with pytest.raises(ValueError, match="INTERVISION_DEFAULT_LOCALE='fr'.*en, nl, de"):
        create_app({**app_config, "INTERVISION_DEFAULT_LOCALE": "fr"})
