"""Security headers, above all ``Content-Security-Policy: frame-ancestors`` per registration.

Framing is allowed only for the origins stored on the registration (never derived from ``iss``:
all Canvas Cloud schools share one issuer); ``X-Frame-Options`` is not sent, its ``ALLOW-FROM``
is obsolete (RFC 7034 §4). Pages outside a launch may not be framed at all. Scripts need the
per-response nonce (``csp_nonce()`` in templates). A view that sets its own CSP keeps it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from flask import Flask, Response, g, request

from lti_app.lti.launch import Launch
from lti_app.storage import db, registrations_repo

ORIGIN_PATTERN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
LTI_ENTRY_ENDPOINTS = frozenset({"lti.login", "lti.launch"})


def csp_nonce() -> str:
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = secrets.token_urlsafe(16)
        g.csp_nonce = nonce
    return str(nonce)


def allow_framing_by(origins: Iterable[str]) -> None:
    """Called by views that know the registration (login, launch)."""
    g.frame_origins = [origin for origin in origins if ORIGIN_PATTERN.match(origin)]


def allow_framing_by_any_platform() -> None:
    """For an error page shown before any launch is known (it carries no course data)."""
    allow_framing_by(_all_registered_origins())


def _launch_origins() -> list[str] | None:
    launch = g.get("lti_launch")
    if not isinstance(launch, Launch):
        return None
    # Per-process cache (storage/platform_cache.py): every page of a launch asks for this.
    record = registrations_repo.cached_platform(launch.tenant.issuer, launch.tenant.client_id)
    return list(record.frame_origins) if record is not None else []


def _all_registered_origins() -> list[str]:
    """For login/launch errors before the registration is known: any registered platform."""
    return registrations_repo.all_frame_origins(db.get_session())


def frame_ancestors() -> str:
    origins = g.get("frame_origins")
    if origins is None:
        origins = _launch_origins()
    if origins is None and request.endpoint in LTI_ENTRY_ENDPOINTS:
        origins = _all_registered_origins()
    valid = sorted({origin for origin in origins or [] if ORIGIN_PATTERN.match(origin)})
    return " ".join(["'self'", *valid]) if valid else "'none'"


# Every directive any page sets, in the order the header lists them; None: not sent.
_DEFAULT_POLICY: dict[str, str | None] = {
    "default-src": "'self'",
    "script-src": None,  # 'self' plus this response's nonce, filled in per call
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": None,
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": None,
}


def content_security_policy(frame_ancestors: str, **overrides: str | None) -> str:
    """The one CSP builder: the default policy with ``overrides`` (``style_src="..."`` sets
    ``style-src``; ``None`` drops a directive, which then falls back to ``default-src``; a
    directive not in the default is added before ``frame-ancestors``, which always comes last).

    Scripts run only from 'self' with this response's :func:`csp_nonce` unless a page
    overrides ``script_src``.
    """
    policy = dict(_DEFAULT_POLICY)
    if "script_src" not in overrides:
        policy["script-src"] = f"'self' 'nonce-{csp_nonce()}'"
    for name, value in overrides.items():
        policy[name.replace("_", "-")] = value
    directives = [f"{name} {value}" for name, value in policy.items() if value is not None]
    return "; ".join([*directives, f"frame-ancestors {frame_ancestors}"])


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Pages carry names, roles, progress, CSRF tokens or signed deep-link JWTs: no cache may
    # keep them. Views with public content (key set, static assets) set their own policy.
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    # Flask-WTF's strict HTTPS referrer check needs a same-origin Referer: no "no-referrer".
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = content_security_policy(
            frame_ancestors(), **_scripts_of_this_response()
        )
    return response


def _scripts_of_this_response() -> dict[str, str]:
    """No nonce when nothing in the response asked for one: the body is rendered before
    ``after_request`` (no page is streamed), so a body without a nonce has no inline script
    to allow, and a redirect (every sign-up's answer) skips ``os.urandom`` and its header."""
    return {} if g.get("csp_nonce") is not None else {"script_src": "'self'"}


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
