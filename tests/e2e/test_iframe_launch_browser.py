"""Real Chromium: the demo course page launches the tool INSIDE its iframe, as learner and
instructor, over plain http on 127.0.0.1 (LMS and tool on different ports: same site).

This is the check that the demo works without TLS: the tool's state and session cookies
(Secure, SameSite=None, Partitioned) must be set and sent inside the frame.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Frame, Page, expect

from lti_app.demo import RunningDemo
from tests.support.lti_fixtures import running_demo
from tests.support.sitebuild import ServedSite

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def _tool_frame(page: Page) -> Frame:
    frame = page.frame(name="tool-frame")
    assert frame is not None, "the course page has no iframe named tool-frame"
    return frame


def _launch(page: Page, demo: RunningDemo, button: str) -> Frame:
    page.goto(demo.urls.course)
    frame = _tool_frame(page)
    with page.expect_response(lambda r: r.url.startswith(demo.urls.tool + "/lti/launch")) as done:
        page.get_by_role("button", name=button, exact=True).click()
    assert done.value.status < 400, f"the tool refused the launch ({done.value.status})"
    frame.wait_for_load_state()
    return frame


@pytest.mark.parametrize(
    ("button", "role_label", "name"),
    [
        ("Launch as learner", "Learner", "Bram Jansen"),
        ("Launch as instructor", "Instructor", "Anna de Vries"),
    ],
)
def test_launch_renders_the_tool_inside_the_iframe(
    page: Page, demo: RunningDemo, button: str, role_label: str, name: str
) -> None:
    frame = _launch(page, demo, button)

    assert frame.url.startswith(demo.urls.tool + "/"), frame.url
    assert page.url.startswith(demo.urls.lms), "the launch must not leave the course page"
    body = frame.locator("body")
    expect(body).to_contain_text(re.compile(role_label, re.IGNORECASE))
    expect(body).not_to_contain_text("Reference: E-")

    from lti_app.storage import db
    from lti_app.storage.models import LtiUser

    with db.transaction(demo.tool_app) as session:
        names = {user.name for user in session.query(LtiUser).all()}
    assert name in names


def test_second_launch_in_the_same_frame_switches_person(page: Page, demo: RunningDemo) -> None:
    _launch(page, demo, "Launch as learner")
    frame = _launch(page, demo, "Launch as instructor")
    expect(frame.locator("body")).to_contain_text(re.compile("instructor", re.IGNORECASE))


@pytest.fixture
def demo_with_course(tmp_path: Path, site: ServedSite) -> Iterator[RunningDemo]:
    """The demo with the real built course, which the tool's deep-linking picker lists."""
    with running_demo(tmp_path / "instance", site.root) as running:
        yield running


def _add_module_and_open_it_as_learner(page: Page, demo: RunningDemo) -> tuple[Frame, str]:
    """The instructor adds a module by deep linking; the learner opens it. (frame, title)"""
    page.goto(demo.urls.course)
    frame = _tool_frame(page)
    page.get_by_role("button", name=re.compile("deep linking")).click()
    choice = frame.locator("input[type=checkbox]").first
    choice.check()
    chosen_title = frame.locator(f"label[for='{choice.get_attribute('id')}']").inner_text()
    frame.locator("button[type=submit], input[type=submit]").last.click()
    expect(frame.locator("h1")).to_contain_text("Added 1 item")

    page.goto(demo.urls.course)
    module_title = chosen_title.split(". ", 1)[-1].strip()
    expect(page.locator(".lms-link-list")).to_contain_text(module_title)
    page.get_by_role("button", name=f"Open {chosen_title.strip()} as learner").click()
    frame = _tool_frame(page)
    expect(frame.locator("h1").first).to_contain_text(module_title)
    return frame, module_title


def test_deep_linking_adds_a_module_that_learners_open_in_the_frame(
    page: Page, demo_with_course: RunningDemo
) -> None:
    demo = demo_with_course
    frame, _ = _add_module_and_open_it_as_learner(page, demo)
    assert frame.url.startswith(demo.urls.tool + "/"), frame.url


LAUNCH_SEGMENT = re.compile(r"/launch/[A-Za-z0-9_-]+/")


def test_the_first_tab_still_acts_in_its_own_launch_after_a_second_launch(
    context: BrowserContext, page: Page, demo_with_course: RunningDemo
) -> None:
    """Two tabs, one browser: the module in tab 1, the course home launched in tab 2; then
    "Mark as done" in tab 1 is accepted for tab 1's launch (same person: session kept)."""
    demo = demo_with_course
    first_frame, _ = _add_module_and_open_it_as_learner(page, demo)
    first_launch = LAUNCH_SEGMENT.search(first_frame.url)
    assert first_launch, first_frame.url

    second_tab = context.new_page()
    second_frame = _launch(second_tab, demo, "Launch as learner")
    expect(second_frame.locator("h1").first).to_be_visible()
    second_launch = LAUNCH_SEGMENT.search(second_frame.url)
    assert second_launch and second_launch.group(0) != first_launch.group(0), second_frame.url

    page.bring_to_front()
    first_frame.get_by_role("button", name="Mark this module as done").click()
    expect(first_frame.locator("#iv-done")).to_contain_text("Marked as done.")
    assert first_launch.group(0) in first_frame.url, first_frame.url
    expect(first_frame.locator("body")).not_to_contain_text("Reference: E-")
