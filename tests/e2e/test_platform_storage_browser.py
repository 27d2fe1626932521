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

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, Playwright, Response, expect
from sqlalchemy import select

from lti_app.demo_lms.context import EXTENSION_KEY
from lti_app.lti.platform_storage import SECRET_FIELD
from lti_app.storage import db
from lti_app.storage.models import LtiUser
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
