"""Real Chromium, the tool's cookies refused inside the LMS frame (``tests/support/
blocked_cookies.py``), LMS on localhost and tool on 127.0.0.1 (two sites): without Platform
Storage the cookie path fails in the frame (the tool offers a new window); with the demo LMS
answering lti.put_data / lti.get_data, the launch is validated and recorded inside the iframe.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, Playwright, Response, expect
from sqlalchemy import select

from lti_app.demo_lms.context import EXTENSION_KEY
from lti_app.lti.platform_storage import SECRET_FIELD
from lti_app.storage import db
from lti_app.storage.models import LtiUser
from tests.support.accessibility import AXE_TAGS, blocking_findings
from tests.support.blocked_cookies import cookie_blocking_context
from tests.support.lti_fixtures import lms
from tests.support.network import RequestLog
from tests.support.servers import LoopbackServer

__all__ = ["lms"]
pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def app_config(tmp_path: Path, tool_server: LoopbackServer) -> dict[str, Any]:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "BASE_URL": tool_server.url,
        "SECRET_KEY": "storage-e2e-secret-" + "k" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tool.sqlite3'}",
        # The tool page's wait for the platform: long, so a slow machine never falls back
        # before the test has sent its forged answers.
        "LTI_PLATFORM_STORAGE_TIMEOUT_MS": 60000,
    }


@pytest.fixture
def blocked(
    playwright_driver: Playwright, tmp_path: Path, lms: Flask, served_tool: str
) -> Iterator[BrowserContext]:
    issuer = lms.extensions[EXTENSION_KEY].settings.issuer
    context = cookie_blocking_context(playwright_driver, tmp_path / "profile", served_tool, issuer)
    context.route("**/*", RequestLog().route)
    yield context
    context.close()


def _offer_platform_storage(lms_app: Flask) -> None:
    state = lms_app.extensions[EXTENSION_KEY]
    settings = dataclasses.replace(state.settings, platform_storage=True)
    lms_app.extensions[EXTENSION_KEY] = dataclasses.replace(state, settings=settings)


def _launch_as_learner(page: Page, lms_app: Flask) -> None:
    page.goto(lms_app.extensions[EXTENSION_KEY].settings.course_url)
    page.get_by_role("button", name="Launch as learner", exact=True).click()


def _people(app: Flask) -> set[str]:
    with app.app_context(), db.transaction() as session:
        return {str(name) for name in session.scalars(select(LtiUser.name))}


def test_launch_is_validated_in_the_frame_through_platform_storage_when_cookies_are_refused(
    blocked: BrowserContext, app: Flask, lms: Flask, served_tool: str
) -> None:
    page = blocked.new_page()
    launches: list[Response] = []
    page.on(
        "response",
        lambda r: launches.append(r) if r.url == served_tool + "/lti/launch" else None,
    )

    # 1. The cookie path, as before: the tool's check finds no cookie in the frame.
    _launch_as_learner(page, lms)
    frame = page.frame(name="tool-frame")
    assert frame is not None
    expect(frame.locator("#lti-cookie-blocked")).to_be_visible()
    expect(frame.get_by_role("link", name="Open the activity in a new window")).to_be_visible()
    assert launches == [] and _people(app) == set()

    # 2. The same browser, the LMS now offering Platform Storage (lti_storage_target=_parent).
    _offer_platform_storage(lms)
    with page.expect_response(
        lambda r: (
            r.url == served_tool + "/lti/launch" and SECRET_FIELD in (r.request.post_data or "")
        )
    ) as relayed:
        _launch_as_learner(page, lms)
    first, last = launches[0], relayed.value
    assert first.status == 200, "the cookie-less launch first gets the page that reads storage"
    assert SECRET_FIELD not in (first.request.post_data or "")
    assert last.status == 303, f"the relayed launch was refused ({last.status})"
    assert last.request.headers.get("origin") == served_tool
    assert "/launch/" in last.headers["location"]
    assert _people(app) == {"Bram Jansen"}
    assert page.url.startswith(lms.extensions[EXTENSION_KEY].settings.issuer)
    # Today's boundary: the page after the launch needs the tool's session cookie, which this
    # browser refuses as well; a cookie-less session is not built (docs/admin/production.md).
    heading = page.frame_locator("iframe[name=tool-frame]").locator("h1")
    expect(heading).to_contain_text("a launch this browser does not hold")


AXE_RUN = """tags => axe.run(document, {
  runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"""
FORGE_ANSWERS = """([id, key, value, platform]) => {
  const fire = (data, origin, source) =>
    window.dispatchEvent(new MessageEvent("message", { data, origin, source }));
  const forged = { subject: "lti.put_data.response", message_id: id, key, value: "forged" };
  fire(forged, "http://evil.example", window.parent);  // another origin
  fire(forged, platform, window);  // the right origin, another window
  fire({ ...forged, message_id: "not-the-one-sent" }, platform, window.parent);
  fire({ ...forged, key: "another-key" }, platform, window.parent);
  fire({ ...forged, subject: "lti.get_data.response" }, platform, window.parent);
  fire({ subject: "lti.put_data.response", message_id: id, key, value }, platform, window.parent);
}"""


def test_the_tool_page_ignores_answers_from_another_origin_window_or_message_id(
    context: BrowserContext, lms: Flask, served_tool: str, axe_source: str
) -> None:
    """Forged answers first, the real one last: any forged one accepted would end on the cookie
    check (its value differs); all ignored, the page goes on to the platform's sign-in. The
    waiting page passes axe-core."""
    settings = lms.extensions[EXTENSION_KEY].settings
    context.add_init_script(script=axe_source)  # before the page's CSP applies
    page = context.new_page()
    page.goto(settings.course_url)  # storage off here: nobody answers but this test
    page.evaluate("window.sent = []; addEventListener('message', (e) => sent.push(e.data))")
    login = f"{served_tool}/lti/login?" + urlencode(
        {
            "iss": settings.issuer,
            "client_id": settings.client_id,
            "login_hint": "learner-1",
            "target_link_uri": settings.tool_launch_url,
            "lti_storage_target": "_parent",
        }
    )
    frame = page.frame(name="tool-frame")
    assert frame is not None
    frame.goto(login)
    page.wait_for_function("window.sent.length > 0")
    sent = page.evaluate("window.sent[0]")
    assert sent["subject"] == "lti.put_data" and sent["key"].startswith("lti1p3-state-secret-")
    axe: dict[str, Any] = frame.evaluate(AXE_RUN, AXE_TAGS)
    assert blocking_findings("storage login page", axe["violations"]) == []
    with page.expect_request(lambda r: r.is_navigation_request() and r.frame == frame) as onward:
        frame.evaluate(
            FORGE_ANSWERS, [sent["message_id"], sent["key"], sent["value"], settings.issuer]
        )
    # The first place the frame goes: the platform's sign-in, not the cookie check.
    assert onward.value.url.startswith(settings.auth_url + "?"), onward.value.url
    assert page.evaluate("window.sent.length") == 1, "one message, to the platform only"


ASK_PLATFORM = """(message) => new Promise((resolve) => {
  addEventListener("message", function answer(event) {
    if (event.data && event.data.message_id === message.message_id) {
      removeEventListener("message", answer);
      resolve({ origin: event.origin, data: event.data });
    }
  });
  window.parent.postMessage(message, "*");
})"""

FORGE_REQUESTS = """([toolOrigin]) => {
  const frame = document.getElementById("tool-frame").contentWindow;
  const put = { subject: "lti.put_data", key: "k", value: "forged", message_id: "f1" };
  const fire = (origin, source) =>
    dispatchEvent(new MessageEvent("message", { data: put, origin, source }));
  fire("http://evil.example", frame);  // the tool's frame, another origin
  fire(toolOrigin, window);  // the tool's origin, another window
}"""


def test_the_demo_lms_answers_only_the_tool_frame_from_the_tool_origin(
    context: BrowserContext, app: Flask, lms: Flask, served_tool: str
) -> None:
    """Cookies allowed: a storage login launches through the cookie (no reading page); then the
    course page stores nothing for a put_data from another origin or another window."""
    _offer_platform_storage(lms)
    page = context.new_page()
    with page.expect_response(lambda r: r.url == served_tool + "/lti/launch") as launched:
        _launch_as_learner(page, lms)
    assert launched.value.status == 303, "with its cookie, the storage login needs no second post"
    frame = page.frame(name="tool-frame")
    assert frame is not None
    frame.wait_for_url(served_tool + "/**")
    page.evaluate(FORGE_REQUESTS, [served_tool])

    missing = frame.evaluate(
        ASK_PLATFORM, {"subject": "lti.get_data", "key": "k", "message_id": "g1"}
    )
    assert missing["data"].get("error", {}).get("code") == "not_found", missing
    assert missing["origin"] == lms.extensions[EXTENSION_KEY].settings.issuer
    stored = frame.evaluate(
        ASK_PLATFORM, {"subject": "lti.put_data", "key": "k", "value": "v", "message_id": "p1"}
    )
    assert stored["data"] == {
        "subject": "lti.put_data.response",
        "message_id": "p1",
        "key": "k",
        "value": "v",
    }
    read = frame.evaluate(ASK_PLATFORM, {"subject": "lti.get_data", "key": "k", "message_id": "g2"})
    assert read["data"]["value"] == "v"
