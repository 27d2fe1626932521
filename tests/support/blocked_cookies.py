"""A Chromium profile that keeps no cookie of the tool inside the LMS's frame.

Chromium 156 already refuses unpartitioned third-party cookies here, but keeps Partitioned
(CHIPS) ones, which the tool uses, so its cookie path still works there (measured). A browser
without partitioned cookies (Safari's third-party blocking, strict settings) refuses those too.
This profile is that browser: third-party cookies blocked, and a per-site rule that blocks every
cookie of the tool's origin while the LMS is the top-level site (first-party use stays allowed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Playwright

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
BLOCK = 2  # Chromium's content-setting value for "block"


def cookie_blocking_context(
    driver: Playwright, profile: Path, tool_origin: str, lms_origin: str
) -> BrowserContext:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: run scripts/setup-system.sh", pytrace=False
        )
    preferences = {
        "profile": {
            "cookie_controls_mode": 1,  # "Block third-party cookies"
            "block_third_party_cookies": True,
            "content_settings": {
                "exceptions": {"cookies": {f"{tool_origin},{lms_origin}": {"setting": BLOCK}}}
            },
        }
    }
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(json.dumps(preferences), encoding="utf-8")
    return driver.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), args=ARGS, locale="en-GB"
    )
