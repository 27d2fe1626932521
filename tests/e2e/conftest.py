"""Browser fixtures: real Debian Chromium through Playwright, and the real course served locally.

A missing browser or axe-core is a failure with instructions, never a skip: a gate that quietly
skips on CI is no gate. Every browser context aborts and records requests that leave loopback,
so no test can reach the internet and the privacy tests can assert on the record.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from tests.support.lti_fixtures import demo, key_server, lms_server, served_tool, tool_server
from tests.support.network import RequestLog
from tests.support.playwright_driver import shared_driver
from tests.support.refusals import refusal_log
from tests.support.sitebuild import (
    REPO_ROOT,
    ServedSite,
    SiteBuildError,
    build_site,
    serve_directory,
)

# Fixtures defined in tests/support (lti_fixtures.py, refusals.py), offered here by name.
__all__ = ["demo", "key_server", "lms_server", "refusal_log", "served_tool", "tool_server"]

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_VERSION = "4.14.1"  # keep in sync with scripts/setup-system.sh
DEFAULT_AXE_PREFIX = REPO_ROOT / ".venv" / "npm"
SETUP_HINT = "run `bash scripts/setup-system.sh` (as root on Debian) to install it"


@pytest.fixture(scope="session")
def playwright_driver() -> Playwright:
    return shared_driver()  # one per process: view tests' browser checks use it too


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not CHROMIUM_PATH.is_file():
        pytest.fail(f"Chromium is missing at {CHROMIUM_PATH}: {SETUP_HINT}", pytrace=False)
    chromium = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The real course from content/, built once per session and served on 127.0.0.1.

    INTERVISION_E2E_SITE=path serves an already built site instead (quicker local reruns).
    """
    prebuilt = os.environ.get("INTERVISION_E2E_SITE")
    if prebuilt:
        site_dir = Path(prebuilt).resolve()
    else:
        site_dir = tmp_path_factory.mktemp("course-site") / "site"
        try:
            build_site(site_dir)
        except SiteBuildError as error:
            pytest.fail(str(error), pytrace=False)
    with serve_directory(site_dir) as served:
        yield served


@pytest.fixture
def request_log() -> RequestLog:
    return RequestLog()


@pytest.fixture
def context(browser: Browser, request_log: RequestLog) -> Iterator[BrowserContext]:
    """A fresh profile (empty localStorage) per test, with accept_downloads for exports."""
    browser_context = browser.new_context(accept_downloads=True, locale="en-GB")
    browser_context.route("**/*", request_log.route)
    yield browser_context
    browser_context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, fetched by setup-system.sh from npm (MPL-2.0, so not vendored)."""
    override = os.environ.get("INTERVISION_AXE_JS")
    prefix = Path(os.environ.get("INTERVISION_AXE_PREFIX", DEFAULT_AXE_PREFIX))
    path = Path(override) if override else prefix / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        pytest.fail(f"axe-core {AXE_VERSION} is missing at {path}: {SETUP_HINT}", pytrace=False)
    return path.read_text(encoding="utf-8")
