"""A tool page in real Chromium without the demo LMS: the browser asks for ``https://tool.test/…``
and every such request is answered by the Flask test client of a launched person (their session
cookie, the tool's real headers, CSP, CSS and scripts); any other request is aborted and recorded.
axe-core is added as an init script (the page's CSP would block an inline one), as
``tests/e2e/test_tool_accessibility.py`` does; findings through ``tests.support.accessibility``.

The e2e fixtures (``tests/e2e/conftest.py``) serve the e2e tests; this mirrors their Chromium
and axe-core set-up for view tests that need one browser check of a page state. A missing
Chromium or axe-core fails, never skips."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Page, Route

from tests.support.accessibility import AXE_TAGS, Finding, blocking_findings
from tests.support.launches import TOOL
from tests.support.playwright_driver import shared_driver
from tests.support.sitebuild import REPO_ROOT

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
SETUP_HINT = "run `bash scripts/setup-system.sh` (as root on Debian) to install it"
AXE_RUN = """tags => axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"""


def axe_script() -> str:
    """axe-core from where setup-system.sh puts it (``INTERVISION_AXE_JS`` overrides)."""
    override = os.environ.get("INTERVISION_AXE_JS")
    prefix = Path(os.environ.get("INTERVISION_AXE_PREFIX", REPO_ROOT / ".venv" / "npm"))
    path = Path(override) if override else prefix / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        pytest.fail(f"axe-core is missing at {path}: {SETUP_HINT}", pytrace=False)
    return path.read_text(encoding="utf-8")


@dataclass
class ToolBrowser:
    page: Page
    refused: list[str] = field(default_factory=list)
    """Requests that were not for the tool (aborted): third-party requests, for the test."""

    def axe(self, name: str) -> list[Finding]:
        self.page.wait_for_load_state("load")  # sizes and colours need every stylesheet
        result: dict[str, Any] = self.page.evaluate(AXE_RUN, AXE_TAGS)
        return blocking_findings(name, result["violations"])


@contextmanager
def tool_browser(client: FlaskClient, *, width: int = 1280) -> Iterator[ToolBrowser]:
    """Chromium whose requests to the tool go to ``client`` (someone launched in it)."""
    if not CHROMIUM_PATH.is_file():
        pytest.fail(f"Chromium is missing at {CHROMIUM_PATH}: {SETUP_HINT}", pytrace=False)
    axe = axe_script()
    # the process's one driver: a second sync_playwright() would refuse to start
    chromium = shared_driver().chromium.launch(
        executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS
    )
    try:
        context = chromium.new_context(
            viewport={"width": width, "height": 900}, locale="en-GB", accept_downloads=True
        )
        context.add_init_script(script=axe)
        browser = ToolBrowser(context.new_page())

        def answer(route: Route) -> None:
            request = route.request
            if not request.url.startswith(TOOL + "/"):
                browser.refused.append(request.url)
                route.abort()
                return
            response = client.open(
                request.url,
                method=request.method,
                data=request.post_data_buffer,
                headers={k: v for k, v in request.headers.items() if k.lower() != "cookie"},
            )
            headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
            body = response.get_data()
            response.close()  # static files: send_file's handle
            route.fulfill(status=response.status_code, headers=headers, body=body)

        context.route("**/*", answer)
        yield browser
        context.close()
    finally:
        chromium.close()
