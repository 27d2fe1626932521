"""`mkdocs serve` as a real process on loopback, for live-preview tests."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.support.loopback import free_port

WAIT_SECONDS = 60.0
PAGE_TIMEOUT = 30  # seconds: a preview that holds requests fails here instead of hanging;
# 5 s timed out on a rebuild with card PDFs under load 12 (two xdist workers on a shared machine)


@contextmanager
def mkdocs_serve(config: Path, cwd: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The preview server of `config`, its base URL and process; stopped on exit."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout:
            server.stdout.close()


def wait_until(condition: Callable[[], bool], what: str, server: subprocess.Popen[str]) -> None:
    """Poll until the condition holds; fail with the server's output if it exits or times out."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server.stdout.read() if server.stdout else ""
            pytest.fail(f"mkdocs serve exited while waiting for {what}:\n{output}")
        try:
            if condition():
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)  # polling interval for an external process, not synchronisation
    pytest.fail(f"mkdocs serve: gave up waiting {WAIT_SECONDS:.0f} s for {what}")


def get(url: str) -> requests.Response:
    """One page of the preview, with a timeout: a hung request fails the test."""
    return requests.get(url, timeout=PAGE_TIMEOUT)
