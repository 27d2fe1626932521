"""The tool with the test course site, an lti1p3platform platform, and the pseudo-locale on
(``tests/support/pseudo_locale.py``): the setting of the language tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.support.launches import TOOL, registered_platform
from tests.support.platforms import KeySetServer, Platform
from tests.support.pseudo_locale import pseudo_app_config
from tests.support.sites import write_site


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    site = str(write_site(tmp_path / "site"))
    return pseudo_app_config({**app_config, "BASE_URL": TOOL, "SITE_DIR": site})


@pytest.fixture
def platform(app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(app, key_server)
