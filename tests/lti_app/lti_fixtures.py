"""Fixtures shared by the LTI tests: the platform's key server, and tool and demo LMS on loopback.

Defined once here; ``tests/lti_app/conftest.py`` offers them to that folder, and modules
elsewhere (``tests/e2e``) bind the ones they use by name (pytest finds fixtures by attribute).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from lti_app.demo import register_demo_platform
from lti_app.demo_lms.context import EXTENSION_KEY
from tests.e2e.platforms import KeySetServer, running_key_server
from tests.lti_app.advantage_servers import LoopbackServer, demo_lms, loopback_server


@pytest.fixture
def key_server() -> Iterator[KeySetServer]:
    """An lti1p3platform platform's JWKS endpoint on 127.0.0.1."""
    with running_key_server() as server:
        yield server


@pytest.fixture
def tool_server() -> Iterator[LoopbackServer]:
    """A real socket for the tool (set ``BASE_URL`` to its URL, then serve it: ``served_tool``)."""
    with loopback_server() as server:
        yield server


@pytest.fixture
def lms_server() -> Iterator[LoopbackServer]:
    with loopback_server(host="localhost") as server:
        yield server


@pytest.fixture
def served_tool(app: Flask, tool_server: LoopbackServer) -> str:
    """The tool app behind ``tool_server``; returns its base URL."""
    tool_server.switchboard.target = app
    return tool_server.url


@pytest.fixture
def lms(app: Flask, served_tool: str, lms_server: LoopbackServer, tmp_path: Path) -> Flask:
    """The demo LMS served on ``lms_server``, registered in the tool as ``intervision demo``
    registers it."""
    lms_app: Flask = demo_lms(lms_server.url, served_tool, tmp_path / "lms")
    lms_server.switchboard.target = lms_app
    register_demo_platform(app, lms_app.extensions[EXTENSION_KEY].settings)
    return lms_app
