"""Calendar downloads and the private feed URL of sign-ups.

- ``GET /signups/bookings/<id>.ics`` (under a launch): the launched person's own booking as a
  file to import; anyone else's booking id is a 404, like one that does not exist.
- ``GET /calendar/<token>.ics`` (no launch, no cookie: calendar apps fetch it on their own):
  the person's feed of one course, found by the SHA-256 of the token. An unknown or revoked
  token is a bare 404 that says nothing about why.
- ``GET/POST /calendar/feed`` (under a launch, CSRF): make, replace or stop the feed URL; a new
  URL is shown once, on the answer to the POST, and never stored.

The bytes come from ``services.calendar``, which is given nothing about other people.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from lti_app.catalogue import CatalogueUnavailable, get_catalogue
from lti_app.i18n import gettext
from lti_app.lti.current import launch_required, require_launch
from lti_app.lti.launch import Launch
from lti_app.services import calendar, signups
from lti_app.services.calendar import MethodName

bp = Blueprint("calendar", __name__, template_folder="templates")
CACHE_CONTROL = "private, no-cache"
FEED_PATH = "/calendar/{token}.ics"


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "intervision"


def _method_names() -> MethodName:
    """Method slug → its name in the catalogue (the slug is shown as is without one)."""
    try:
        catalogue = get_catalogue()
    except CatalogueUnavailable:
        return lambda slug: slug

    def name(slug: str) -> str | None:
        method = catalogue.method(slug)
        return method.name if method is not None else slug

    return name


def _ics(body: bytes, filename: str | None = None) -> Response:
    response = Response(body, status=200, content_type=calendar.CONTENT_TYPE)
    response.headers["Cache-Control"] = CACHE_CONTROL
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _person(launch: Launch) -> tuple[Launch, int]:
    if launch.scope is None:
        abort(
            404,
            description=gettext("Calendars belong to a course; open the sign-up from a course."),
        )
    return launch, launch.user.id


@bp.get("/signups/bookings/<int:booking_id>.ics")
@launch_required
def booking_ics(booking_id: int) -> ResponseReturnValue:
    launch, user_id = _person(require_launch())
    assert launch.scope is not None
    entry = calendar.booking_entry(launch.scope, user_id, booking_id, _method_names())
    if entry is None:
        abort(404, description=gettext("There is no such booking of yours in this course."))
    body = calendar.booking_calendar(entry, host=_host(), now=datetime.now(UTC))
    return _ics(body, f"intervision-session-{entry.session.id}.ics")


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> ResponseReturnValue:
    now = datetime.now(UTC)
    entries = calendar.feed_entries(token, now, _method_names())
    if entries is None:
        response = Response("Not found\n", status=404, content_type="text/plain; charset=utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response
    title = current_app.config.get("TOOL_TITLE", "Intervision")
    body = calendar.feed_calendar(
        entries, host=_host(), now=now, name=gettext("%(title)s sessions", title=title)
    )
    return _ics(body)


def feed_url(token: str) -> str:
    """The public feed URL: the tool's base URL, never under a launch segment."""
    base: str = current_app.config["BASE_URL"]
    return base + FEED_PATH.format(token=token)


@bp.get("/calendar/feed")
@launch_required
def feed_page() -> ResponseReturnValue:
    _person(require_launch())
    return render_template("calendar/feed.html", new_url=None, stopped=None)


@bp.post("/calendar/feed")
@launch_required
def feed_action() -> ResponseReturnValue:
    launch, user_id = _person(require_launch())
    assert launch.scope is not None
    now = datetime.now(UTC)
    action = request.form.get("action", "")
    if action == "replace":
        token = signups.new_feed_token(launch.scope, user_id=user_id, now=now)
        url = feed_url(token)
        webcal = "webcal://" + url.split("://", 1)[1]
        return render_template("calendar/feed.html", new_url=url, webcal_url=webcal, stopped=None)
    if action == "revoke":
        stopped = signups.revoke_feed(launch.scope, user_id=user_id, now=now)
        return render_template("calendar/feed.html", new_url=None, stopped=stopped)
    abort(
        400,
        description=gettext("Choose whether to make a new calendar link or stop the old one."),
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
