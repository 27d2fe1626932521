"""Module pages follow the launch's language: a launch with locale ``nl`` or ``de`` opens the
module's page from ``site/<lang>/``, "Mark as done" speaks the page's language and returns to
it, a missing translation shows the English page with a notice in the reader's language, and
no path under ``/site/<lang>/`` leaves that language's folder.

The module launches make the real OIDC round trip (the launch's claim is what is tested); the
other tests start from ``launch_as`` with the same ``launch_presentation`` claim."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_app.i18n import gettext, use_locale
from tests.support.language_sites import write_language_site
from tests.support.launches import TOOL, LaunchAs, csrf_token, follow, launch_claims
from tests.support.platforms import LEARNER, Platform

MODULE_LINK = {"kind": "module", "intervision_ref": "troika"}
PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
NOTICES = {
    "nl": "Deze module is nog niet vertaald; je ziet de Engelse versie.",
    "de": "Dieses Modul wurde noch nicht übersetzt; Sie sehen die englische Fassung.",
}
PAGE_TITLES = {"nl": "Troika &lt;in de praktijk&gt;", "de": "Troika &lt;in der Praxis&gt;"}


def locale_claim(locale: str) -> dict[str, Any]:
    return {PRESENTATION: {"locale": locale, "document_target": "iframe"}}


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    return {**app_config, "SITE_DIR": str(write_language_site(tmp_path / "site"))}


def module_launch(client: FlaskClient, platform: Platform, locale: str) -> TestResponse:
    """OIDC login and a module link's launch whose launch_presentation says ``locale``."""
    auth = platform.start_login(client, "learner-1")
    claims = launch_claims(
        platform, auth, [LEARNER], custom=MODULE_LINK, extra_claims=locale_claim(locale)
    )
    return platform.post_launch(client, auth, platform.sign(claims))


def in_locale(app: Flask, language: str, message: str) -> str:
    with app.test_request_context(), use_locale(language):
        return gettext(message)


