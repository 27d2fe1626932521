"""The tool with the test course site, and an lti1p3platform platform registered in it: the
setting of every test in this folder (course pages, deep linking, multi-launch, route fuzz).

``app_config`` extends the default one from ``tests/conftest.py``; with ``platform`` here,
``launch_as`` (from ``tests/lti_app/conftest.py``) writes a launch through the tool's own
storage for view tests that need a launched session, not the OIDC round trip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.support.launches import TOOL, registered_platform
from tests.support.platforms import KeySetServer, Platform
from tests.support.sites import write_site


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    return {**app_config, "BASE_URL": TOOL, "SITE_DIR": str(write_site(tmp_path / "site"))}


@pytest.fixture
def platform(app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(app, key_server)
