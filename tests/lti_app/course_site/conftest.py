"""The tool with the test course site, and an lti1p3platform platform registered in it: the
setting of the course-page and deep-linking tests, defined once.

A test module binds the fixtures it uses by name (pytest finds fixtures by attribute), e.g.
``app_config = course_fixtures.app_config``; ``app_config`` extends the default one from
``tests/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.e2e.platforms import KeySetServer, Platform
from tests.lti_app.advantage_launch import registered_platform
from tests.lti_app.advantage_site import write_site

TOOL = "https://tool.test"
# What the browser sends with a same-origin form post (Flask-WTF checks it on HTTPS).
FORM_HEADERS = {"Referer": TOOL + "/deep-linking/", "Origin": TOOL}


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    return {**app_config, "BASE_URL": TOOL, "SITE_DIR": str(write_site(tmp_path / "site"))}


@pytest.fixture
def platform(app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(app, key_server)
