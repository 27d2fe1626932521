"""WCAG 2.2 AA gate for the tool's own pages: axe-core in real Chromium finds no critical or
serious violation on the course home, module page, activity placeholder, landing page and
deep-linking picker *inside the demo LMS's iframe*, on the setup and error pages, and on the
course home in a narrow frame. The pages run under their real CSP: axe is added as an init
script (not an inline script the CSP would block), and any CSP violation fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Frame, Page, expect

from lti_app.demo import RunningDemo
from tests.support.accessibility import AXE_TAGS, Finding, blocking_findings
from tests.support.lti_fixtures import running_demo
from tests.support.sitebuild import ServedSite

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# A stylesheet from another origin: the tool's CSP must refuse it (control for CspWatch).
PLANTED_STYLESHEET = "http://127.0.0.2:9/planted.css"
AXE_RUN = """tags => axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, site: ServedSite) -> Iterator[RunningDemo]:
    """The demo LMS and the tool with the real built course."""
    with running_demo(tmp_path_factory.mktemp("a11y-demo") / "instance", site.root) as running:
        yield running


@pytest.fixture
def bare_demo(tmp_path: Path) -> Iterator[RunningDemo]:
    """The demo without a built course (the tool must explain what the admin has to do)."""
    with running_demo(tmp_path / "instance") as running:
        yield running


