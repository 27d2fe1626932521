"""The LTI entry points: ``/lti/login`` (GET and POST; Moodle POSTs) and ``/lti/launch`` (POST).

Thin views: parse, call the login/launch code, answer. Both are CSRF-exempt (state, nonce and
the browser-bound state cookie protect them); every refusal is a ``LaunchError`` rendered as a
4xx page with a reference id by ``web.errors``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask.typing import ResponseReturnValue
from pylti1p3.contrib.flask.request import FlaskRequest

from lti_app.lti import login as oidc_login
from lti_app.lti import platform_storage_pages
from lti_app.lti.current import require_launch
from lti_app.lti.dispatch import dispatch_launch
from lti_app.lti.errors import LaunchError, StateInvalid
from lti_app.lti.headers import allow_framing_by
from lti_app.lti.launch import AbsentLaunch
from lti_app.lti.launch_rows import complete_launch
from lti_app.lti.launch_session import remember_launch
from lti_app.lti.launch_urls import bind_urls_to_launch
from lti_app.lti.message_launch import (
    STATE_COOKIE_PREFIX,
    HardenedMessageLaunch,
    LaunchPolicy,
)
from lti_app.lti.platform_keys import PlatformKeyCache
from lti_app.lti.token_checks import is_own_endpoint
from lti_app.lti.tool_config import DatabaseToolConf
from lti_app.lti.tool_urls import current_tool_urls

bp = Blueprint("lti", __name__, url_prefix="/lti")

KEY_CACHE_EXTENSION = "intervision_platform_keys"
STATE_COOKIE_PATH = "/lti/"
# Set at login, deleted at launch: a browser deletes a cookie only when these attributes match.
# SameSite=None because the launch is a cross-site POST; Partitioned (CHIPS) so browsers that
# block third-party cookies still keep it inside the LMS iframe.
STATE_COOKIE: Final[dict[str, Any]] = {
    "path": STATE_COOKIE_PATH,
    "secure": True,
    "httponly": True,
    "samesite": "None",
    "partitioned": True,
}


def _is_own_endpoint(uri: str) -> bool:
    return is_own_endpoint(uri, current_app.config["BASE_URL"])


def _login_params() -> dict[str, str]:
    source = request.form if request.method == "POST" else request.args
    return {key: source[key] for key in source}


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    params = _login_params()
    tool_conf = DatabaseToolConf(current_app._get_current_object())  # type: ignore[attr-defined]
    registration = oidc_login.find_registration(params, tool_conf)
    allow_framing_by(registration.frame_origins or [])
    storage = platform_storage_pages.login_target(params, registration)  # lti_storage_target
    if (
        storage is None
        and current_app.config.get("LTI_COOKIE_CHECK", True)
        and not params.get("lti1p3_new_window")
    ):
        query = urlencode(oidc_login.cookie_check_params(params))
        page = render_template("lti/cookie_check.html", login_url=f"{url_for('lti.login')}?{query}")
        return Response(page, headers={"Cache-Control": "no-store"})
    redirect_to = oidc_login.prepare_login(
        params,
        registration,
        current_tool_urls().launch,
        _is_own_endpoint,
        storage_target=storage.frame if storage else None,
    )
    if storage is not None:  # the page stores the secret with the platform, then redirects
        response = platform_storage_pages.login_page(params, storage, redirect_to)
    else:
        response = Response(status=302, headers={"Location": redirect_to.location})
        response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        STATE_COOKIE_PREFIX + redirect_to.state,
        redirect_to.browser_secret,
        max_age=int(oidc_login.STATE_LIFETIME.total_seconds()),
        **STATE_COOKIE,
    )
    return response


def _policy() -> LaunchPolicy:
    return LaunchPolicy(
        leeway=int(current_app.config["LAUNCH_LEEWAY_SECONDS"]),
        max_age=int(current_app.config["LAUNCH_MAX_AGE_SECONDS"]),
        is_own_endpoint=_is_own_endpoint,
    )


def _key_cache() -> PlatformKeyCache:
    cache: PlatformKeyCache = current_app.extensions[KEY_CACHE_EXTENSION]
    return cache


@bp.post("/launch")
def launch() -> ResponseReturnValue:
    if not request.form.get("id_token") or not request.form.get("state"):
        g.lti_launch = AbsentLaunch()
        bind_urls_to_launch(None)
        raise StateInvalid("launch without id_token or state")
    # No state cookie after a Platform Storage login: a page reads the secret back first.
    try:
        reading_page, relayed = platform_storage_pages.launch_secret(STATE_COOKIE_PREFIX)
    except LaunchError:
        g.lti_launch = AbsentLaunch()
        bind_urls_to_launch(None)
        raise
    if reading_page is not None:
        return reading_page
    cookies = dict(request.cookies)
    if relayed is not None:  # checked against the state row exactly as the cookie would be
        cookies[STATE_COOKIE_PREFIX + request.form["state"]] = relayed
    tool_conf = DatabaseToolConf(current_app._get_current_object())  # type: ignore[attr-defined]
    message_launch = HardenedMessageLaunch(
        FlaskRequest(cookies=cookies),  # type: ignore[no-untyped-call]
        tool_conf,
        key_cache=_key_cache(),
        policy=_policy(),
    )
    lifetime: timedelta = current_app.permanent_session_lifetime
    try:
        validated = message_launch.validate_launch()
        allow_framing_by(validated.platform.frame_origins)
        launch = complete_launch(validated, lifetime)
    except LaunchError:
        # A refused launch leaves the session as it was: anyone can make a browser POST here
        # (a cross-site form), so refusing must not end, or replace, the learner's launches.
        # Its error page shows none of them either.
        g.lti_launch = AbsentLaunch()
        bind_urls_to_launch(None)
        raise
    # Same person: added to the launches this session holds (other tabs keep their course);
    # anyone else: the session is emptied first (no fixation, no bleed between people).
    remember_launch(launch.launch_id, launch.tenant.issuer, launch.user.subject)
    g.lti_launch = launch
    bind_urls_to_launch(launch.launch_id)  # the handler's redirect names this launch
    response = current_app.make_response(dispatch_launch(launch))
    response.headers["Cache-Control"] = "no-store"
    response.delete_cookie(STATE_COOKIE_PREFIX + request.form["state"], **STATE_COOKIE)
    return response


@bp.get("/home")
def landing() -> ResponseReturnValue:
    """The simple page a resource launch without a registered handler lands on."""
    return render_template("lti/landing.html", launch=require_launch())
