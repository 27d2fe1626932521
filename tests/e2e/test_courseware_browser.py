"""What a learner does on the built course, in real Chromium: answer self-checks (mouse and
keyboard), hear the verdict through the live region, keep answers, progress and reflections
across reloads, see progress on the overview, and download their reflections."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.sitebuild import ServedSite, page_types

pytestmark = pytest.mark.browser

MAX_TAB_PRESSES = 40


@pytest.fixture(scope="module")
def module_path(site: ServedSite) -> str:
    """The first module page: it has self-checks, a reflection and the done control."""
    return page_types(site.root).modules[0]


def open_page(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    # The iv-*.js scripts reveal the script-only controls once it has initialised the page.
    expect(page.locator("form.iv-selfcheck, [data-iv-progress]").first).to_be_attached()


def first_self_check(page: Page) -> Locator:
    form = page.locator("form.iv-selfcheck").first
    expect(form.get_by_role("button", name="Check answer")).to_be_visible()
    return form


def option(form: Locator, *, correct: bool) -> Locator:
    return form.locator(f"li.iv-selfcheck__option[data-iv-correct='{str(correct).lower()}']").first


def live_region(form: Locator) -> Locator:
    region = form.locator(".iv-selfcheck__result")
    expect(region).to_have_attribute("aria-live", "polite")
    return region


def test_self_check_gives_feedback_for_wrong_then_right_answer(
    page: Page, site: ServedSite, module_path: str
) -> None:
    open_page(page, site.url(module_path))
    form = first_self_check(page)
    region = live_region(form)
    expect(region).to_be_empty()

    wrong = option(form, correct=False)
    wrong.locator("label").click()
    form.get_by_role("button", name="Check answer").click()
    expect(region).to_contain_text("Not quite.")
    expect(wrong).to_have_class(has_classes("is-revealed", "is-wrong"))
    expect(wrong.locator(".iv-feedback__text")).to_be_visible()

    right = option(form, correct=True)
    right.locator("label").click()
    expect(region).to_be_empty()  # changing the answer clears the old verdict
    form.get_by_role("button", name="Check answer").click()
    expect(region).to_contain_text("Correct.")
    expect(right).to_have_class(has_classes("is-revealed", "is-right"))
    expect(wrong).not_to_have_class(has_classes("is-revealed"))


def test_self_check_works_with_the_keyboard_alone(
    page: Page, site: ServedSite, module_path: str
) -> None:
    open_page(page, site.url(module_path))
    form = first_self_check(page)
    options = form.locator("li.iv-selfcheck__option")
    correct_index = [
        options.nth(i).get_attribute("data-iv-correct") for i in range(options.count())
    ].index("true")

    options.first.locator("input").focus()
    page.keyboard.press("Space")
    for _ in range(correct_index):
        page.keyboard.press("ArrowDown")  # arrow keys move and select within a radio group
    expect(options.nth(correct_index).locator("input")).to_be_checked()

    button = form.get_by_role("button", name="Check answer")
    for _ in range(MAX_TAB_PRESSES):
        if button.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(live_region(form)).to_contain_text("Correct.")


def test_answer_and_module_done_survive_a_reload(
    page: Page, site: ServedSite, module_path: str
) -> None:
    open_page(page, site.url(module_path))
    form = first_self_check(page)
    right = option(form, correct=True)
    right.locator("label").click()
    form.get_by_role("button", name="Check answer").click()
    expect(live_region(form)).to_contain_text("Correct.")

    done = page.locator("button.iv-done__button")
    expect(done).to_have_accessible_name("Mark this module as done")
    expect(done).to_have_attribute("aria-pressed", "false")
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")
    expect(done).to_have_accessible_name("Done – press again to undo")
    expect(page.locator(".iv-done__status")).to_contain_text("marked this module as done")

    page.reload()
    form = first_self_check(page)
    expect(option(form, correct=True).locator("input")).to_be_checked()
    restored = form.locator(".iv-selfcheck__result")
    expect(restored).to_contain_text("Correct.")
    # Shown, not read out on arrival; the region speaks again once the learner is back in it.
    expect(restored).to_have_attribute("aria-live", "off")
    option(form, correct=True).locator("input").focus()
    expect(live_region(form)).to_contain_text("Correct.")
    expect(page.get_by_role("button", name="Done – press again to undo")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_overview_shows_progress_of_done_modules(
    page: Page, site: ServedSite, module_path: str
) -> None:
    types = page_types(site.root)
    total = len(types.modules)
    progress_text = page.locator(".iv-progress__text")

    open_page(page, site.url(types.overview))
    expect(progress_text).to_have_text(f"0 of {total} modules done")

    open_page(page, site.url(module_path))
    page.get_by_role("button", name="Mark this module as done").click()

    open_page(page, site.url(types.overview))
    expect(progress_text).to_have_text(f"1 of {total} modules done")
    expect(page.locator("progress.iv-progress__bar")).to_have_js_property("value", 1)
    done_entries = page.locator("[data-iv-module].is-done")
    expect(done_entries).to_have_count(1)
    expect(done_entries.locator(".iv-done-badge")).to_have_text("Done")


def test_reflection_is_kept_and_exported(
    page: Page, site: ServedSite, module_path: str, tmp_path: Path
) -> None:
    open_page(page, site.url(module_path))
    box = page.locator(".iv-reflection").first
    answer = box.get_by_role("textbox")
    text = "My case: a colleague who never brings a case of her own."
    answer.fill(text)
    expect(box.locator(".iv-reflection__status")).to_have_text("Saved in this browser.")

    page.reload()
    box = page.locator(".iv-reflection").first
    expect(box.get_by_role("textbox")).to_have_value(text)

    with page.expect_download() as download_info:
        box.get_by_role("button", name="Download all my reflections").click()
    download = download_info.value
    assert download.suggested_filename == "my-reflections.md"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    exported = saved.read_text(encoding="utf-8")
    prompt = box.locator(".iv-reflection__prompt").inner_text().split("\n")[0].strip()
    assert exported.startswith("# My reflections: ")
    assert text in exported
    assert prompt in exported


def has_classes(*names: str) -> re.Pattern[str]:
    """A regex matching a class attribute that contains every name, in any order."""
    lookaheads = "".join(rf"(?=.*\b{re.escape(name)}\b)" for name in names)
    return re.compile(lookaheads)
