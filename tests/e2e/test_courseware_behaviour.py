"""The iv-*.js courseware scripts in real Chromium on the real built course: what a learner
does and sees.

Each test starts with an empty browser profile (the `context` fixture), so localStorage state
is created by the test itself and survives only the reloads the test makes.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.support.network import RequestLog
from tests.support.sitebuild import ServedSite

pytestmark = pytest.mark.browser

MODULE = "modules/07-collegial-counselling/"


def test_self_check_announces_feedback_and_remembers_the_answer(
    page: Page, site: ServedSite
) -> None:
    page.goto(site.url(MODULE))
    form = page.locator("form.iv-selfcheck").first
    result = form.locator(".iv-selfcheck__result")
    wrong = form.locator('li[data-iv-correct="false"]').first
    right = form.locator('li[data-iv-correct="true"]').first

    expect(wrong.locator(".iv-selfcheck__feedback")).to_be_hidden()
    wrong.locator("input").check()
    form.get_by_role("button", name="Check answer").click()
    expect(result).to_have_attribute("aria-live", "polite")
    expect(result).to_contain_text("Not quite.")
    expect(wrong.locator(".iv-feedback__text")).to_be_visible()
    expect(right.locator(".iv-feedback__text")).to_be_hidden()

    right.locator("input").check()
    expect(result).to_have_text("")  # a changed answer clears the old verdict
    form.get_by_role("button", name="Check answer").press("Enter")
    expect(result).to_contain_text("Correct.")
    feedback = right.locator(".iv-selfcheck__feedback")
    expect(feedback).to_be_visible()
    expect(feedback).not_to_contain_text(re.compile(r"Right answer\. (Right|Correct|Yes)\b"))

    page.reload()
    expect(right.locator("input")).to_be_checked()
    expect(
        page.locator("form.iv-selfcheck").first.locator(".iv-selfcheck__result")
    ).to_contain_text("Correct.")


def test_reflection_is_saved_restored_and_exported(page: Page, site: ServedSite) -> None:
    page.goto(site.url(MODULE))
    box = page.locator(".iv-reflection").first
    answer = box.get_by_label(re.compile("Your reflection"))
    answer.fill("How can I keep the parents on board?\nSecond line.")
    answer.blur()
    expect(box.locator(".iv-reflection__status")).to_have_text("Saved in this browser.")

    page.reload()
    expect(answer).to_have_value("How can I keep the parents on board?\nSecond line.")

    with page.expect_download() as download_info:
        box.get_by_role("button", name="Download all my reflections").click()
    download = download_info.value
    assert download.suggested_filename == "my-reflections.md"
    exported = download.path().read_text(encoding="utf-8")
    assert exported.startswith("# My reflections: Intervision in practice")
    assert "## Collegial counselling in six phases" in exported
    assert "How can I keep the parents on board?\nSecond line." in exported

    page.emulate_media(media="print")
    expect(answer).to_be_hidden()
    expect(box.locator(".iv-reflection__print")).to_have_text(re.compile("keep the parents"))
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()
    expect(box.get_by_role("button", name="Print all my reflections")).to_be_hidden()


def test_marking_a_module_done_updates_the_overview(page: Page, site: ServedSite) -> None:
    page.goto(site.url(MODULE))
    facts = page.locator("[data-iv-module-facts]")
    expect(facts).to_contain_text("Intermediate")
    assert page.evaluate("document.querySelector('.md-content h1').nextElementSibling") is not None
    done = page.locator("button.iv-done__button")
    expect(done).to_have_accessible_name("Mark this module as done")
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")

    page.goto(site.url())
    expect(page.locator(".iv-progress__text")).to_have_text("1 of 16 modules done")
    expect(page.locator("#module-collegial-counselling .iv-done-badge")).to_have_text("Done")

    page.goto(site.url(MODULE))
    undo = page.get_by_role("button", name="Done – press again to undo")
    expect(undo).to_have_attribute("aria-pressed", "true")
    undo.click()
    expect(page.get_by_role("button", name="Mark this module as done")).to_be_visible()
    page.goto(site.url())
    expect(page.locator(".iv-progress__text")).to_have_text("0 of 16 modules done")
    expect(page.locator(".iv-done-badge")).to_have_count(0)


def test_activity_becomes_a_link_when_the_tool_announces_itself(
    page: Page, site: ServedSite
) -> None:
    page.goto(site.url(MODULE))
    card = page.locator(".iv-activity").first
    expect(card).to_contain_text("learning platform (Moodle or Canvas)")
    expect(card.get_by_role("link")).to_be_hidden()

    def with_tool_meta(route: Route) -> None:
        response = route.fetch()
        meta = '<meta name="intervision-tool-url" content="https://tool.test/lti/">'
        route.fulfill(response=response, body=response.text().replace("</head>", meta + "</head>"))

    page.route(re.compile(re.escape(site.url(MODULE)) + "$"), with_tool_meta)
    page.reload()
    link = page.locator(".iv-activity").first.get_by_role("link")
    expect(link).to_be_visible()
    expect(link).to_have_attribute(
        "href", re.compile(r"^https://tool\.test/lti/activities/[a-z0-9-]+$")
    )


def test_feedback_is_reachable_without_javascript(
    browser: Browser, site: ServedSite, request_log: RequestLog
) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.route("**/*", request_log.route)
    try:
        page = context.new_page()
        page.goto(site.url(MODULE))
        option = page.locator("li.iv-selfcheck__option").first
        expect(option.locator(".iv-feedback__text")).to_be_hidden()
        option.get_by_text("Feedback on this answer").click()
        expect(option.locator(".iv-feedback__text")).to_be_visible()
        expect(page.get_by_role("button", name="Check answer").first).to_be_hidden()
    finally:
        context.close()
