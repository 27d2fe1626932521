"""Real Chromium: the demo course page launches the tool INSIDE its iframe, as learner and
instructor, over plain http on 127.0.0.1 (LMS and tool on different ports: same site).

This is the check that the demo works without TLS: the tool's state and session cookies
(Secure, SameSite=None, Partitioned) must be set and sent inside the frame.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from lti_app.demo import RunningDemo, start_demo

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningDemo]:
    running = start_demo(tmp_path / "instance", _free_port(), _free_port(), site_dir=None)
    yield running
    running.stop()


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
    [("Launch as learner", "Learner", "Bram Jansen"),
     ("Launch as instructor", "Instructor", "Anna de Vries")],
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
