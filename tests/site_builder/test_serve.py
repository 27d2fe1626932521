"""`mkdocs serve` as trainers use it for live preview: a real server process on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.site_builder.course_fixtures import CourseTree, write_mkdocs_yml

WAIT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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


@pytest.fixture
def served(course_tree: CourseTree) -> Iterator[tuple[CourseTree, str, subprocess.Popen[str]]]:
    config = write_mkdocs_yml(course_tree)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=course_tree.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield course_tree, f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout:
            server.stdout.close()


def get(url: str) -> requests.Response:
    return requests.get(url, timeout=5)


def test_serve_previews_generated_pages_and_reloads_an_edited_module(
    served: tuple[CourseTree, str, subprocess.Popen[str]],
) -> None:
    tree, base, server = served
    wait_until(lambda: get(f"{base}/").status_code == 200, "the overview page", server)

    assert "Test course" in get(f"{base}/").text
    assert get(f"{base}/methods/demo-method/").status_code == 200
    catalogue = get(f"{base}/catalogue.json").json()
    assert [module["slug"] for module in catalogue["modules"]] == ["first-steps", "second-steps"]

    module_file = next(Path(tree.content, "modules").glob("01-*.md"))
    text = module_file.read_text(encoding="utf-8")
    module_file.write_text(
        text.replace("## Group exercise", "Freshly edited paragraph.\n\n## Group exercise", 1),
        encoding="utf-8",
    )
    wait_until(
        lambda: "Freshly edited paragraph." in get(f"{base}/modules/01-first-steps/").text,
        "the rebuilt module page",
        server,
    )
