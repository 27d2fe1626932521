"""The same learner states inside the LMS (issues 11 and 12), in real Chromium in the demo LMS:
the module page the tool serves shuffles self-check options per learner and keeps the answer
and its feedback after a reload, "Mark as done" (kept by the tool) says it is done and why it
is not undone there, and the previous/next module links lead on inside the launch.
Screenshots at 1280 px and 390 px go to ``test-artefacts/learner/``; axe-core on each state."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Frame, Page, expect

from lti_app.demo import RunningDemo
from tests.support.accessibility import AXE_TAGS, blocking_findings
from tests.support.lti_fixtures import running_demo
from tests.support.selfcheck_order import AUTHOR_ORDER, SHOTS, SHOWN_ORDER
from tests.support.sitebuild import ServedSite

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def demo_with_course(tmp_path: Path, site: ServedSite) -> Iterator[RunningDemo]:
    with running_demo(tmp_path / "instance", site.root) as running:
        yield running


def tool_frame(page: Page) -> Frame:
    frame = page.frame(name="tool-frame")
    assert frame is not None, "the course page has no iframe named tool-frame"
    return frame


def add_first_module_and_open_it(page: Page, demo: RunningDemo) -> Frame:
    page.goto(demo.urls.course)
    page.get_by_role("button", name=re.compile("deep linking")).click()
    frame = tool_frame(page)
    choice = frame.locator("input[type=checkbox]").first
    choice.check()
    title = frame.locator(f"label[for='{choice.get_attribute('id')}']").inner_text().strip()
    frame.locator("button[type=submit], input[type=submit]").last.click()
    expect(frame.locator("h1")).to_contain_text("Added 1 item")
    page.goto(demo.urls.course)
    page.get_by_role("button", name=f"Open {title} as learner").click()
    frame = tool_frame(page)
    expect(frame.locator("form.iv-selfcheck").first).to_have_attribute("data-iv-shuffled", "true")
    return frame


def shoot(page: Page, frame: Frame, name: str, selector: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in (("desktop", 1280), ("mobile", 390)):
        page.set_viewport_size({"width": width, "height": 900})
        target = frame.locator(selector).first
        target.scroll_into_view_if_needed()
        target.screenshot(path=SHOTS / f"lms-{name}-{label}.png")
    page.set_viewport_size({"width": 1280, "height": 900})


def assert_accessible(frame: Frame, label: str) -> None:
    """axe-core is in every frame from the start (an init script: the tool's CSP allows no
    inline script added later)."""
    result = frame.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        AXE_TAGS,
    )
    findings = blocking_findings(label, result["violations"])
    assert not findings, "\n".join(map(str, findings))


def test_lms_module_page_shuffles_keeps_answers_and_leads_on_after_done(
    context: BrowserContext, page: Page, demo_with_course: RunningDemo, axe_source: str
) -> None:
    context.add_init_script(script=axe_source)
    page.set_viewport_size({"width": 1280, "height": 900})
    frame = add_first_module_and_open_it(page, demo_with_course)
    author: list[list[str]] = frame.evaluate(AUTHOR_ORDER)
    shown: list[list[str]] = frame.evaluate(SHOWN_ORDER)
    assert [sorted(o) for o in shown] == [sorted(o) for o in author]

    form = frame.locator("form.iv-selfcheck").first
    right = form.locator("li.iv-selfcheck__option[data-iv-correct='true']").first
    chosen = right.locator("input").get_attribute("value")
    right.locator("label").click()
    form.get_by_role("button", name="Check answer").click()
    expect(form.locator(".iv-selfcheck__result")).to_contain_text("Correct.")
    shoot(page, frame, "selfcheck-right", "form.iv-selfcheck")

    frame.goto(frame.url)  # a reload of the module page inside the launch
    form = frame.locator("form.iv-selfcheck").first
    expect(form).to_have_attribute("data-iv-shuffled", "true")
    assert frame.evaluate(SHOWN_ORDER) == shown, "the order changed for the same learner"
    expect(form.locator(f"input[value='{chosen}']")).to_be_checked()
    expect(form.locator(".iv-selfcheck__result")).to_contain_text("Correct.")

    frame.get_by_role("button", name="Mark this module as done").click()
    done = frame.locator("#iv-done")
    expect(done).to_contain_text("Marked as done.")
    expect(done).to_contain_text("You marked")
    expect(done).to_contain_text("not undone here")
    nav = frame.get_by_role("navigation", name="Previous and next module")
    next_link = nav.get_by_role("link", name=re.compile(r"^Next module: "))
    expect(next_link).to_be_visible()
    shoot(page, frame, "module-done", "#iv-done")
    assert_accessible(frame, "LMS module page after done")

    next_title = (next_link.inner_text().split(": ", 1)[1]).strip(" →")
    next_link.click()
    frame = tool_frame(page)
    expect(frame.locator("h1").first).to_contain_text(next_title)
    assert "/launch/" in frame.url, f"the next module left the launch: {frame.url}"
    expect(frame.get_by_role("button", name="Mark this module as done")).to_be_visible()
