"""Every outbound HTTP call the tool makes to a platform: a deadline for the whole answer, a
size cap on the body, checked addresses, and no redirects unless the caller says so.

``requests``' read timeout only bounds each wait for the next bytes, so a platform that trickles
its body (or sends a gigabyte) could hold a worker for as long as it likes. :func:`fetch` reads
the body in pieces as they arrive and gives up once ``max_bytes`` is passed or the deadline
(default: connect + read timeout, for the whole exchange) has gone by; one piece is waited for
at most the read timeout, so a refusal comes within twice the deadline at worst.

Every connection goes through ``outbound_policy.PinnedAdapter`` (mounted on the caller's
session if it lacks one): in production no loopback, private or link-local address is reached,
and the address checked is the one connected to (kind ``"refused"``). Redirects, when asked
for, are followed here hop by hop (at most :data:`MAX_REDIRECTS`, within the same deadline),
each hop's URL first passed to the caller's ``check_redirect``.

Callers keep their own exception types and messages: they pass ``error``, which turns a
:class:`FetchFailure` into the exception to raise.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin

import requests
import urllib3

from lti_app.lti.outbound_policy import (
    AddressRefused,
    OutboundRefused,
    PinnedAdapter,
    guarded_session,
)

CHUNK_BYTES = 16384
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

FailureKind = Literal[
    "unreachable", "timeout", "status", "too_large", "too_slow", "not_json", "refused"
]


@dataclass(frozen=True)
class FetchFailure:
    """Why a fetch failed, for the caller's message. ``status`` is set once headers came;
    ``detail`` is the body (kind "status") or the network error's text; ``error_type`` is the
    network error's class name (kinds "unreachable" and "timeout")."""

    kind: FailureKind
    url: str
    status: int | None = None
    detail: str = ""
    error_type: str = ""


@dataclass(frozen=True)
class BoundedResponse:
    """A whole answer, read within the limits (the parts of ``requests.Response`` callers use)."""

    status_code: int
    headers: Mapping[str, str]
    url: str
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; ``ValueError`` when it is not."""
        return json.loads(self.content)


def outbound_session() -> requests.Session:
    """A session for platform calls: checked addresses, no proxy from the environment."""
    return guarded_session()


def ensure_guarded(session: requests.Session) -> requests.Session:
    """Mount the pinned adapter on a session that lacks it (its other settings stay)."""
    for prefix in ("http://", "https://"):
        if not isinstance(session.adapters.get(prefix), PinnedAdapter):
            session.mount(prefix, PinnedAdapter())
    session.trust_env = False
    return session


def fetch(
    session: requests.Session | None,
    method: str,
    url: str,
    *,
    max_bytes: int,
    timeout: tuple[float, float],
    error: Callable[[FetchFailure], Exception],
    deadline_seconds: float | None = None,
    ok_statuses: Collection[int] | None = None,
    allow_redirects: bool = False,
    check_redirect: Callable[[str], object] | None = None,
    headers: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    json_body: Mapping[str, object] | None = None,
) -> BoundedResponse:
    """One request whose body is read to the end within ``max_bytes`` and the deadline.

    ``session=None`` uses a fresh guarded session. A status outside ``ok_statuses`` (default:
    any) raises ``error`` with kind ``"status"``. ``allow_redirects`` follows redirects of a
    GET only; ``check_redirect`` raises ``OutboundRefused`` for a hop it refuses.
    """
    budget = sum(timeout) if deadline_seconds is None else deadline_seconds
    deadline = time.monotonic() + budget
    own_session = session is None
    http = guarded_session() if session is None else ensure_guarded(session)
    target = url
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            remaining = max(deadline - time.monotonic(), 0.001)
            # No single wait may outlast what is left of the whole budget.
            bounded_timeout = (min(timeout[0], remaining), min(timeout[1], remaining))
            answer = _exchange(
                http, method, target, bounded_timeout, max_bytes, deadline, error,
                headers=headers, data=data, json_body=json_body,
            )  # fmt: skip
            location = answer.headers.get("Location")
            if not (allow_redirects and method == "GET" and location):
                break
            if answer.status_code not in REDIRECT_STATUSES:
                break
            target = urljoin(target, location)
            if check_redirect is not None:
                try:
                    check_redirect(target)
                except OutboundRefused as refused:
                    raise error(FetchFailure("refused", target, detail=str(refused))) from None
        else:
            raise error(FetchFailure("unreachable", target, detail="too many redirects"))
    finally:
        if own_session:
            http.close()
    if ok_statuses is not None and answer.status_code not in ok_statuses:
        raise error(FetchFailure("status", answer.url, answer.status_code, answer.text))
    return answer


def _exchange(
    http: requests.Session,
    method: str,
    url: str,
    timeout: tuple[float, float],
    max_bytes: int,
    deadline: float,
    error: Callable[[FetchFailure], Exception],
    *,
    headers: Mapping[str, str] | None,
    data: Mapping[str, str] | None,
    json_body: Mapping[str, object] | None,
) -> BoundedResponse:
    """One request and its whole body, no redirect followed."""
    try:
        response = http.request(
            method,
            url,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
            headers=dict(headers) if headers is not None else None,
            data=dict(data) if data is not None else None,
            json=dict(json_body) if json_body is not None else None,
        )
    except requests.RequestException as problem:
        refusal = _address_refusal(problem)
        if refusal is not None:
            raise error(FetchFailure("refused", url, detail=refusal)) from None
        kind: FailureKind = "timeout" if isinstance(problem, requests.Timeout) else "unreachable"
        raise error(_network_failure(kind, url, None, problem)) from None
    with response:
        body = _read_body(response, max_bytes, deadline, error)
    return BoundedResponse(response.status_code, response.headers, response.url, body)


def _address_refusal(problem: BaseException) -> str | None:
    """The policy's message when the connection was refused by it, else None."""
    seen: BaseException | None = problem
    for _ in range(6):  # requests' ConnectionError → urllib3's MaxRetryError → the reason
        if seen is None:
            return None
        if isinstance(seen, AddressRefused):
            return str(seen).split(": ", 1)[-1]
        nested = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = getattr(seen, "reason", None) or nested or seen.__cause__ or seen.__context__
    return None


