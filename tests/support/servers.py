"""Real HTTP servers on 127.0.0.1 for the LTI Advantage tests: the tool and the demo LMS.

Both run as WSGI apps under werkzeug's threaded server, so the tool's service calls, the
platform's token check (it fetches the tool's JWKS over HTTP) and the score and roster endpoints
all cross a real socket. ``FailFirst`` puts a failing front on the LMS (5xx before success).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
