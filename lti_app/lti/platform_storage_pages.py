"""The two pages of a Platform Storage login (``platform_storage`` says why and what is checked).

Login: the page stores the state's secret through the platform frame, then goes on to the
platform's authorization URL (or, if the platform does not answer, to the cookie check).
Launch: when the state cookie is missing, the page reads the secret back and posts the launch
again, from this tool's origin, with the secret in ``platform_storage.SECRET_FIELD``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from flask import Response, current_app, g, render_template, request, url_for

from lti_app.lti import login as oidc_login
from lti_app.lti import platform_storage as ps
from lti_app.lti import state_store
from lti_app.lti.headers import allow_framing_by
from lti_app.lti.login import LoginRedirect
from lti_app.lti.rate_limits import WROTE_STATE
from lti_app.lti.tool_config import DatabaseToolConf
from lti_app.storage.platform_cache import PlatformRecord


def _enabled() -> bool:
    return bool(current_app.config.get("LTI_PLATFORM_STORAGE", True))


def _timeout_ms() -> int:
    """How long the page waits for the platform (``LTI_PLATFORM_STORAGE_TIMEOUT_MS``)."""
    return int(current_app.config.get("LTI_PLATFORM_STORAGE_TIMEOUT_MS", ps.ANSWER_TIMEOUT_MS))


def login_target(
    params: Mapping[str, str], registration: PlatformRecord
) -> ps.StorageTarget | None:
    """Where to store the secret, when this login offers Platform Storage and it may be used."""
    if not _enabled() or params.get("lti1p3_new_window"):
        return None  # a new window has no platform frame around it; its cookies are first-party
    frame = ps.requested_target(params)
    origin = ps.platform_origin(registration.auth_login_url)
    if frame is None or origin is None:
        return None
    return ps.StorageTarget(frame=frame, origin=origin)


def login_page(
    params: Mapping[str, str], target: ps.StorageTarget, redirect_to: LoginRedirect
) -> Response:
    setattr(g, WROTE_STATE, True)  # a 200 that stored a state: counted like a 302 login
    fallback = f"{url_for('lti.login')}?{urlencode(oidc_login.cookie_fallback_params(params))}"
    page = render_template(
        "lti/platform_storage_login.html",
        target=target,
        key=ps.storage_key(redirect_to.state),
        secret=redirect_to.browser_secret,
        next_url=redirect_to.location,
        fallback_url=fallback,
        timeout_ms=_timeout_ms(),
    )
    return Response(page, headers={"Cache-Control": "no-store"})


def launch_secret(state_cookie_prefix: str) -> tuple[Response | None, str | None]:
    """For ``/lti/launch``: (the page that reads the secret back, or None; the relayed secret).

    ``(None, None)``: not a storage login, or its cookie is here: the cookie path decides.
    """
    state = request.form.get("state", "")
    frame = ps.target_of_state(state)
    if frame is None or not _enabled():
        return None, None
    secret = ps.relayed_secret(request.form, request.headers, current_app.config["BASE_URL"])
    if secret is not None or request.cookies.get(state_cookie_prefix + state):
        return None, secret
    login = state_store.load_login_state(state)
    if login is None:
        return None, None  # unknown, expired or used: the normal checks refuse it
    tool_conf = DatabaseToolConf(current_app._get_current_object())  # type: ignore[attr-defined]
    platform = tool_conf.find_platform(login.issuer, login.client_id)
    origin = ps.platform_origin(platform.auth_login_url) if platform else None
    if platform is None or origin is None:
        return None, None
    allow_framing_by(platform.frame_origins or [])
    page = render_template(
        "lti/platform_storage_launch.html",
        target=ps.StorageTarget(frame=frame, origin=origin),
        key=ps.storage_key(state),
        id_token=request.form.get("id_token", ""),
        state=state,
        secret_field=ps.SECRET_FIELD,
        timeout_ms=_timeout_ms(),
    )
    return Response(page, headers={"Cache-Control": "no-store"}), None
