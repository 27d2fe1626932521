"""lti/http.fetch against a real loopback HTTP server: bodies that are too large or trickle in
are refused in bounded time, by the one function and by every client that uses it."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from lti_app.lti import dynamic_registration as dynreg
from lti_app.lti.errors import PlatformUnavailable
from lti_app.lti.http import FetchFailure, fetch, fetch_json
from lti_app.lti.platform_keys import PlatformKeyCache
from lti_app.lti.services.http import MAX_RESPONSE_BYTES, ServiceError, request

TRICKLE_INTERVAL = 0.02  # one byte this often: always faster than any read timeout below


class _Refused(Exception):
    def __init__(self, failure: FetchFailure) -> None:
        super().__init__(failure.kind)
        self.failure = failure


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.answer(self)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.answer(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stopping = threading.Event()
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        self.routes[handler.path](handler)


@pytest.fixture
def server() -> Iterator[_Server]:
    running = _Server()
    thread = threading.Thread(target=running.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield running
    finally:
        running.stopping.set()
        running.shutdown()
        running.server_close()
        thread.join(5)


def _json(document: object, status: int = 200, *, compress: bool = False) -> Callable[..., None]:
    def send(handler: BaseHTTPRequestHandler) -> None:
        body = json.dumps(document).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Cache-Control", "max-age=900")
        if compress:
            body = gzip.compress(body)
            handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return send


def _chunked(pieces: list[bytes]) -> Callable[..., None]:
    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.protocol_version = "HTTP/1.1"
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.send_header("Connection", "close")
        handler.end_headers()
        for piece in pieces:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        handler.wfile.write(b"0\r\n\r\n")

    return send


def _endless(server: _Server, *, piece: bytes, interval: float) -> Callable[..., None]:
    """Claims a large body and keeps sending ``piece`` until the client goes away."""

    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(10**9))
        handler.end_headers()
        try:
            while not server.stopping.is_set():
                handler.wfile.write(piece)
                handler.wfile.flush()
                if interval:
                    server.stopping.wait(interval)
        except OSError:
            return  # the client gave up, as it should

    return send


def _refused(call: Callable[[], object]) -> tuple[FetchFailure, float]:
    started = time.monotonic()
    with pytest.raises(_Refused) as refused:
        call()
    return refused.value.failure, time.monotonic() - started


def test_json_arrives_whole_plain_gzipped_and_chunked(server: _Server) -> None:
    document = {"keys": [{"kid": "k" * 100}] * 50}
    server.routes["/plain"] = _json(document)
    server.routes["/gzip"] = _json(document, compress=True)
    server.routes["/chunked"] = _chunked([b'{"keys": ', b"[1, 2", b", 3]}"])
    for path in ("/plain", "/gzip"):
        answer, parsed = fetch_json(
            None, server.url + path, max_bytes=64 * 1024, timeout=(2, 2), error=_Refused
        )
        assert parsed == document and answer.headers["cache-control"] == "max-age=900"
    _, parsed = fetch_json(
        None, server.url + "/chunked", max_bytes=1024, timeout=(2, 2), error=_Refused
    )
    assert parsed == {"keys": [1, 2, 3]}


def test_a_body_over_the_cap_is_refused_without_reading_it_all(server: _Server) -> None:
    server.routes["/big"] = _endless(server, piece=b"x" * 65536, interval=0)
    failure, elapsed = _refused(
        lambda: fetch(
            None, "GET", server.url + "/big", max_bytes=256 * 1024, timeout=(2, 2), error=_Refused
        )
    )
    assert failure.kind == "too_large" and failure.status == 200
    assert elapsed < 2


def test_a_gzip_bomb_is_measured_after_decompression(server: _Server) -> None:
    server.routes["/bomb"] = _json({"pad": " " * (4 * 1024 * 1024)}, compress=True)
    failure, _ = _refused(
        lambda: fetch_json(
            None, server.url + "/bomb", max_bytes=256 * 1024, timeout=(2, 2), error=_Refused
        )
    )
    assert failure.kind == "too_large"


def test_a_trickling_body_is_refused_at_the_deadline(server: _Server) -> None:
    """Every byte comes well within the read timeout, so only the overall deadline stops it."""
    server.routes["/slow"] = _endless(server, piece=b" ", interval=TRICKLE_INTERVAL)
    failure, elapsed = _refused(
        lambda: fetch(
            None,
            "GET",
            server.url + "/slow",
            max_bytes=10**6,
            timeout=(1.0, 1.0),
            deadline_seconds=0.5,
            error=_Refused,
        )
    )
    assert failure.kind == "too_slow"
    assert 0.5 <= elapsed < 1.5


def test_redirects_are_not_followed_unless_asked(server: _Server) -> None:
    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "/target")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server.routes["/moved"] = redirect
    server.routes["/target"] = _json({"ok": True})
    failure, _ = _refused(
        lambda: fetch_json(
            None, server.url + "/moved", max_bytes=1024, timeout=(2, 2), error=_Refused
        )
    )
    assert (failure.kind, failure.status) == ("status", 302)
    _, parsed = fetch_json(
        None,
        server.url + "/moved",
        max_bytes=1024,
        timeout=(2, 2),
        error=_Refused,
        allow_redirects=True,
    )
    assert parsed == {"ok": True}


def test_service_calls_refuse_oversized_and_trickling_answers(server: _Server) -> None:
    server.routes["/big"] = _endless(server, piece=b"x" * 65536, interval=0)
    server.routes["/slow"] = _endless(server, piece=b" ", interval=TRICKLE_INTERVAL)
    with pytest.raises(ServiceError) as too_large:
        request("GET", server.url + "/big", what="NRPS roster", timeout=(2, 2))
    assert f"answered more than {MAX_RESPONSE_BYTES} bytes" in str(too_large.value)
    assert not too_large.value.retryable
    started = time.monotonic()
    with pytest.raises(ServiceError) as too_slow:
        request("GET", server.url + "/slow", what="NRPS roster", timeout=(0.5, 0.5))
    assert time.monotonic() - started < 2.5
    assert too_slow.value.retryable and "did not answer in time" in str(too_slow.value)


def test_platform_key_sets_refuse_oversized_and_trickling_answers(server: _Server) -> None:
    server.routes["/big"] = _endless(server, piece=b"x" * 65536, interval=0)
    server.routes["/slow"] = _endless(server, piece=b" ", interval=TRICKLE_INTERVAL)
    cache = PlatformKeyCache(timeout=(0.5, 0.5))
    with pytest.raises(PlatformUnavailable, match="is larger than 524288 bytes"):
        cache.signing_key(server.url + "/big", "kid-1", "RS256")
    started = time.monotonic()
    with pytest.raises(PlatformUnavailable, match="did not arrive in time"):
        cache.signing_key(server.url + "/slow", "kid-1", "RS256")
    assert time.monotonic() - started < 2.5


def test_dynamic_registration_refuses_oversized_and_trickling_configurations(
    server: _Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        dynreg, "HTTP_TIMEOUT", (0.5, 0.5)
    )  # the real (3.05, 10) is slow to wait for
    server.routes["/big"] = _endless(server, piece=b"x" * 65536, interval=0)
    server.routes["/slow"] = _endless(server, piece=b" ", interval=TRICKLE_INTERVAL)
    with requests.Session() as http:
        with pytest.raises(dynreg.DynamicRegistrationError, match="larger than 256 kB"):
            dynreg.fetch_platform_configuration(server.url + "/big", http, allow_loopback=True)
        started = time.monotonic()
        with pytest.raises(dynreg.DynamicRegistrationError, match="took too long to arrive"):
            dynreg.fetch_platform_configuration(server.url + "/slow", http, allow_loopback=True)
    assert time.monotonic() - started < 2.5  # the whole answer gets connect + read timeout
