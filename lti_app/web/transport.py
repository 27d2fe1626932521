"""HTTPS or loopback only: refuse plain-http requests for public host names with a clear page.

Inside the LMS iframe every cookie must be ``Secure; SameSite=None``; over plain http on a public
host the browser drops them and every launch would fail later with a puzzling "state not found".
So a request that is not secure (after ``ProxyFix`` has applied the proxy's
``X-Forwarded-Proto``/``X-Forwarded-Host``) and whose host is not loopback gets a 400 page that
says what is wrong and how to fix it. ``/healthz`` is exempt: load balancers probe over http.
Without ``INTERVISION_PROXY_FIX`` the forwarded headers are ignored (anyone could send them).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue

from lti_app.config import is_loopback_host
from lti_app.i18n import gettext
from lti_app.web.errors import new_reference, render_error

log = logging.getLogger(__name__)

EXEMPT_PATHS = frozenset({"/healthz"})


def request_hostname() -> str | None:
    """The host name of this request, without port (IPv6 without brackets)."""
    try:
        return urlsplit(f"//{request.host}").hostname
    except ValueError:  # a malformed Host header, e.g. an unclosed "[" bracket
        return None


def refuse_plain_http() -> ResponseReturnValue | None:
    """before_request: None lets the request through; otherwise the explanatory 400 page."""
    if request.is_secure or request.path in EXEMPT_PATHS:
        return None
    hostname = request_hostname()
    if is_loopback_host(hostname):
        return None
    reference = new_reference()
    hops = int(current_app.config.get("PROXY_FIX") or 0)
    log.warning(
        "plain http refused ref=%s host=%s path=%s proxy_fix=%d", reference,
        hostname, request.path, hops,
    )  # fmt: skip
    if hops:
        fix = gettext(
            "INTERVISION_PROXY_FIX is %(hops)s: check that the outermost proxy terminates TLS "
            "and sends X-Forwarded-Proto: https, and that the setting equals the number of "
            "proxies in front of the tool.",
            hops=hops,
        )
    else:
        fix = gettext(
            "If a reverse proxy or load balancer terminates TLS in front of the tool, set "
            "INTERVISION_PROXY_FIX=<number of proxies> (usually 1) so the tool trusts its "
            "X-Forwarded-Proto and X-Forwarded-Host headers."
        )
    return render_error(
        400,
        gettext("This tool must be reached over HTTPS"),
        gettext(
            "This request reached the tool over plain http at %(host)s. Inside a learning "
            "platform the tool's cookies only work over HTTPS, so it answers plain http only on "
            "localhost. For administrators: terminate TLS at the proxy and forward to the tool.",
            host=hostname or gettext("an unknown host"),
        )
        + " "
        + fix,
        reference,
    )


def init_app(app: Flask) -> None:
    app.before_request(refuse_plain_http)
