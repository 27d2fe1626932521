"""JSON over real HTTP on 127.0.0.1, and RSA keys: what both platform harnesses publish with.

``platforms.py`` (lti1p3platform) serves its key set, ``platform_xblock.py`` (Open edX) serves
its own and the tool's; over a real socket, so the tool's fetch, cache and timeout code runs.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def new_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


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
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
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
