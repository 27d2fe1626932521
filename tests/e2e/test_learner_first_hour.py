"""A learner's first hour (issues 11 and 12) in real Chromium at 1280 px and 390 px: method
timelines numbered once with the vendored silent icon, self-check legends inside their box,
feedback that says its verdict once, options in a stable per-learner shuffled order (DOM order
= visual order) that keeps answers and feedback after a reload, "Mark as done" that says how
to undo and leads on, and the overview's export and reset with a confirm step. Each state is
screenshotted to ``test-artefacts/learner/`` and checked with axe-core."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.accessibility import blocking_findings, run_axe
from tests.support.selfcheck_order import AUTHOR_ORDER, SHOTS, SHOWN_ORDER
from tests.support.sitebuild import ServedSite, page_types

pytestmark = pytest.mark.browser

METHOD_MODULE = "modules/07-collegial-counselling/"
WIDTHS = {"desktop": 1280, "mobile": 390}

TOPS_IN_DOM_ORDER = """form => [...form.querySelectorAll("li.iv-selfcheck__option")]
  .map(item => item.getBoundingClientRect().top)"""
SAVED = """ns => Object.keys(localStorage).filter(key => key.startsWith(ns))"""


def shoot(page: Page, width: str, name: str, target: Locator | None = None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-{width}.png"
    if target is None:
        page.screenshot(path=path, full_page=False)
    else:
        target.scroll_into_view_if_needed()
        target.screenshot(path=path)


def assert_accessible(page: Page, axe_source: str, label: str, width: str) -> None:
    """axe-core at 390 px, where layout-bound rules (scrolling regions, target size) differ:
    at 1280 px test_accessibility.py already checks every page as built, and these states
    have the same DOM at both widths (axe takes seconds per long page)."""
    if width != "mobile":
        return
    findings = blocking_findings(label, run_axe(page, axe_source))
    assert not findings, "\n".join(map(str, findings))


def assert_no_sideways_scroll(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width} > {width}"


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, "element is not rendered"
    return found


def use_seed(page: Page, site: ServedSite, seed: str) -> None:
    """Be a learner whose browser made this seed (the site is served at its root)."""
    key = f"intervision:{urlsplit(site.base_url).path}:learner-seed"
    page.add_init_script(f"localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(seed))})")


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def width(request: pytest.FixtureRequest, page: Page) -> str:
    name: str = request.param
    page.set_viewport_size({"width": WIDTHS[name], "height": 900})
    return name


def test_method_timeline_is_numbered_once_with_the_vendored_silent_icon(
    page: Page, site: ServedSite, width: str, axe_source: str
) -> None:
    page.goto(site.url(METHOD_MODULE))
    timeline = page.locator(".iv-timeline").first
    phases = timeline.locator("li.iv-phase")
    expect(phases.first.locator(".iv-phase__name")).to_have_text(re.compile(r"^1\. \S"))
    names = phases.locator(".iv-phase__name").all_inner_texts()
    assert any(name.startswith("2a. ") for name in names), names
    assert not any(re.match(r"^\d+[a-z]?\. \d+[a-z]?\.", name) for name in names), names
    marker = phases.first.evaluate("item => getComputedStyle(item).listStyleType")
    assert marker == "none", f"the list adds its own numbers: {marker}"

    silent = timeline.locator(".iv-silent-marker").first
    icon = silent.locator(".iv-icon--silent")
    expect(icon).to_have_attribute("aria-hidden", "true")
    before = silent.evaluate("m => getComputedStyle(m, '::before').content")
    assert before in ("none", "normal"), f"an emoji/glyph is still drawn: {before}"
    mask = icon.evaluate("i => getComputedStyle(i).maskImage || getComputedStyle(i).webkitMask")
    assert mask.startswith('url("data:image/svg+xml'), mask
    assert box(icon)["width"] > 8
    assert_no_sideways_scroll(page, WIDTHS[width])
    shoot(page, width, "timeline", timeline.locator("li.iv-phase--silent").first)
    assert_accessible(page, axe_source, METHOD_MODULE, width)


def test_self_checks_shuffle_per_learner_and_keep_answers_after_a_reload(
    page: Page, site: ServedSite, width: str, axe_source: str
) -> None:
    module = page_types(site.root).modules[0]
    use_seed(page, site, "0123456789abcdef")
    page.goto(site.url(module))
    form = page.locator("form.iv-selfcheck").first
    expect(form).to_have_attribute("data-iv-shuffled", "true")
    author: list[list[str]] = page.evaluate(AUTHOR_ORDER)
    shown: list[list[str]] = page.evaluate(SHOWN_ORDER)
    assert [sorted(options) for options in shown] == [sorted(options) for options in author]
    assert shown != author, "no question on the page was shuffled"
    tops: list[float] = form.evaluate(TOPS_IN_DOM_ORDER)
    assert tops == sorted(tops), "visual order differs from DOM (reading and Tab) order"

    # The legend (kicker and question) is inside the box, not on its border.
    fieldset, legend = box(form.locator("fieldset")), box(form.locator("legend"))
    assert legend["y"] >= fieldset["y"] + 1, (legend, fieldset)
    assert legend["x"] + legend["width"] <= fieldset["x"] + fieldset["width"] + 0.5
    shoot(page, width, "selfcheck-unanswered", form)

    # Keyboard: the first option in the order shown gets focus with Tab, arrows follow it.
    form.locator("input").first.focus()
    page.keyboard.press("ArrowDown")
    expect(form.locator("input").nth(1)).to_be_checked()

    right = form.locator("li.iv-selfcheck__option[data-iv-correct='true']").first
    right.locator("label").click()
    form.get_by_role("button", name="Check answer").click()
    result = form.locator(".iv-selfcheck__result")
    expect(result).to_contain_text("Correct.")
    feedback = right.locator(".iv-selfcheck__feedback").inner_text()
    assert "Right answer. Right." not in feedback and "Right answer. Correct." not in feedback
    assert len(re.findall(r"\b(Right|Correct)\b", feedback.split(".")[0])) <= 1, feedback
    shoot(page, width, "selfcheck-right", form)
    chosen = right.locator("input").get_attribute("value")

    page.reload()
    form = page.locator("form.iv-selfcheck").first
    assert page.evaluate(SHOWN_ORDER) == shown, "the order changed for the same learner"
    expect(form.locator(f"input[value='{chosen}']")).to_be_checked()
    right = form.locator(f"li.iv-selfcheck__option:has(input[value='{chosen}'])")
    expect(right).to_have_attribute("data-iv-correct", "true")
    expect(right).to_have_class(re.compile(r"\bis-right\b"))
    expect(form.locator(".iv-selfcheck__result")).to_contain_text("Correct.")
    assert_no_sideways_scroll(page, WIDTHS[width])
    assert_accessible(page, axe_source, module, width)

    # Another learner (another seed) sees another order of the same options.
    use_seed(page, site, "fedcba9876543210")
    page.reload()
    other: list[list[str]] = page.evaluate(SHOWN_ORDER)
    assert [sorted(o) for o in other] == [sorted(o) for o in shown]
    assert other != shown


def test_done_leads_on_and_the_overview_exports_and_resets(
    page: Page, site: ServedSite, width: str, axe_source: str, tmp_path: Path
) -> None:
    types = page_types(site.root)
    first, second = types.modules[0], types.modules[1]
    page.goto(site.url(first))
    page.locator(".iv-reflection textarea").first.fill("What I will try on Monday.")
    expect(page.locator(".iv-reflection__status").first).to_have_text("Saved in this browser.")
    done = page.locator("button.iv-done__button")
    expect(done).to_have_accessible_name("Mark this module as done")
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")
    expect(done).to_have_text("Done – press again to undo")
    expect(page.locator(".iv-done__status")).to_contain_text("marked this module as done")
    nav = page.get_by_role("navigation", name="Previous and next module")
    expect(nav.get_by_role("link", name="Course overview")).to_be_visible()
    next_link = nav.get_by_role("link", name=re.compile(r"^Next module: "))
    expect(next_link).to_be_visible()
    assert_no_sideways_scroll(page, WIDTHS[width])
    shoot(page, width, "module-done", page.locator(".iv-done"))
    shoot(page, width, "module-done-nav", nav)
    assert_accessible(page, axe_source, first, width)

    next_link.click()
    page.wait_for_url(site.url(second.removesuffix("index.html")))
    expect(
        page.get_by_role("navigation", name="Previous and next module").get_by_role(
            "link", name=re.compile(r"^Previous module: ")
        )
    ).to_have_attribute("href", re.compile(r"01-"))

    page.goto(site.url())
    total = len(types.modules)
    expect(page.locator(".iv-progress__text")).to_have_text(f"1 of {total} modules done")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my progress and reflections (JSON)").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    exported: dict[str, Any] = json.loads(saved.read_text(encoding="utf-8"))
    assert exported["format"] == "intervision-progress"
    keys = list(exported["entries"])
    assert any(key.startswith("done:") and "01-" in key for key in keys), keys
    assert "What I will try on Monday." in json.dumps(exported["entries"])

    reset = page.get_by_role("button", name="Reset my progress…")
    reset.click()
    confirm = page.get_by_role("group", name=re.compile("Delete your done marks"))
    expect(confirm).to_be_visible()
    expect(reset).to_have_attribute("aria-expanded", "true")
    assert_no_sideways_scroll(page, WIDTHS[width])
    shoot(page, width, "overview-reset-confirm", page.locator(".iv-progress"))
    assert_accessible(page, axe_source, "index.html (reset confirm open)", width)
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    expect(page.locator(".iv-progress__text")).to_have_text(f"1 of {total} modules done")

    reset.click()
    confirm.get_by_role("button", name="Yes, delete them").click()
    expect(page.locator(".iv-progress__text")).to_have_text(f"0 of {total} modules done")
    expect(page.locator(".iv-progress__tools-status")).to_contain_text("Deleted")
    ns = page.evaluate(
        "() => Object.keys(localStorage).find(k => k.endsWith(':learner-seed')).slice(0, -12)"
    )
    assert page.evaluate(SAVED, ns) == [ns + "learner-seed"]
    shoot(page, width, "overview-after-reset", page.locator(".iv-progress"))
    page.goto(site.url(first))
    expect(page.locator(".iv-reflection textarea").first).to_have_value("")
