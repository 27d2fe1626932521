"""Real HTTP servers on 127.0.0.1 for the LTI tests, and the RSA keys the platforms sign with.

* ``loopback_server``: a WSGI app (the tool, the demo LMS) under werkzeug's threaded server, so
  the tool's service calls, the platform's token check (it fetches the tool's JWKS over HTTP)
  and the score and roster endpoints all cross a real socket. ``FailFirst`` puts a failing
  front on the LMS (5xx before success).
* ``JsonServer``: JSON over real HTTP, what both platform harnesses publish their key sets with
  (``platforms.py``: lti1p3platform; ``xblock_platform.py``: Open edX, which also republishes the
  tool's), so the tool's fetch, cache and timeout code runs.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import BaseWSGIServer, make_server

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# serve_forever checks for shutdown() once per poll: its 0.5 s default made each teardown wait.
FAST_POLL: dict[str, Any] = {"poll_interval": 0.05}


class Switchboard:
    """A WSGI app whose target is set after the port is known (the app needs its own URL)."""

    def __init__(self) -> None:
        self.target: WsgiApp | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.target is not None, "no app behind this server yet"
        return self.target(environ, start_response)


@dataclass
class LoopbackServer:
    host: str
    switchboard: Switchboard
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextmanager
def loopback_server(host: str = "127.0.0.1") -> Iterator[LoopbackServer]:
    switchboard = Switchboard()
    server = make_server("127.0.0.1", 0, switchboard, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs=FAST_POLL, daemon=True)
    thread.start()
    try:
        yield LoopbackServer(host, switchboard, server, thread)
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class FailFirst:
    """Answer ``status`` to the first ``failures`` requests whose path matches, then pass on."""

    app: WsgiApp
    path_suffix: str
    failures: int
    status: str = "503 Service Unavailable"
    seen: list[int] = field(default_factory=list)  # status code per matching request

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not environ.get("PATH_INFO", "").endswith(self.path_suffix):
            return self.app(environ, start_response)
        if self.failures > 0:
            self.failures -= 1
            self.seen.append(int(self.status.split()[0]))
            start_response(self.status, [("Content-Type", "text/plain")])
            return [b"temporarily unavailable"]

        def recording_start(status: str, headers: Any, *args: Any) -> Any:
            self.seen.append(int(status.split()[0]))
            return start_response(status, headers, *args)

        return self.app(environ, recording_start)


def demo_lms(issuer: str, tool_base_url: str, instance: Path) -> Any:
    """The project's demo LMS (lti1p3platform underneath) for this tool URL."""
    from lti_app.demo_lms import create_demo_lms
    from lti_app.demo_lms.settings import DemoLmsSettings

    settings = DemoLmsSettings(issuer=issuer, tool_base_url=tool_base_url, instance_path=instance)
    instance.mkdir(parents=True, exist_ok=True)
    return create_demo_lms(settings)


def create_line_item(lms_app: Any, label: str, score_maximum: float = 1) -> str:
    """Platform-side set-up: a gradebook column; returns its URL (what the AGS claim carries)."""
    from lti_app.demo_lms.context import EXTENSION_KEY
    from lti_app.demo_lms.services import create_line_item as create

    lms = lms_app.extensions[EXTENSION_KEY]
    with lms.store.change() as state:
        item = create(lms, state, {"label": label, "scoreMaximum": score_maximum})
    return str(item["id"])


def recorded_scores(lms_app: Any, lineitem_url: str) -> dict[str, Any]:
    from lti_app.demo_lms.context import EXTENSION_KEY

    lms = lms_app.extensions[EXTENSION_KEY]
    item_id = lineitem_url.rstrip("/").rsplit("/", 1)[-1]
    scores: dict[str, Any] = lms.store.read()["scores"].get(item_id, {})
    return scores


# --- JSON documents over HTTP, and keys -----------------------------------------------------


def _generate_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class _KeyPool:
    """RSA-2048 keys cost ~50 ms each to generate, and almost every test makes one or more.
    Within a test each call still gets a key no other call of that test got (so "another
    key" is another key); the ``fresh_keys`` fixture starts each test at the pool's start,
    so tests reuse the keys earlier tests had (each test has its own tool and key server)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.handed_out = 0

    def next(self) -> str:
        if self.handed_out == len(self.keys):
            self.keys.append(_generate_private_key_pem())
        self.handed_out += 1
        return self.keys[self.handed_out - 1]


_KEY_POOL = _KeyPool()


def new_private_key_pem() -> str:
    """An RSA-2048 private key (PEM) that differs from every other one this test was given."""
    return _KEY_POOL.next()


@pytest.fixture(autouse=True)
def fresh_keys() -> None:
    """Autouse where imported (tests/conftest.py): each test hands keys out from the start."""
    _KEY_POOL.handed_out = 0


class JsonServer:
    """Answers each GET with the JSON :meth:`document` gives for its path (404 for None).

    ``hang`` set: requests wait for ``release`` and get no answer (a slow platform).
    """

    def __init__(self) -> None:
        self.hang = threading.Event()
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                document = server.document(urlsplit(self.path).path)
                if server.hang.is_set():
                    server.release.wait(30)
                    return
                body = json.dumps(document).encode()
                self.send_response(200 if document is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs=FAST_POLL, daemon=True
        )

    def document(self, path: str) -> Any:
        """The JSON for one GET (called once per request, so subclasses count hits here)."""
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()


ServerT = TypeVar("ServerT", bound=JsonServer)


@contextmanager
def serving(server: ServerT) -> Iterator[ServerT]:
    server.start()
    try:
        yield server
    finally:
        server.stop()