def fetch_json(
    session: requests.Session | None,
    url: str,
    *,
    max_bytes: int,
    timeout: tuple[float, float],
    error: Callable[[FetchFailure], Exception],
    method: str = "GET",
    ok_statuses: Collection[int] = (200,),
    **options: Any,
) -> tuple[BoundedResponse, Any]:
    """:func:`fetch`, then the body parsed as JSON (kind ``"not_json"`` when it is not)."""
    answer = fetch(
        session,
        method,
        url,
        max_bytes=max_bytes,
        timeout=timeout,
        error=error,
        ok_statuses=ok_statuses,
        **options,
    )
    try:
        return answer, answer.json()
    except ValueError:
        raise error(FetchFailure("not_json", answer.url, answer.status_code)) from None


def _read_body(
    response: requests.Response,
    max_bytes: int,
    deadline: float,
    error: Callable[[FetchFailure], Exception],
) -> bytes:
    raw = response.raw
    # read1: whatever has arrived, at most one wait (read() would wait for all CHUNK_BYTES).
    read = raw.read1 if hasattr(raw, "read1") else raw.read
    body = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise error(FetchFailure("too_slow", response.url, response.status_code))
        try:
            piece = read(CHUNK_BYTES, decode_content=True)
        except (urllib3.exceptions.HTTPError, OSError) as problem:
            timed_out = isinstance(problem, urllib3.exceptions.TimeoutError | TimeoutError)
            kind: FailureKind = "timeout" if timed_out else "unreachable"
            failure = _network_failure(kind, response.url, response.status_code, problem)
            raise error(failure) from None
        if not piece:
            return bytes(body)
        body += piece
        if len(body) > max_bytes:
            raise error(FetchFailure("too_large", response.url, response.status_code))


def _network_failure(
    kind: FailureKind, url: str, status: int | None, problem: Exception
) -> FetchFailure:
    return FetchFailure(kind, url, status, detail=str(problem), error_type=type(problem).__name__)
