"""The iv-*.js courseware scripts when things are not ideal, in real Chromium on the real
built course: saved answers after the author reorders or rewrites questions, answers saved by
the old positional scheme, storage that is blocked or full, double clicks, and printing or
exporting reflections with awkward text. Each test starts with an empty browser profile (the
`context` fixture).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Download, Page, Route, expect

from tests.support.sitebuild import ServedSite

pytestmark = pytest.mark.browser

MODULE = "modules/01-what-is-intervision/"  # three self-checks and one reflection
SELF_CHECK = re.compile(r'<form class="iv-selfcheck".*?</form>', re.S)
AWKWARD = 'Line <b>one</b> & "two"\n# not a heading\n> not a quote, ü 🙂'


def swap_first_two_self_checks(page: Page, site: ServedSite) -> None:
    """Serve the module as a rebuild would after the author swapped its first two questions."""

    def swapped(route: Route) -> None:
        response = route.fetch()
        html = response.text()
        first, second = SELF_CHECK.findall(html)[:2]
        html = html.replace(first, "\0").replace(second, first).replace("\0", second)
        route.fulfill(response=response, body=html)

    page.route(re.compile(re.escape(site.url(MODULE)) + "$"), swapped)


def self_check_keys(page: Page) -> list[str]:
    keys = page.evaluate(
        "Object.keys(localStorage).filter(key => key.includes(':selfcheck:')).sort()"
    )
    return [str(key) for key in keys]


def answer(page: Page, index: int, *, correct: bool) -> None:
    form = page.locator("form.iv-selfcheck").nth(index)
    form.locator(f"li[data-iv-correct='{str(correct).lower()}'] input").first.check()
    form.get_by_role("button", name="Check answer").click()
    expect(form.locator(".iv-selfcheck__result")).to_contain_text(
        "Correct." if correct else "Not quite."
    )


def test_saved_answers_follow_their_question_when_questions_are_reordered(
    page: Page, site: ServedSite
) -> None:
    page.goto(site.url(MODULE))
    answer(page, 0, correct=True)
    answer(page, 2, correct=False)
    first_question = page.locator("form.iv-selfcheck legend").first.text_content() or ""
    assert len(self_check_keys(page)) == 2

    swap_first_two_self_checks(page, site)
    page.reload()
    forms = page.locator("form.iv-selfcheck")
    expect(forms.nth(1).locator("legend")).to_have_text(first_question)
    expect(forms.nth(1).locator("li[data-iv-correct='true'] input")).to_be_checked()
    expect(forms.nth(1).locator(".iv-selfcheck__result")).to_contain_text("Correct.")
    expect(forms.nth(0).locator("input:checked")).to_have_count(0)  # never answered
    expect(forms.nth(0).locator(".iv-selfcheck__result")).to_be_empty()
    expect(forms.nth(2).locator(".iv-selfcheck__result")).to_contain_text("Not quite.")


def test_an_answer_saved_by_position_is_moved_to_the_stable_key(
    page: Page, site: ServedSite
) -> None:
    page.goto(site.url(MODULE))
    answer(page, 0, correct=False)
    (new_key,) = self_check_keys(page)
    old_key = re.sub(r"#[^#]+$", "#self-check-1", new_key)
    # Positions were saved in the author's order (the page as built, before any shuffle).
    right_number = page.evaluate(
        """async () => 1 + [...new DOMParser().parseFromString(
            await (await fetch(location.href)).text(), 'text/html')
            .querySelectorAll('form.iv-selfcheck')[0].querySelectorAll('li')]
            .findIndex(li => li.dataset.ivCorrect === 'true')"""
    )
    page.evaluate(
        "([oldKey, newKey, number]) => { localStorage.removeItem(newKey);"
        " localStorage.setItem(oldKey, JSON.stringify({selected: [String(number)],"
        " checked: true})); }",
        [old_key, new_key, right_number],
    )

    page.reload()
    form = page.locator("form.iv-selfcheck").first
    expect(form.locator("li[data-iv-correct='true'] input")).to_be_checked()
    expect(form.locator(".iv-selfcheck__result")).to_contain_text("Correct.")
    assert self_check_keys(page) == [new_key]


def test_an_answer_whose_options_were_rewritten_is_dropped_quietly(
    page: Page, site: ServedSite
) -> None:
    page.goto(site.url(MODULE))
    answer(page, 0, correct=True)
    (key,) = self_check_keys(page)
    page.evaluate(
        "key => localStorage.setItem(key, JSON.stringify({selected: ['o-00000000'],"
        " checked: true}))",
        key,
    )

    page.reload()
    form = page.locator("form.iv-selfcheck").first
    expect(form.get_by_role("button", name="Check answer")).to_be_visible()
    expect(form.locator("input:checked")).to_have_count(0)
    expect(form.locator(".iv-selfcheck__result")).to_be_empty()  # no "Choose an answer"
    assert self_check_keys(page) == []


def test_a_double_click_gives_one_verdict_and_checking_nothing_focuses_the_options(
    page: Page, site: ServedSite
) -> None:
    page.goto(site.url(MODULE))
    form = page.locator("form.iv-selfcheck").first
    result = form.locator(".iv-selfcheck__result")
    button = form.get_by_role("button", name="Check answer")

    button.click()
    expect(result).to_have_text("Choose an answer, then check.")
    expect(form.locator("input").first).to_be_focused()

    form.locator("li[data-iv-correct='false'] input").first.check()
    button.evaluate("button => { button.click(); button.click(); }")
    expect(result).to_contain_text("Not quite.")
    expect(result.locator(".iv-result")).to_have_count(1)

    # A verdict still pending when the answer changes must not appear after the change.
    form.locator("li[data-iv-correct='true'] input").first.evaluate(
        """input => { input.form.requestSubmit(); input.click(); }"""
    )
    expect(form.locator("li[data-iv-correct='true'] input")).to_be_checked()
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))")
    expect(result).to_be_empty()


def with_storage(context: BrowserContext, script: str) -> None:
    context.add_init_script(script)


BLOCKED = """Object.defineProperty(window, 'localStorage', { configurable: true,
  get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });"""
FULL = """Storage.prototype.setItem = function () {
  throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };"""


def download_text(page: Page, click: Callable[[], None]) -> str:
    with page.expect_download() as info:
        click()
    download: Download = info.value
    return download.path().read_text(encoding="utf-8")


def test_blocked_storage_says_so_and_still_exports_what_was_typed(
    context: BrowserContext, page: Page, site: ServedSite
) -> None:
    with_storage(context, BLOCKED)
    page.goto(site.url(MODULE))
    box = page.locator(".iv-reflection").first
    box.get_by_role("textbox").fill(AWKWARD)
    box.get_by_role("textbox").blur()
    expect(box.locator(".iv-reflection__status")).to_contain_text("blocks local storage")

    exported = download_text(
        page, box.get_by_role("button", name="Download all my reflections").click
    )
    assert AWKWARD in exported
    assert "## What intervision is (and is not)" in exported

    answer(page, 0, correct=True)  # self-checks still work without storage
    page.get_by_role("button", name="Mark this module as done").click()
    expect(page.locator(".iv-done__status")).to_contain_text("blocks local storage")


def test_full_storage_is_named_as_full(
    context: BrowserContext, page: Page, site: ServedSite
) -> None:
    with_storage(context, FULL)
    page.goto(site.url(MODULE))
    box = page.locator(".iv-reflection").first
    box.get_by_role("textbox").fill("A thought worth keeping.")
    box.get_by_role("textbox").blur()
    expect(box.locator(".iv-reflection__status")).to_have_text(
        "Could not save: this browser's storage for this site is full. "
        "Copy your text somewhere safe."
    )


def test_printing_twice_gives_one_sheet_with_the_text_as_typed(
    context: BrowserContext, page: Page, site: ServedSite
) -> None:
    # Some browsers never send afterprint; a stubbed print() behaves like them.
    context.add_init_script(
        "window.print = () => { window.ivPrinted = (window.ivPrinted || 0) + 1; };"
    )
    page.goto(site.url(MODULE))
    box = page.locator(".iv-reflection").first
    box.get_by_role("textbox").fill(AWKWARD)
    print_all = box.get_by_role("button", name="Print all my reflections")
    print_all.click()
    print_all.click()

    assert page.evaluate("window.ivPrinted") == 2
    sheet = page.locator(".iv-print-all")
    expect(sheet).to_have_count(1)
    assert sheet.locator(".iv-print-all__answer").text_content() == AWKWARD
    expect(sheet.locator("b")).to_have_count(0)
    page.emulate_media(media="print")
    expect(sheet.locator(".iv-print-all__answer")).to_be_visible()
    expect(page.locator(".md-content")).to_be_hidden()


def test_an_emptied_reflection_is_not_exported(page: Page, site: ServedSite) -> None:
    page.goto(site.url(MODULE))
    box = page.locator(".iv-reflection").first
    box.get_by_role("textbox").fill("Something I later delete.")
    expect(box.locator(".iv-reflection__status")).to_have_text("Saved in this browser.")
    box.get_by_role("textbox").fill("   \n  ")
    downloads: list[Download] = []
    page.on("download", lambda download: downloads.append(download))
    box.get_by_role("button", name="Download all my reflections").click()
    expect(box.locator(".iv-reflection__status")).to_have_text(
        "You have not saved any reflections in this browser yet."
    )
    assert downloads == []
    assert (
        page.evaluate("Object.keys(localStorage).filter(key => key.includes(':reflection:'))") == []
    )
