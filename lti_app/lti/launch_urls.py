"""Every tool URL after a launch names its launch: ``/launch/<launch id>/...``.

One browser session can hold several launches (two courses in two tabs). Were the launch taken
from the session alone, the newest launch would win and an action in an older tab would land
in the wrong course. So the launch id travels in the URL as a leading path segment:

* ``LaunchPathMiddleware`` moves ``/launch/<id>`` from ``PATH_INFO`` to ``SCRIPT_NAME``, so the
  routes stay as they are and every ``url_for`` (templates, redirects after POST, form actions,
  static assets) builds URLs under the same segment without any view or template knowing;
* relative links in the built course pages (``../other-module/``) keep the segment too, which
  a query parameter would lose;
* ``bind_urls_to_launch`` points URL building of the current request at a launch that was
  not in its URL (the launch request itself, or the newest-launch fallback of an old link).

The id in the URL is only a *selector*: ``current.load_current_launch`` accepts it only if the
session holds it, so a leaked URL is useless in another browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import current_app, g, request
from flask.globals import request_ctx

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

LAUNCH_SEGMENT = "/launch/"
LAUNCH_ID_KEY = "intervision.launch_id"  # WSGI environ: the id found in the URL
BASE_SCRIPT_NAME_KEY = "intervision.base_script_name"  # WSGI environ: SCRIPT_NAME without it
_LAUNCH_PATH = re.compile(r"^/launch/(?P<id>[A-Za-z0-9_-]{1,128})(?P<rest>/.*)?$")


def launch_path(launch_id: str) -> str:
    return LAUNCH_SEGMENT + launch_id


class LaunchPathMiddleware:
    """WSGI: ``/launch/<id>/course/`` is served by ``/course/`` with the id in the environ."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        script_name = environ.get("SCRIPT_NAME", "")
        environ[BASE_SCRIPT_NAME_KEY] = script_name
        match = _LAUNCH_PATH.match(environ.get("PATH_INFO", ""))
        if match:
            environ[LAUNCH_ID_KEY] = match["id"]
            environ["SCRIPT_NAME"] = script_name + launch_path(match["id"])
            environ["PATH_INFO"] = match["rest"] or "/"
        return self.app(environ, start_response)


def requested_launch_id() -> str | None:
    """The launch id this request's URL names, if any (not yet checked against the session)."""
    launch_id = request.environ.get(LAUNCH_ID_KEY)
    return launch_id if isinstance(launch_id, str) else None


def bind_urls_to_launch(launch_id: str | None) -> None:
    """Build this request's URLs under ``/launch/<launch_id>`` (or under none)."""
    environ = request.environ
    base = str(environ.setdefault(BASE_SCRIPT_NAME_KEY, environ.get("SCRIPT_NAME", "")))
    wanted = base + (launch_path(launch_id) if launch_id else "")
    g.url_launch_id = launch_id
    if environ.get("SCRIPT_NAME", "") == wanted:
        return
    environ["SCRIPT_NAME"] = wanted
    request_ctx.url_adapter = current_app.create_url_adapter(request)


def current_launch_path() -> str:
    """``/launch/<id>`` for the launch this request's URLs are built under, else ``""``."""
    launch_id = g.get("url_launch_id")
    return launch_path(launch_id) if isinstance(launch_id, str) and launch_id else ""
