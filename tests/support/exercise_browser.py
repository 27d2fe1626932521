"""Driving peer-feedback exercises in real Chromium inside the demo LMS: placing the exercise by
deep linking, opening it as the instructor or as a learner picked in the course page's select,
and following a live round's phase in several open pages at once.

Used by ``tests/e2e/test_exercises_browser.py``; nothing here fakes the tool or the LMS.
"""

from __future__ import annotations

import re

from playwright.sync_api import Frame, Page, expect

from lti_app.demo import RunningDemo
from tests.support.signup_browser import choose_learner, tool_frame
from tests.support.sitebuild import REPO_ROOT

SHOTS_DIR = REPO_ROOT / "test-artefacts" / "exercises"
MARKER = "window.__ivStayed"  # set before a phase change; a reload or navigation clears it


def place_exercise(page: Page, demo: RunningDemo, title: str) -> None:
    """The instructor adds the catalogue's peer-feedback activity ``title`` by deep linking."""
    page.goto(demo.urls.course)
    page.get_by_role("button", name=re.compile("deep linking")).click()
    frame = tool_frame(page)
    frame.wait_for_url("**/deep-linking/")
    frame.get_by_label(title, exact=True).check()
    frame.get_by_role("button", name="Add to course").click()
    expect(frame.locator("h1")).to_contain_text("Added 1 item")
    page.goto(demo.urls.course)
    expect(page.locator(".lms-link-list")).to_contain_text(title)


def link_ids(page: Page, demo: RunningDemo, title: str) -> list[str]:
    """The resource link ids of the course's links titled ``title``, in the course's order."""
    page.goto(demo.urls.course)
    buttons = page.get_by_role("button", name=f"Open {title} as learner", exact=True)
    return [
        b.evaluate("e => e.closest('form').querySelector('[name=link]').value")
        for b in buttons.all()
    ]


def open_exercise(
    page: Page, demo: RunningDemo, title: str, role: str, learner: str = "", *, nth: int = 0
) -> Frame:
    """Open the course link ``title`` in the tool's frame as ``role`` (a learner: the person
    ``learner`` chosen in the course page's select); the frame on the exercise's first page.
    ``nth``: the link's place among the course's links of that title (deep linking the same
    activity twice adds a second link, ``dl-2``: another exercise, another meeting)."""
    if learner:
        choose_learner(page, demo, learner)
    else:
        page.goto(demo.urls.course)
    page.get_by_role("button", name=f"Open {title} as {role}", exact=True).nth(nth).click()
    frame = tool_frame(page)
    frame.wait_for_url(re.compile(r".*/exercises/.*"))
    expect(frame.locator("h1")).to_be_visible()
    return frame


def mark_page(frame: Frame) -> None:
    frame.evaluate(f"{MARKER} = 'kept'")


def page_stayed(frame: Frame) -> bool:
    return bool(frame.evaluate(f"{MARKER} === 'kept'"))


def phase_heading(frame: Frame) -> object:
    return frame.locator("#phase-heading")


def press(frame: Frame, name: str, scope: str = "body") -> None:
    """Click the button ``name`` (inside ``scope``) and wait for the page it leads to."""
    with frame.expect_navigation():
        frame.locator(scope).get_by_role("button", name=name, exact=True).click()
