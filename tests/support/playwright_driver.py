"""One Playwright driver per test process.

Playwright's sync API refuses to start a second driver while one runs in the same thread ("using
Playwright Sync API inside the asyncio loop"): the e2e session fixture and the view tests' own
browser check (``accessibility_tool_pages``) must share this one, or whichever starts second
fails once both run in one session. It is stopped when the process exits.
"""

from __future__ import annotations

import atexit
import functools

from playwright.sync_api import Playwright, sync_playwright


@functools.cache
def shared_driver() -> Playwright:
    driver = sync_playwright().start()
    atexit.register(driver.stop)
    return driver
