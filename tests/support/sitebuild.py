"""Build the real course once and serve it on loopback, so browser tests see what learners see.

The build runs the project's mkdocs.yml (our plugin and Markdown extensions included) in a
subprocess: the same code path as `mkdocs build`, isolated from pytest's warning filters, and
with the builder's own error message in the failure when the content or the code is broken.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
MKDOCS_CONFIG = REPO_ROOT / "mkdocs.yml"
BUILD_TIMEOUT_SECONDS = 300


class SiteBuildError(RuntimeError):
    """The course did not build; carries the builder's output so the test report explains why."""


def build_site(site_dir: Path, config_file: Path = MKDOCS_CONFIG) -> Path:
    """Build the course into site_dir with the project's config; raise with the log on failure."""
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--config-file",
        str(config_file),
        "--site-dir",
        str(site_dir),
    ]
    return run_build(command, site_dir)


def run_build(command: list[str], site_dir: Path) -> Path:
    """Run a build command from the repository root, quiet about mkdocs 2; raise with the
    builder's output unless it exits 0 and wrote site_dir/index.html."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    result = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0 or not (site_dir / "index.html").is_file():
        raise SiteBuildError(
            f"building the course failed (exit {result.returncode}): {' '.join(command)}\n"
            f"--- builder output ---\n{result.stdout}{result.stderr}"
        )
    return site_dir


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that keeps the test output free of one log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        return


@dataclass(frozen=True)
class ServedSite:
    """A built site and the loopback URL it is served at (always ends with '/')."""

    root: Path
    base_url: str

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def html_pages(self) -> list[Path]:
        return sorted(self.root.rglob("*.html"))


@contextmanager
def serve_directory(root: Path) -> Iterator[ServedSite]:
    """Serve root on 127.0.0.1 with a free port in a daemon thread; stop on exit."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll
        name="site-server",
        daemon=True,
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield ServedSite(root=root, base_url=f"http://{host!s}:{port}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class PageTypes:
    """Built pages grouped by what a learner meets: the course overview, modules, methods, 404."""

    overview: str
    modules: tuple[str, ...]
    methods: tuple[str, ...]
    not_found: str

    def all(self) -> list[str]:
        return [self.overview, *self.modules, *self.methods, self.not_found]


def _section_pages(root: Path, section: str) -> tuple[str, ...]:
    pages = sorted(root.glob(f"{section}/**/*.html"))
    return tuple(page.relative_to(root).as_posix() for page in pages)


def page_types(root: Path) -> PageTypes:
    """Find each page type in a built site; fail loudly when the builder stopped producing one."""
    modules = _section_pages(root, "modules")
    methods = _section_pages(root, "methods")
    missing = [name for name, pages in (("modules/", modules), ("methods/", methods)) if not pages]
    for required in ("index.html", "404.html"):
        if not (root / required).is_file():
            missing.append(required)
    if missing:
        raise SiteBuildError(f"the built site at {root} has no pages in: {', '.join(missing)}")
    return PageTypes(overview="index.html", modules=modules, methods=methods, not_found="404.html")
