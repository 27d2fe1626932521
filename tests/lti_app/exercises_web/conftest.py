"""The tool with a course site whose catalogue carries shipped methods (the ten-step method
among them) and a registered lti1p3platform platform; exercise view tests launch with
``launch_as`` (every launch of the harness is resource link ``resource-1``, so one course has
one exercise) and, for each further person, their own test client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.support.exercise_pages import exercise_catalogue
from tests.support.launches import TOOL, launch_as, registered_platform
from tests.support.platforms import KeySetServer, Platform
from tests.support.sites import write_site

__all__ = ["app_config", "launch_as", "platform"]

METHODS = ("ten-step-method", "troika-consulting", "collegial-counselling")


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    site = write_site(tmp_path / "site", exercise_catalogue(*METHODS))
    return {**app_config, "BASE_URL": TOOL, "SITE_DIR": str(site)}


@pytest.fixture
def platform(app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(app, key_server)
