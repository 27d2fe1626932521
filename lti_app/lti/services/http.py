"""What every call to a platform's services shares: timeouts, one error type, safe logging.

A hung LMS must never hold a worker (research: security-and-performance.md §7), so every call
has a (connect, read) timeout and a bound on the whole answer (``lti.http.fetch``: a deadline
and :data:`MAX_RESPONSE_BYTES`); callers on a request path pass a :class:`Deadline` instead.
URLs a platform supplied (line items, rosters) must be on the registration's hosts
(:func:`checked_url`), and no call reaches an internal address in production
(``lti.outbound_policy``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from flask import Flask

from lti_app.lti.http import BoundedResponse, FetchFailure, fetch
from lti_app.lti.outbound_policy import (
    OutboundPolicy,
    OutboundRefused,
    check_platform_url,
    current_policy,
    guarded_session,
    policy_of,
)

# Background delivery (CLI, workers): generous but bounded.
DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 10.0)
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# A roster page of several thousand members is a few MB; nothing a platform sends is larger.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024


class ServiceError(Exception):
    """A platform service call failed; ``retryable`` says whether trying later may help."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


@dataclass(frozen=True)
class Deadline:
    """A total time budget shared by several calls (token, then score) on a request path."""

    expires_at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    def timeout(self) -> tuple[float, float]:
        remaining = self.remaining()
        if remaining <= 0.05:
            raise ServiceError("time budget used up before the call", retryable=True)
        return (min(remaining, 3.05), remaining)

    def remaining(self) -> float:
        return self.expires_at - time.monotonic()


Timeout = tuple[float, float] | Deadline


def as_timeout(timeout: Timeout) -> tuple[float, float]:
    return timeout.timeout() if isinstance(timeout, Deadline) else timeout


def _is_retryable(status: int) -> bool:
    return status in RETRYABLE_STATUSES or status == 401


def error_for_response(response: BoundedResponse, what: str) -> ServiceError:
    """Turn a non-2xx answer into a ServiceError (with a short, log-safe excerpt)."""
    excerpt = response.text[:200].replace("\n", " ") if response.text else ""
    return ServiceError(
        f"{what}: HTTP {response.status_code} from {response.url} {excerpt}".strip(),
        status=response.status_code,
        retryable=_is_retryable(response.status_code),
    )


def policy_for(app: Flask | None) -> OutboundPolicy:
    """The policy of ``app``, else of the current app (or the environment's)."""
    return policy_of(app) if app is not None else current_policy()


def checked_url(url: str, hosts: Collection[str], *, what: str, app: Flask | None = None) -> str:
    """``url`` if the platform may make us call it (see ``outbound_policy``), else a
    non-retryable ServiceError: trying again will not move the URL."""
    try:
        return check_platform_url(url, hosts, what=what, policy=policy_for(app))
    except OutboundRefused as refused:
        raise ServiceError(str(refused), retryable=False) from None


def _service_error(what: str, url: str) -> Callable[[FetchFailure], ServiceError]:
    def error(failure: FetchFailure) -> ServiceError:
        if failure.kind == "refused":
            return ServiceError(f"{what}: {failure.detail}", retryable=False)
        if failure.kind in ("timeout", "too_slow"):
            return ServiceError(f"{what}: {url} did not answer in time", retryable=True)
        if failure.kind == "unreachable":
            return ServiceError(f"{what}: {url} unreachable ({failure.detail})", retryable=True)
        status = failure.status
        if status is not None and not 200 <= status < 300:
            return ServiceError(
                f"{what}: HTTP {status} from {failure.url} (body over the size limit)",
                status=status,
                retryable=_is_retryable(status),
            )
        return ServiceError(
            f"{what}: {url} answered more than {MAX_RESPONSE_BYTES} bytes",
            status=status,
            retryable=False,
        )

    return error


def request(
    method: str,
    url: str,
    *,
    what: str,
    timeout: Timeout,
    headers: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
    json: dict[str, object] | None = None,
    app: Flask | None = None,
) -> BoundedResponse:
    """One HTTP call within the timeout (the whole answer, body included, and at most
    :data:`MAX_RESPONSE_BYTES`); network failures become retryable ServiceErrors, an address
    the policy refuses a non-retryable one.

    Redirects are not followed: a bearer token must not travel to wherever a 30x points.
    """
    limits = as_timeout(timeout)
    policy = policy_for(app)
    with guarded_session(lambda: policy) as session:
        return _checked_response(
            fetch(
                session,
                method,
                url,
                max_bytes=MAX_RESPONSE_BYTES,
                timeout=limits,
                deadline_seconds=timeout.remaining() if isinstance(timeout, Deadline) else None,
                error=_service_error(what, url),
                allow_redirects=False,
                headers=headers,
                data=data,
                json_body=json,
            ),
            what,
        )


def _checked_response(response: BoundedResponse, what: str) -> BoundedResponse:
    if not 200 <= response.status_code < 300:
        raise error_for_response(response, what)
    return response
