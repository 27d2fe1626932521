"""The tool with the test course site and a registered lti1p3platform platform, as in
``course_site``; sign-up view tests launch with ``launch_as`` (every launch of the harness is
resource link ``resource-1``, so one course has one sheet) and, for a second person, a second
test client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.support.launches import TOOL, launch_as, registered_platform
from tests.support.platforms import KeySetServer, Platform
from tests.support.sites import write_site

__all__ = ["app_config", "launch_as", "platform"]


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    return {**app_config, "BASE_URL": TOOL, "SITE_DIR": str(write_site(tmp_path / "site"))}


@pytest.fixture
def platform(app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(app, key_server)
