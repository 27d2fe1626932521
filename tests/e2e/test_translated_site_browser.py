"""A translated course site in real Chromium (issue 13): on the Dutch site the scripts speak
Dutch (self-check verdict, done button, progress), the language switcher opens the same page
in English, an untranslated page says so, and both Dutch page kinds are axe-clean.

The site is the small fixture course with a Dutch translation of one module, built with the
project's mkdocs.yml and courseware scripts (about 3 s), not the real course three times."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from site_builder.mkdocs.site_build import build_site
from tests.site_builder.course_fixtures import REPO, CourseTree, write_mkdocs_yml
from tests.site_builder.translation_fixtures import write_nl_translation
from tests.support.accessibility import blocking_findings, run_axe
from tests.support.network import RequestLog
from tests.support.sitebuild import ServedSite, serve_directory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dutch_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    tree = CourseTree(tmp_path_factory.mktemp("translated-site"))
    tree.write_valid_course()
    write_nl_translation(tree)
    shutil.copytree(REPO / "content/assets/intervision", tree.content / "assets/intervision")
    with serve_directory(build_site(write_mkdocs_yml(tree), tree.root / "site")) as served:
        yield served


def test_dutch_site_speaks_dutch_and_switches_to_the_same_english_page(
    page: Page, dutch_site: ServedSite, axe_source: str, request_log: RequestLog
) -> None:
    page.goto(dutch_site.url("nl/modules/01-first-steps/"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    form = page.locator("form.iv-selfcheck").first
    form.locator("li.iv-selfcheck__option[data-iv-correct='false'] label").first.click()
    form.get_by_role("button", name="Antwoord controleren").click()
    expect(form.locator(".iv-selfcheck__result")).to_contain_text("Niet helemaal.")
    expect(form.locator(".iv-selfcheck__result")).to_contain_text("pas je antwoord aan")
    done = page.get_by_role("button", name="Deze module als afgerond markeren")
    done.click()
    expect(page.locator(".iv-done__status")).to_contain_text("als afgerond gemarkeerd")
    findings = blocking_findings("nl/modules/01-first-steps/", run_axe(page, axe_source))

    page.goto(dutch_site.url("nl/"))
    expect(page.locator(".iv-progress__text")).to_have_text("1 van 2 modules afgerond")

    page.goto(dutch_site.url("nl/modules/02-second-steps/"))
    expect(page.get_by_role("note").filter(has_text="Nog niet vertaald")).to_be_visible()
    expect(page.locator('div[lang="en"] h1')).to_contain_text("Second steps")
    findings += blocking_findings("nl/modules/02-second-steps/", run_axe(page, axe_source))
    assert findings == [], "\n".join(str(finding) for finding in findings)

    page.get_by_role("button", name="Selecteer taal").click()
    page.locator('a.md-select__link[hreflang="en"]').click()
    expect(page).to_have_url(dutch_site.url("modules/02-second-steps/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Mark this module as done")).to_be_visible()
    assert request_log.blocked == []
