"""What a platform may make the tool call: hosts, schemes and addresses (lti/outbound_policy).

The rules alone (pure), then real listeners on 127.0.0.1 called under a production policy
(a public https BASE_URL): refused, unless their origin is listed; under a development
BASE_URL they keep working. The name resolver is replaced only where a test needs a name
that resolves to an address of its choosing (there is no DNS server to ask).
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from lti_app.config import ConfigError
from lti_app.lti import log_safe
from lti_app.lti.errors import PlatformUnavailable
from lti_app.lti.http import FetchFailure, fetch_json
from lti_app.lti.outbound_policy import (
    OutboundPolicy,
    OutboundRefused,
    check_platform_url,
    guarded_session,
    is_production_base_url,
    is_public_address,
    parse_allowed_origins,
)
from lti_app.lti.platform_keys import PlatformAddressRefused, PlatformKeyCache

PRODUCTION = OutboundPolicy(restrict_addresses=True)
DEVELOPMENT = OutboundPolicy(restrict_addresses=False)


class _Refused(Exception):
    def __init__(self, failure: FetchFailure) -> None:
        super().__init__(failure.kind)
        self.failure = failure


class _Listener(ThreadingHTTPServer):
    """A loopback HTTP server: ``routes`` maps a path to (status, headers, JSON body)."""

    daemon_threads = True

    def __init__(self) -> None:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                listener.hits.append(self.path)
                status, headers, document = listener.routes[self.path]
                body = json.dumps(document).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, tuple[int, dict[str, str], Any]] = {}
        self.hits: list[str] = []

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def listener() -> Iterator[_Listener]:
    server = _Listener()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _get(url: str, policy: OutboundPolicy, **options: Any) -> Any:
    with guarded_session(lambda: policy) as session:
        return fetch_json(session, url, max_bytes=4096, timeout=(2, 2), error=_Refused, **options)[
            1
        ]


def _refusal(call: Callable[[], object]) -> FetchFailure:
    with pytest.raises(_Refused) as refused:
        call()
    return refused.value.failure


# --- the rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "production"),
    [
        ("https://tool.example.org", True),
        ("https://intervision.uni.example:8443/lti", True),
        ("http://127.0.0.1:5000", False),
        ("http://localhost:5000", False),
        ("https://localhost", False),
        ("https://tool.localhost", False),
        ("https://tool.test", False),
        ("https://[::1]:8443", False),
    ],
)
def test_production_is_decided_from_base_url(base_url: str, production: bool) -> None:
    assert is_production_base_url(base_url) is production


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", False),
        ("93.184.215.14", True),
        ("2606:4700::6810:84e5", True),
    ],
)
def test_only_global_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_allowed_origins_are_normalised_and_checked() -> None:
    origins = parse_allowed_origins(" https://LMS.campus.example , http://10.0.0.5:8080/ ,, ")
    assert origins == {"https://lms.campus.example:443", "http://10.0.0.5:8080"}
    for wrong in ("lms.campus.example", "ftp://lms", "https://lms/path", "https://u@lms"):
        with pytest.raises(ConfigError, match="INTERVISION_OUTBOUND_ALLOW.*not an origin"):
            parse_allowed_origins(f"https://ok.example,{wrong}")


def test_a_wrong_allow_list_stops_the_start() -> None:
    """``lti.init_app`` runs this at start-up: the message names the variable."""
    from flask import Flask

    from lti_app.lti import outbound_policy

    app = Flask(__name__)
    app.config.update(BASE_URL="https://tool.example.org", OUTBOUND_ALLOW="https://lms/moodle")
    with pytest.raises(ConfigError, match="INTERVISION_OUTBOUND_ALLOW"):
        outbound_policy.init_app(app)


@pytest.mark.parametrize(
    "url",
    [
        "https://lms.example.org/api/lineitems/7",
        "http://LMS.example.org:8080/x",
        "https://other.example:8443/listed",
    ],
)
def test_platform_urls_on_registered_hosts_or_listed_origins_pass(url: str) -> None:
    policy = OutboundPolicy(True, parse_allowed_origins("https://other.example:8443"))
    assert check_platform_url(url, {"lms.example.org"}, what="line item", policy=policy) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/x",
        "https://lms.example.org.evil.example/x",
        "https://other.example/listed-origin-but-another-port",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "gopher://lms.example.org/x",
        "https://user:pw@lms.example.org/x",
        "//lms.example.org/x",
        "",
        ["https://lms.example.org/x"],
        None,
    ],
)
def test_other_platform_urls_are_refused(url: Any) -> None:
    policy = OutboundPolicy(True, parse_allowed_origins("https://other.example:8443"))
    with pytest.raises(OutboundRefused, match="line item"):
        check_platform_url(url, {"lms.example.org"}, what="line item", policy=policy)


def test_log_fields_are_escaped_and_bounded() -> None:
    forged = "kid\nERROR forged line\r\x1b[31m\u202eevil\\"
    assert log_safe.text(forged) == "kid\\nERROR forged line\\r\\x1b[31m\\u202eevil\\\\"
    long = log_safe.text("x" * 5000, limit=100)
    assert long.startswith("x" * 100) and long.endswith("…(+4900 chars)")


def test_every_lti_app_log_record_is_escaped(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    log_safe.install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("lti_app.anything").info("key set %s from %s", "a\nb", ValueError("c\rd"))
        logging.getLogger("lti_app.anything").info("count %d", 3)
    assert caplog.messages == ["key set a\\nb from c\\rd", "count 3"]


# --- real listeners on loopback --------------------------------------------------------------


def test_a_listener_on_loopback_is_refused_in_production(listener: _Listener) -> None:
    listener.routes["/jwks"] = (200, {}, {"keys": []})
    for url in (listener.origin + "/jwks", listener.origin.replace("127.0.0.1", "localhost")):
        failure = _refusal(
            lambda url=url: _get(url + ("" if url.endswith("jwks") else "/jwks"), PRODUCTION)
        )
        assert failure.kind == "refused" and "non-public address 127.0.0.1" in failure.detail
    assert listener.hits == []  # refused before connecting
    listed = OutboundPolicy(True, parse_allowed_origins(listener.origin))
    assert _get(listener.origin + "/jwks", listed) == {"keys": []}
    assert _get(listener.origin + "/jwks", DEVELOPMENT) == {"keys": []}


def test_a_name_with_any_internal_address_is_refused_as_a_whole(
    listener: _Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo
    port = listener.server_address[1]

    def resolver(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "mixed.example":
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
            ]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    failure = _refusal(lambda: _get(f"http://mixed.example:{port}/jwks", PRODUCTION))
    assert failure.kind == "refused" and "127.0.0.1" in failure.detail
    assert listener.hits == []


def test_the_address_checked_is_the_address_connected_to(
    listener: _Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebinding resolver: the first answer is the listener, later ones an address nothing
    listens on. The call reaches the listener, and the name was resolved once: the socket was
    opened to the address the policy saw, not to a second lookup."""
    real = socket.getaddrinfo
    port = listener.server_address[1]
    lookups: list[str] = []

    def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.example":
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "10.255.255.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    listener.routes["/jwks"] = (200, {}, {"keys": ["pinned"]})
    assert _get(f"http://rebind.example:{port}/jwks", DEVELOPMENT) == {"keys": ["pinned"]}
    assert lookups == ["rebind.example"] and listener.hits == ["/jwks"]


