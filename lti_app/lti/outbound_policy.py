"""Which URLs a platform may make the tool call, and which addresses those calls may reach.

Dynamic registration is open, so "a registered platform" may be anyone: every URL it supplies
(line items, NRPS, token, key set, deep-link return, the hops of a redirect) is a request the
tool would make, or have a browser make, on a stranger's word. Two rules close that (SSRF):

* **Hosts** (:func:`check_platform_url`): a URL is used only when it is http(s) and its host is
  one of the registration's own hosts (issuer, login, token and key-set URLs, frame origins),
  or its origin is listed in ``INTERVISION_OUTBOUND_ALLOW``.
* **Addresses** (:class:`PinnedAdapter`): in production, a connection to a loopback, private,
  link-local or otherwise non-global address is refused, unless the URL's origin is listed in
  ``INTERVISION_OUTBOUND_ALLOW`` (an LMS on the campus network). The address checked is the one
  connected to: the adapter resolves the name itself and opens the socket to the address it
  approved, so a DNS answer that changes between check and use (rebinding) gains nothing.

Production is decided from ``BASE_URL``: https on a host that is not loopback, ``*.localhost``
or ``*.test`` (RFC 6761 names, which never resolve on the internet). Anything else is
development, where a platform on this machine must keep working.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from flask import Flask, current_app, has_app_context
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.connection import allowed_gai_family, create_connection

from lti_app.config import ConfigError, is_loopback_host

ALLOW_VARIABLE = "INTERVISION_OUTBOUND_ALLOW"
EXTENSION_KEY = "intervision_outbound_policy"
DEVELOPMENT_SUFFIXES = (".localhost", ".test")
DEFAULT_PORTS = {"http": 80, "https": 443}
USER_AGENT = "intervision-lti-tool"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(ValueError):
    """A URL or address the tool will not call; ``str()`` is safe to log (no secrets)."""


def origin_of(url: str) -> str:
    """``scheme://host:port``, lower-case, with the default port written out."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    except ValueError:
        raise OutboundRefused(f"{_short(url)} has a port that is not a number") from None
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


def parse_allowed_origins(raw: str | None, variable: str = ALLOW_VARIABLE) -> frozenset[str]:
    """``https://lms.campus.example,http://10.0.0.5:8080`` → normalised origins; an entry with
    a path, query, user or another scheme is a start-up error naming the entry."""
    origins = set()
    for entry in (raw or "").split(","):
        value = entry.strip()
        if not value:
            continue
        parts = urlsplit(value)
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number)
            bad_port = False
        except ValueError:
            bad_port = True
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or bad_port
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ConfigError(
                f"{variable}: {value!r} is not an origin; list origins separated by commas, "
                "each scheme://host[:port] with nothing after it, e.g. "
                "https://lms.campus.example,http://10.0.0.5:8080"
            )
        origins.add(origin_of(value))
    return frozenset(origins)


def is_production_base_url(base_url: str) -> bool:
    """https on a public name: platform calls may not reach internal addresses."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or is_loopback_host(host):
        return False
    return not any(host == s[1:] or host.endswith(s) for s in DEVELOPMENT_SUFFIXES)


def is_public_address(address: IPAddress) -> bool:
    """Global unicast only: no loopback, private, link-local, shared (CGNAT), multicast,
    reserved or unspecified address, also when written as IPv4-mapped IPv6."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class OutboundPolicy:
    """``restrict_addresses``: production (see module doc); ``allowed_origins``: the list."""

    restrict_addresses: bool = True
    allowed_origins: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls, base_url: str, allow: str | None) -> OutboundPolicy:
        return cls(is_production_base_url(base_url), parse_allowed_origins(allow))

    def is_listed(self, url: str) -> bool:
        try:
            return origin_of(url) in self.allowed_origins
        except OutboundRefused:
            return False

    def check_address(self, url: str, address: IPAddress) -> None:
        """Refuse connecting to ``address`` for ``url`` (raises OutboundRefused)."""
        if not self.restrict_addresses or is_public_address(address) or self.is_listed(url):
            return
        raise OutboundRefused(
            f"{_short(url)} resolves to the non-public address {address}; list its origin in "
            f"{ALLOW_VARIABLE} if this platform is on your own network"
        )


def policy_of(app: Flask) -> OutboundPolicy:
    """The app's policy, built once from ``BASE_URL`` and ``OUTBOUND_ALLOW``."""
    policy = app.extensions.get(EXTENSION_KEY)
    if not isinstance(policy, OutboundPolicy):
        policy = OutboundPolicy.from_settings(
            str(app.config["BASE_URL"]), app.config.get("OUTBOUND_ALLOW")
        )
        app.extensions[EXTENSION_KEY] = policy
    return policy


def current_policy() -> OutboundPolicy:
    """The current app's policy; outside an app, the one the environment would configure."""
    if has_app_context():
        return policy_of(current_app._get_current_object())  # type: ignore[attr-defined]
    try:
        return OutboundPolicy.from_settings(
            os.environ.get("INTERVISION_BASE_URL", "").strip() or "http://127.0.0.1:5000",
            os.environ.get(ALLOW_VARIABLE),
        )
    except ConfigError:
        return OutboundPolicy(restrict_addresses=True)


