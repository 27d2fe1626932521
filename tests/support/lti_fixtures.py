"""Fixtures shared by the LTI tests: the platform's key server, tool and demo LMS on loopback,
and ``intervision demo``'s pair of servers.

Defined once here; ``tests/lti_app/conftest.py`` and ``tests/e2e/conftest.py`` import the
ones their folder uses, by name.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

from lti_app.demo import RunningDemo, register_demo_platform, start_demo
from lti_app.demo_lms.context import EXTENSION_KEY
from tests.support.platforms import KeySetServer, running_key_server
from tests.support.servers import LoopbackServer, demo_lms, loopback_server


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


def free_loopback_port() -> int:
    """A port nothing listens on at this moment (for servers that must be given a port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_demo(
    instance: Path, site_dir: Path | None = None, *, tool_port: int = 0, lms_port: int = 0
) -> Iterator[RunningDemo]:
    """What ``intervision demo`` starts: the tool and the demo LMS, each on its own port (a free
    one unless given)."""
    running = start_demo(
        instance, tool_port or free_loopback_port(), lms_port or free_loopback_port(), site_dir
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningDemo]:
    """The demo without a built course."""
    with running_demo(tmp_path / "instance") as running:
        yield running