@pytest.mark.parametrize(("locale", "language"), [("nl-NL", "nl"), ("de_AT", "de")])
def test_a_module_launch_opens_the_page_in_the_launch_language(
    app: Flask, client: FlaskClient, platform: Platform, locale: str, language: str
) -> None:
    response = module_launch(client, platform, locale)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/site/{language}/modules/02-troika/")
    page = follow(client, response, TOOL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<html lang="{language}">' in html and f"<h1>{PAGE_TITLES[language]}</h1>" in html
    assert "iv-untranslated" not in html
    assert in_locale(app, language, "Mark this module as done") in html
    assert "Mark this module as done" not in html  # the done block speaks the page's language
    assert f"/modules/troika/done?language={language}" in html
    nonce = page.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert html.count(f'<script nonce="{nonce}"') == 2  # the CSP is the one of every page


@pytest.mark.parametrize("language", ["nl", "de"])
def test_a_missing_translation_shows_english_with_a_notice_in_the_readers_language(
    client: FlaskClient, platform: Platform, tmp_path: Path, language: str
) -> None:
    shutil.rmtree(tmp_path / "site" / language / "modules" / "02-troika")
    response = module_launch(client, platform, language)
    assert response.headers["Location"].endswith("/site/modules/02-troika/")
    html = follow(client, response, TOOL).get_data(as_text=True)
    assert '<html lang="en">' in html and "<h1>Troika &lt;in practice&gt;</h1>" in html
    notice = re.search(r'<div class="admonition info iv-untranslated"[^>]*>.*?</div>', html, re.S)
    assert notice is not None, "no notice on the English page"
    assert f'role="note" lang="{language}"' in notice.group(0)
    assert NOTICES[language] in notice.group(0)
    assert html.index("iv-untranslated") < html.index("<h1>")  # read before the page
    assert "/modules/troika/done?" not in html  # the done block is the English page's


def test_no_notice_for_english_readers_or_a_chosen_english_page(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    launch_as("learner", custom=MODULE_LINK, extra_claims=locale_claim("nl"))
    # A Dutch reader who picked English in the language switcher: Dutch exists, no notice.
    english = client.get(TOOL + "/site/modules/02-troika/").get_data(as_text=True)
    assert '<html lang="en">' in english and "iv-untranslated" not in english
    launch_as("learner", custom=MODULE_LINK, extra_claims=locale_claim("en-GB"), user_id="u2")
    assert "iv-untranslated" not in client.get(TOOL + "/site/modules/02-troika/").text


def test_a_language_the_site_was_not_built_in_falls_back_for_every_page(
    client: FlaskClient, platform: Platform, tmp_path: Path
) -> None:
    shutil.rmtree(tmp_path / "site" / "nl")
    response = module_launch(client, platform, "nl-BE")
    assert response.headers["Location"].endswith("/site/modules/02-troika/")
    assert NOTICES["nl"] in follow(client, response, TOOL).get_data(as_text=True)
    assert client.get(TOOL + "/site/nl/modules/02-troika/").status_code == 404


def test_mark_as_done_on_a_dutch_page_answers_in_dutch_and_returns_to_it(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    launch_as("learner", custom=MODULE_LINK, extra_claims=locale_claim("de"))
    page = client.get(TOOL + "/site/nl/modules/02-troika/").get_data(as_text=True)
    assert in_locale(app, "nl", "Mark this module as done") in page  # the page's, not de
    assert in_locale(app, "de", "Mark this module as done") not in page
    done = client.post(
        TOOL + "/modules/troika/done?language=nl",
        data={"csrf_token": csrf_token(page)},
        headers={"Referer": TOOL + "/site/nl/modules/02-troika/", "Origin": TOOL},
    )
    assert done.status_code == 303
    assert done.headers["Location"].endswith("/site/nl/modules/02-troika/#iv-done")
    html = client.get(TOOL + "/site/nl/modules/02-troika/").get_data(as_text=True)
    assert in_locale(app, "nl", "Marked as done.") in html
    assert "<strong>Troika &lt;in de praktijk&gt;</strong>" in html  # the Dutch title


def test_an_unknown_language_in_the_done_form_returns_to_the_english_page(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    launch_as("learner", custom=MODULE_LINK)
    page = client.get(TOOL + "/site/modules/02-troika/").get_data(as_text=True)
    done = client.post(
        TOOL + "/modules/troika/done?language=../../etc",
        data={"csrf_token": csrf_token(page)},
        headers={"Referer": TOOL + "/site/modules/02-troika/", "Origin": TOOL},
    )
    location = done.headers["Location"]
    assert done.status_code == 303 and location.endswith("/site/modules/02-troika/#iv-done")
    assert "etc" not in location


TRAVERSALS = (
    "nl/../../catalogue.json",
    "nl/..%2f..%2fcatalogue.json",
    "nl/%2e%2e/%2e%2e/etc/passwd",
    "nl/modules/../../../etc/passwd",
    "nl//etc/passwd",
    "nl/../de/catalogue.json",
    "de/..",
)


def test_traversal_under_a_language_is_refused(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    launch_as("learner", extra_claims=locale_claim("nl"))
    refusal = in_locale(app, "nl", "There is no such page in the course.")
    served = client.get(TOOL + "/site/nl/catalogue.json")  # the route serves the folder
    assert served.status_code == 200
    served.close()
    for path in TRAVERSALS:
        response = client.get(TOOL + "/site/" + path)
        assert response.status_code == 404, (path, response.status_code)
        assert refusal in response.get_data(as_text=True), path  # refused by the site view


def test_a_symlink_out_of_a_language_folder_is_refused(
    client: FlaskClient, launch_as: LaunchAs, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("<p>secret</p>", encoding="utf-8")
    (tmp_path / "site" / "nl" / "leak.html").symlink_to(secret)
    (tmp_path / "site" / "de" / "root").symlink_to(tmp_path / "site")  # inside the site
    launch_as("learner", extra_claims=locale_claim("nl"))
    assert client.get(TOOL + "/site/nl/leak.html").status_code == 404
    assert client.get(TOOL + "/site/de/root/catalogue.json").status_code == 404


def test_language_folders_need_their_slash_and_serve_their_assets(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    launch_as("learner", extra_claims=locale_claim("nl"))
    folder = client.get(TOOL + "/site/nl")
    assert folder.status_code == 308 and folder.headers["Location"].endswith("/site/nl/")
    home = client.get(TOOL + "/site/nl/")
    assert home.status_code == 200 and '<html lang="nl">' in home.get_data(as_text=True)
    asset = client.get(TOOL + "/site/nl/assets/site.css")
    assert asset.status_code == 200
    assert asset.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    asset.close()  # send_file streams the file; close it like a server would
