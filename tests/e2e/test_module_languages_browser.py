"""Module pages in the launch's language, in real Chromium in the demo LMS (issue 13): the
instructor adds a module by deep linking, then a learner whose LMS sends ``nl-NL`` and one whose
LMS sends ``de-DE`` open it and read the Dutch and the German page (``<html lang>``, title and
the tool's "Mark as done" block in that language), axe-core clean, nothing leaving the machine.
The browser itself asks for English (``en-GB``): the launch's language wins.

Then the Dutch build loses that module's page: the Dutch learner gets the English page with the
notice in Dutch. The site is the real course built in English, Dutch and German (a few
seconds)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Frame, Page, expect

from lti_app.demo import RunningDemo
from tests.support.accessibility import AXE_TAGS, blocking_findings
from tests.support.lti_fixtures import running_demo
from tests.support.network import RequestLog
from tests.support.sitebuild import run_build

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

LEARNERS = {"nl": ("demo-learner-daan", "nl-NL"), "de": ("demo-learner-hanna", "de-DE")}
DONE_BUTTON = {
    "nl": "Deze module als afgerond markeren",
    "de": "Dieses Modul als erledigt markieren",
}


@pytest.fixture(scope="module")
def language_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("language-site") / "site"
    command = [sys.executable, "-m", "site_builder", "build", "-q", "--site-dir", str(site_dir)]
    for language in ("en", "nl", "de"):
        command += ["--language", language]
    return run_build(command, site_dir)


@pytest.fixture
def demo_with_languages(tmp_path: Path, language_site: Path) -> Iterator[RunningDemo]:
    with running_demo(tmp_path / "instance", language_site) as running:
        yield running


def tool_frame(page: Page) -> Frame:
    frame = page.frame(name="tool-frame")
    assert frame is not None, "the course page has no iframe named tool-frame"
    return frame


def module_entry(site: Path, language: str, slug: str) -> dict[str, str]:
    catalogue = json.loads((site / language / "catalogue.json").read_text(encoding="utf-8"))
    entry: dict[str, str] = next(m for m in catalogue["modules"] if m["slug"] == slug)
    return entry


def open_as(page: Page, demo: RunningDemo, link_title: str, language: str) -> Frame:
    learner, locale = LEARNERS[language]
    page.goto(f"{demo.urls.course}?learner={learner}&locale={locale}")
    page.get_by_role("button", name=f"Open {link_title} as learner").click()
    return tool_frame(page)


def add_first_module(page: Page, demo: RunningDemo) -> tuple[str, str]:
    """Deep-link the picker's first module as the instructor; (its slug, its English title)."""
    page.goto(demo.urls.course)
    page.get_by_role("button", name=re.compile("deep linking")).click()
    frame = tool_frame(page)
    choice = frame.locator("input[type=checkbox][value^='module:']").first
    choice.check()
    slug = (choice.get_attribute("value") or "").removeprefix("module:")
    link_title = frame.locator(f"label[for='{choice.get_attribute('id')}']").inner_text().strip()
    frame.locator("button[type=submit], input[type=submit]").last.click()
    expect(frame.locator("h1")).to_contain_text("Added 1 item")
    return slug, link_title


def assert_accessible(frame: Frame, label: str) -> None:
    result = frame.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        AXE_TAGS,
    )
    findings = blocking_findings(label, result["violations"])
    assert not findings, "\n".join(map(str, findings))


def test_learners_read_the_module_in_their_launch_language(
    context: BrowserContext,
    page: Page,
    demo_with_languages: RunningDemo,
    language_site: Path,
    axe_source: str,
    request_log: RequestLog,
) -> None:
    context.add_init_script(script=axe_source)
    slug, link_title = add_first_module(page, demo_with_languages)
    for language in LEARNERS:
        frame = open_as(page, demo_with_languages, link_title, language)
        expect(frame.locator("html")).to_have_attribute("lang", language)
        assert f"/site/{language}/modules/" in frame.url, frame.url
        title = module_entry(language_site, language, slug)["title"]
        expect(frame.locator("article h1").first).to_contain_text(title)
        done = frame.locator("#iv-done")
        expect(done.get_by_role("button", name=DONE_BUTTON[language])).to_be_visible()
        expect(frame.locator("#iv-untranslated")).to_have_count(0)
        assert_accessible(frame, f"module page in {language}")

    shutil.rmtree(language_site / "nl" / module_entry(language_site, "nl", slug)["url"])
    frame = open_as(page, demo_with_languages, link_title, "nl")
    expect(frame.locator("html")).to_have_attribute("lang", "en")
    notice = frame.get_by_role("note").filter(has_text="Deze module is nog niet vertaald")
    expect(notice).to_have_attribute("lang", "nl")
    expect(notice).to_be_visible()
    assert_accessible(frame, "English module page with the Dutch notice")
    assert request_log.blocked == [], request_log.blocked