def init_app(app: Flask) -> None:
    """Parse the setting at start-up, so a wrong entry stops the start, not a launch."""
    app.extensions.pop(EXTENSION_KEY, None)
    policy_of(app)


# --- hosts ---------------------------------------------------------------------------------


def hosts_of(urls: Iterable[str | None]) -> frozenset[str]:
    """The lower-case host names of the URLs given (empty and malformed ones skipped)."""
    hosts = set()
    for url in urls:
        if url:
            host = urlsplit(url).hostname
            if host:
                hosts.add(host.lower())
    return frozenset(hosts)


def registration_hosts(record: Any) -> frozenset[str]:
    """A registration's own hosts (a ``PlatformRecord`` or anything with its URL fields)."""
    return hosts_of(
        [
            getattr(record, "issuer", None),
            getattr(record, "auth_login_url", None),
            getattr(record, "auth_token_url", None),
            getattr(record, "jwks_url", None),
            *getattr(record, "frame_origins", ()),
        ]
    )


def check_platform_url(
    url: object, hosts: Iterable[str], *, what: str, policy: OutboundPolicy | None = None
) -> str:
    """``url`` if it is http(s) on one of ``hosts`` (or a listed origin); else OutboundRefused.

    The message names ``what`` (e.g. "the deep-link return URL") and the URL, shortened."""
    if not isinstance(url, str) or not url:
        raise OutboundRefused(f"{what} is missing or not text")
    parts = urlsplit(url)
    try:
        host = (parts.hostname or "").lower()
    except ValueError:
        host = ""
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise OutboundRefused(f"{what} {_short(url)} is not an http(s) URL with a host")
    rules = policy if policy is not None else current_policy()
    if host in {h.lower() for h in hosts} or rules.is_listed(url):
        return url
    raise OutboundRefused(
        f"{what} {_short(url)} is not on the platform's registered hosts"
        f" ({', '.join(sorted(hosts)) or 'none'}) nor listed in {ALLOW_VARIABLE}"
    )


def _short(url: str, limit: int = 120) -> str:
    text = url.encode("unicode_escape", "backslashreplace").decode("ascii")
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


# --- addresses: resolve, check, connect to the address checked ------------------------------


class AddressRefused(urllib3.exceptions.NewConnectionError):
    """The policy refused every address of a host; ``lti.http.fetch`` reports kind "refused"."""


class _PinnedConnectionMixin:
    """Replaces urllib3's ``_new_conn``: resolve once, check every answer, then connect to the
    addresses checked (as IP literals, so nothing is resolved again). TLS still verifies the
    certificate against the *name*: urllib3 wraps this socket with ``server_hostname=host``.
    A name with any refused address is refused as a whole (a public and a private answer for
    one name is how rebinding attacks look)."""

    policy_source: Callable[[], OutboundPolicy]
    scheme_name: str
    _dns_host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        policy = self.policy_source()
        this: Any = self  # an HTTPConnection once mixed in; urllib3's errors name it
        host = self._dns_host.strip("[]")
        url = f"{self.scheme_name}://{_bracketed(host)}:{self.port}"
        try:
            infos = socket.getaddrinfo(host, self.port, allowed_gai_family(), socket.SOCK_STREAM)
        except socket.gaierror as problem:
            raise urllib3.exceptions.NameResolutionError(host, this, problem) from problem
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            try:
                policy.check_address(url, ipaddress.ip_address(address.split("%")[0]))
            except OutboundRefused as refused:
                raise AddressRefused(this, str(refused)) from None
        last: OSError | None = None
        for address in addresses:
            try:
                return create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as problem:
                raise urllib3.exceptions.ConnectTimeoutError(
                    this, f"Connection to {host} timed out. (connect timeout={self.timeout})"
                ) from problem
            except OSError as problem:
                last = problem
        raise urllib3.exceptions.NewConnectionError(
            this, f"Failed to establish a new connection: {last or 'no address'}"
        )


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class PinnedAdapter(HTTPAdapter):
    """A requests adapter whose every connection goes through :class:`_PinnedConnectionMixin`."""

    def __init__(self, policy_source: Callable[[], OutboundPolicy] = current_policy) -> None:
        self._policy_source = policy_source
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        source = self._policy_source
        http_conn = type(
            "PinnedHTTPConnection",
            (_PinnedConnectionMixin, HTTPConnection),
            {"policy_source": staticmethod(source), "scheme_name": "http"},
        )
        https_conn = type(
            "PinnedHTTPSConnection",
            (_PinnedConnectionMixin, HTTPSConnection),
            {"policy_source": staticmethod(source), "scheme_name": "https"},
        )
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("PinnedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("PinnedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }


def guarded_session(
    policy_source: Callable[[], OutboundPolicy] = current_policy,
) -> requests.Session:
    """A session for platform calls: pinned, checked connections; no proxy from the environment
    (a proxy would connect for us, unchecked)."""
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = USER_AGENT
    adapter = PinnedAdapter(policy_source)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