def test_redirect_hops_are_checked_each(listener: _Listener) -> None:
    metadata = "http://169.254.169.254/latest/meta-data/"
    listener.routes["/to-metadata"] = (302, {"Location": metadata}, {})
    listener.routes["/to-localhost"] = (302, {"Location": "http://localhost:9/x"}, {})
    listener.routes["/to-keys"] = (302, {"Location": "/keys"}, {})
    listener.routes["/keys"] = (200, {}, {"keys": []})
    hosts = {"127.0.0.1"}

    def check(hop: str) -> None:
        check_platform_url(hop, hosts, what="key set redirect", policy=DEVELOPMENT)

    for path, target in (("/to-metadata", "169.254.169.254"), ("/to-localhost", "localhost")):
        failure = _refusal(
            lambda path=path: _get(
                listener.origin + path, DEVELOPMENT, allow_redirects=True, check_redirect=check
            )
        )
        assert failure.kind == "refused" and target in failure.detail
    assert _get(
        listener.origin + "/to-keys", DEVELOPMENT, allow_redirects=True, check_redirect=check
    ) == {"keys": []}
    assert listener.hits == ["/to-metadata", "/to-localhost", "/to-keys", "/keys"]


def test_key_sets_on_internal_addresses_are_refused_with_their_own_page(
    listener: _Listener,
) -> None:
    listener.routes["/jwks"] = (200, {}, {"keys": []})
    cache = PlatformKeyCache(timeout=(1, 1), session=guarded_session(lambda: PRODUCTION))
    with pytest.raises(PlatformAddressRefused) as refused:
        cache.signing_key(listener.origin + "/jwks", "kid-1", "RS256")
    assert refused.value.status == 403 and isinstance(refused.value, PlatformUnavailable)
    assert "INTERVISION_OUTBOUND_ALLOW" in refused.value.message
    assert listener.hits == []
