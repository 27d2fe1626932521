"""Per-client rate limits on the LTI entry points (research: security-and-performance.md §4).

Every login and launch writes state, so a flood from one address is refused with a 429 page
before it reaches the database. Limits are generous (``INTERVISION_LTI_RATE_LIMIT``, default
300 a minute per address and endpoint): a whole university behind one NAT opens a course. The
counters live in Redis when ``INTERVISION_REDIS_URL`` is set (shared by every app server),
otherwise in this process's memory (per worker: the effective limit is workers × limit).
One limiter per app, so apps in one process (tests, the demo) never share counters.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from lti_app.config import DEFAULT_LTI_RATE_LIMIT

EXTENSION_KEY = "intervision_rate_limiter"
DEFAULT_LIMIT = DEFAULT_LTI_RATE_LIMIT
LIMITED_ENDPOINTS = ("lti.login", "lti.launch")
MESSAGE = (
    "Too many sign-ins came from your network in a short time. Please wait a minute, then "
    "open the activity again from your course."
)


def storage_uri(app: Flask) -> str:
    redis_url = app.config.get("REDIS_URL")
    return str(redis_url) if redis_url else "memory://"


def init_app(app: Flask) -> Limiter:
    """Wrap the login and launch views (after the blueprint is registered) with the limit."""
    limit = str(app.config.setdefault("LTI_RATE_LIMIT", DEFAULT_LIMIT))
    limiter = Limiter(
        get_remote_address,  # the client address; behind ProxyFix the forwarded one
        storage_uri=storage_uri(app),
        key_prefix=f"{app.config.get('REDIS_KEY_PREFIX', 'intervision:')}rate",
        strategy="fixed-window",
        headers_enabled=True,
        # A Redis that does not answer must not turn logins into 500s: the request goes on
        # (and the state store answers its own 503 page).
        swallow_errors=True,
        enabled=bool(app.config.setdefault("LTI_RATE_LIMIT_ENABLED", True)),
    )
    limiter.init_app(app)
    for endpoint in LIMITED_ENDPOINTS:
        limited = limiter.limit(limit, error_message=MESSAGE)(app.view_functions[endpoint])
        app.view_functions[endpoint] = limited  # type: ignore[assignment]
    app.extensions[EXTENSION_KEY] = limiter
    return limiter