class CspWatch:
    """Collects the browser's CSP violation reports (a blocked style or script)."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)


@pytest.fixture
def audited(
    context: BrowserContext, page: Page, axe_source: str
) -> Iterator[tuple[Page, CspWatch]]:
    """A page whose every frame gets axe-core before its own scripts; CSP reports recorded."""
    context.add_init_script(script=axe_source)
    watch = CspWatch()
    page.on("console", watch.on_console)
    yield page, watch
    unexpected = [text for text in watch.violations if PLANTED_STYLESHEET not in text]
    assert unexpected == [], f"CSP blocked something: {unexpected}"


def axe_findings(target: Frame | Page, name: str) -> list[Finding]:
    target.wait_for_load_state("load")  # sizes and colours need every stylesheet
    result: dict[str, Any] = target.evaluate(AXE_RUN, AXE_TAGS)
    return blocking_findings(name, result["violations"])


def tool_frame(page: Page) -> Frame:
    frame = page.frame(name="tool-frame")
    assert frame is not None, "the course page has no iframe named tool-frame"
    return frame


def launch(page: Page, demo: RunningDemo, button: str, lands_on: str = "**/course/") -> Frame:
    page.goto(demo.urls.course)
    page.get_by_role("button", name=button, exact=True).click()
    frame = tool_frame(page)
    frame.wait_for_url(lands_on)
    frame.wait_for_load_state("load")
    return frame


def assert_clean(findings: list[Finding]) -> None:
    assert findings == [], f"{len(findings)} axe violations:\n" + "\n".join(map(str, findings))


def test_learner_pages_in_the_lms_frame(audited: tuple[Page, CspWatch], demo: RunningDemo) -> None:
    page, _ = audited
    frame = launch(page, demo, "Launch as learner")
    expect(frame.locator("header")).to_contain_text("Learner")
    expect(frame.locator("h2#my-progress-heading")).to_be_visible()
    findings = axe_findings(frame, "course home (learner)")

    frame.locator("#course-modules a").first.click()
    frame.wait_for_url(re.compile(r".*/site/modules/.*"))
    expect(frame.locator("#iv-done")).to_contain_text("Mark this module as done")
    findings += axe_findings(frame, "module page (learner)")

    frame.get_by_role("link", name="Back to the course home").click()
    frame.wait_for_url("**/course/")
    frame.locator("#course-activities a").first.click()
    frame.wait_for_url(re.compile(r".*/activities/.*"))
    expect(frame.locator("#open-from-course")).to_contain_text("opens from its own link")
    findings += axe_findings(frame, "activity page reached from the course home")
    assert_clean(findings)


def test_instructor_pages_in_the_lms_frame(
    audited: tuple[Page, CspWatch], demo: RunningDemo
) -> None:
    page, _ = audited
    frame = launch(page, demo, "Launch as instructor")
    expect(frame.locator("#trainer-overview")).to_contain_text("deep linking")
    findings = axe_findings(frame, "course home (instructor)")
    frame.locator("#completions-link").click()
    frame.wait_for_url("**/course/completions")
    expect(frame.locator("h1")).to_have_text("Who completed which module")
    findings += axe_findings(frame, "who completed which module")

    frame.goto(demo.urls.tool + "/lti/home")
    expect(frame.locator("#launch-summary")).to_contain_text("instructor")
    findings += axe_findings(frame, "launch landing")

    page.goto(demo.urls.course)
    page.get_by_role("button", name=re.compile("deep linking")).click()
    frame = tool_frame(page)
    frame.wait_for_url("**/deep-linking/")
    findings += axe_findings(frame, "deep-linking picker")
    frame.get_by_role("button", name="Add to course").click()  # nothing chosen: an error
    expect(frame.locator("#choice-errors")).to_be_visible()
    findings += axe_findings(frame, "deep-linking picker with an error")
    assert_clean(findings)


def test_setup_and_error_pages(audited: tuple[Page, CspWatch], demo: RunningDemo) -> None:
    page, _ = audited
    page.goto(demo.urls.setup)
    expect(page.locator("h1")).to_contain_text("Install")
    findings = axe_findings(page, "setup page")
    page.goto(demo.urls.tool + "/")
    page.get_by_role("link", name="Install this tool in your LMS").click()
    expect(page.locator("h1")).to_contain_text("Install")
    page.go_back()
    findings += axe_findings(page, "the tool's root page")
    page.goto(demo.urls.setup)
    page.keyboard.press("Tab")  # the first stop is the skip link, visible when focused
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to main content")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] >= 24
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    response = page.goto(demo.urls.tool + "/course/")  # no launch in this browser
    assert response is not None and response.status == 401
    expect(page.locator("main")).to_contain_text("Reference:")
    findings += axe_findings(page, "error page")
    assert_clean(findings)


def test_course_home_reflows_in_a_narrow_frame(
    audited: tuple[Page, CspWatch], demo: RunningDemo
) -> None:
    page, _ = audited
    page.set_viewport_size({"width": 360, "height": 740})
    frame = launch(page, demo, "Launch as instructor")
    width = frame.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[1] < 360, f"the frame should be narrower than the page: {width}"
    assert width[0] <= width[1], f"the course home scrolls sideways in a narrow frame: {width}"
    target = frame.locator("#course-modules a").first.bounding_box()
    assert target is not None and target["height"] >= 24  # WCAG 2.5.8 target size
    assert_clean(axe_findings(frame, "course home (narrow frame)"))


def test_course_home_without_a_catalogue(
    audited: tuple[Page, CspWatch], bare_demo: RunningDemo
) -> None:
    page, _ = audited
    frame = launch(page, bare_demo, "Launch as instructor")
    expect(frame.locator("#no-catalogue")).to_contain_text("INTERVISION_SITE_DIR")
    assert_clean(axe_findings(frame, "course home without a catalogue"))


def test_axe_runs_inside_the_frame_under_the_tool_csp(
    audited: tuple[Page, CspWatch], demo: RunningDemo
) -> None:
    """Control: the harness sees violations in the framed tool page, and the stylesheet
    applied (a blocked stylesheet would leave the browser's default serif font)."""
    page, watch = audited
    frame = launch(page, demo, "Launch as learner")
    font = frame.evaluate("getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font, font
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        frame.evaluate(
            "href => document.head.append(Object.assign("
            "document.createElement('link'), {rel: 'stylesheet', href}))",
            PLANTED_STYLESHEET,
        )
    assert any(PLANTED_STYLESHEET in text for text in watch.violations), watch.violations
    frame.evaluate(
        "() => document.querySelector('main').append("
        "Object.assign(document.createElement('input'), {type: 'text', id: 'planted'}))"
    )
    findings = axe_findings(frame, "planted")
    assert any(f.rule == "label" and "#planted" in f.target for f in findings), findings
