"""The course home and the deep-linking picker in the reader's language: module and activity
titles from ``site/<lang>/catalogue.json`` when the site was built in that language (module
links open its pages), English titles otherwise; deep linking sends the platform the titles in
the instructor's language."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from lti_app.lti.deep_linking import CONTENT_ITEMS
from tests.support.language_sites import write_language_site
from tests.support.launches import (
    FORM_HEADERS,
    LaunchAs,
    csrf_token,
    deep_link_settings,
    returned_jwt,
)

PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


def locale_claim(locale: str) -> dict[str, Any]:
    return {PRESENTATION: {"locale": locale}}


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    return {**app_config, "SITE_DIR": str(write_language_site(tmp_path / "site"))}


def test_the_course_home_lists_modules_in_the_readers_language(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    launched = launch_as("learner", extra_claims=locale_claim("nl-NL"))
    html = client.get(launched.url("/course/")).get_data(as_text=True)
    assert '<span lang="nl">Troika &lt;in de praktijk&gt;</span>' in html
    assert f'href="{launched.prefix}/site/nl/modules/02-troika/"' in html
    assert "[nl] Troika round" in html and "Troika &lt;in practice&gt;" not in html


def test_the_course_home_is_english_for_a_language_the_site_lacks(
    client: FlaskClient, launch_as: LaunchAs, tmp_path: Path
) -> None:
    shutil.rmtree(tmp_path / "site" / "de")
    launched = launch_as("learner", extra_claims=locale_claim("de-DE"))
    html = client.get(launched.url("/course/")).get_data(as_text=True)
    assert '<span lang="en">Troika &lt;in practice&gt;</span>' in html
    assert f'href="{launched.prefix}/site/modules/02-troika/"' in html


def test_deep_linking_offers_and_sends_the_instructors_language(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    launched = launch_as(
        "instructor", deep_link=deep_link_settings(), extra_claims=locale_claim("de")
    )
    page = client.get(launched.url("/deep-linking/")).get_data(as_text=True)
    assert "02. Troika &lt;in der Praxis&gt;" in page and "[de] Kick-off session" in page
    response = client.post(
        launched.url("/deep-linking/"),
        headers=FORM_HEADERS,
        data={"csrf_token": csrf_token(page), "item": ["module:troika", "signup:kick-off"]},
    )
    assert response.status_code == 200
    items = returned_jwt(response.get_data(as_text=True))[CONTENT_ITEMS]
    assert [(item["title"], item["custom"]["intervision_ref"]) for item in items] == [
        ("02. Troika <in der Praxis>", "troika"),
        ("[de] Kick-off session", "kick-off"),
    ]
