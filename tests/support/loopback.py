"""Real servers the tests start as processes on 127.0.0.1: a free port, and the wait until one
answers ``/healthz``, shared so every server test polls and fails the same way."""

from __future__ import annotations

import http.client
import socket
import subprocess
import time
from pathlib import Path

import pytest

READY_TIMEOUT = 60.0  # seconds for a server to answer /healthz


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_healthz(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Poll ``/healthz`` until it answers 200 (closing each connection); fail with the
    server's log when it exits or the deadline passes."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args!r} exited with {process.returncode}:\n{log.read_text()}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)  # polling for start-up, not synchronising a result
    pytest.fail(f"{process.args!r} not ready after {READY_TIMEOUT}s:\n{log.read_text()}")
