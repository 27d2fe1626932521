"""What every call to a platform's services shares: timeouts, one error type, safe logging.

A hung LMS must never hold a worker (research: security-and-performance.md §7), so every call
has a (connect, read) timeout; callers on a request path pass a :class:`Deadline` instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

# Background delivery (CLI, workers): generous but bounded.
DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 10.0)
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


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
        remaining = self.expires_at - time.monotonic()
        if remaining <= 0.05:
            raise ServiceError("time budget used up before the call", retryable=True)
        return (min(remaining, 3.05), remaining)


Timeout = tuple[float, float] | Deadline


def as_timeout(timeout: Timeout) -> tuple[float, float]:
    return timeout.timeout() if isinstance(timeout, Deadline) else timeout


def error_for_response(response: requests.Response, what: str) -> ServiceError:
    """Turn a non-2xx answer into a ServiceError (with a short, log-safe excerpt)."""
    excerpt = response.text[:200].replace("\n", " ") if response.text else ""
    return ServiceError(
        f"{what}: HTTP {response.status_code} from {response.url} {excerpt}".strip(),
        status=response.status_code,
        retryable=response.status_code in RETRYABLE_STATUSES or response.status_code == 401,
    )


def request(
    method: str,
    url: str,
    *,
    what: str,
    timeout: Timeout,
    headers: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
    json: dict[str, object] | None = None,
) -> requests.Response:
    """One HTTP call with a timeout; network failures become retryable ServiceErrors.

    Redirects are not followed: a bearer token must not travel to wherever a 30x points.
    """
    try:
        response = requests.request(
            method,
            url,
            timeout=as_timeout(timeout),
            allow_redirects=False,
            headers=headers,
            data=data,
            json=json,
        )
    except requests.Timeout:
        raise ServiceError(f"{what}: {url} did not answer in time", retryable=True) from None
    except requests.RequestException as problem:
        raise ServiceError(f"{what}: {url} unreachable ({problem})", retryable=True) from None
    if not 200 <= response.status_code < 300:
        raise error_for_response(response, what)
    return response
