"""Real Chromium: a forged POST to /lti/launch does not end the learner's session.

The learner launches the tool inside the demo course's iframe. Then a page script (anything
running in the LMS page, another frame, a hostile course item) submits a form of its own
to the tool's /lti/launch, into that same frame, with the browser's cookies. The tool refuses
it, and the learner's page still opens afterwards in the same browser: the session cookie
lived through the forged POST.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Frame, Page, expect

from lti_app.demo import RunningDemo

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

FORGE = """([action, token]) => {
  const form = document.createElement("form");
  form.method = "POST";
  form.action = action;
  form.target = "tool-frame";
  for (const [name, value] of [["id_token", token], ["state", "forged-state"]]) {
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = name;
    field.value = value;
    form.appendChild(field);
  }
  document.body.appendChild(form);
  form.submit();
}"""


def _tool_frame(page: Page) -> Frame:
    frame = page.frame(name="tool-frame")
    assert frame is not None, "the course page has no iframe named tool-frame"
    return frame


def test_a_forged_launch_post_leaves_the_learner_signed_in(page: Page, demo: RunningDemo) -> None:
    page.goto(demo.urls.course)
    frame = _tool_frame(page)
    with page.expect_response(lambda r: r.url.startswith(demo.urls.tool + "/lti/launch")) as done:
        page.get_by_role("button", name="Launch as learner", exact=True).click()
    assert done.value.status < 400, f"the tool refused the real launch ({done.value.status})"
    frame.wait_for_load_state()
    learner_page = frame.url
    assert "/launch/" in learner_page, learner_page
    expect(frame.locator("body")).to_contain_text(re.compile("learner", re.IGNORECASE))

    with page.expect_response(lambda r: r.url == demo.urls.tool + "/lti/launch") as forged:
        page.evaluate(FORGE, [demo.urls.tool + "/lti/launch", "eyJhbGciOiJSUzI1NiJ9.e30.x"])
    assert forged.value.status == 400
    frame = _tool_frame(page)
    frame.wait_for_load_state()
    expect(frame.locator("body")).to_contain_text("Reference: E-")

    frame.goto(learner_page)
    body = frame.locator("body")
    expect(body).to_contain_text(re.compile("learner", re.IGNORECASE))
    expect(body).not_to_contain_text("Please open this page from your course")
