"""OIDC third-party-initiated login (LTI Core §4.1, SEC 1.0 §5.1.1): state, nonce, redirect.

Why not pylti1p3's OIDCLogin: it keeps the nonce in the (cookie) session, binds state with a
cookie whose value *is* the state (anyone holding the state can forge it), and redirects to
whatever unsigned target_link_uri it is given. Here the state row is server-side and bound to a
random per-browser secret; the redirect_uri is always our own launch URL; the target_link_uri
must be one of our endpoints and is remembered for the launch to compare.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from lti_app.lti import platform_storage, state_store
from lti_app.lti.errors import LoginRequestInvalid, TargetLinkInvalid, UnknownPlatform
from lti_app.lti.tool_config import DatabaseToolConf
from lti_app.storage.platform_cache import PlatformRecord

STATE_LIFETIME = timedelta(minutes=5)
MAX_PARAM_LENGTH = 2048


@dataclass(frozen=True)
class LoginRedirect:
    """Where to send the browser, and the cookie that binds the state to it."""

    location: str
    state: str
    browser_secret: str
    registration: PlatformRecord


def _param(params: Mapping[str, str], name: str, required: bool = False) -> str | None:
    value = params.get(name)
    if value is not None and len(value) > MAX_PARAM_LENGTH:
        raise LoginRequestInvalid(f"login parameter {name!r} is too long")
    if required and not value:
        raise LoginRequestInvalid(f"login request lacks {name!r}")
    return value or None


def find_registration(params: Mapping[str, str], tool_conf: DatabaseToolConf) -> PlatformRecord:
    """The registration named by ``iss`` (and ``client_id`` when the platform sends it)."""
    issuer = _param(params, "iss", required=True)
    assert issuer is not None
    record = tool_conf.find_platform(issuer, _param(params, "client_id"))
    if record is None:
        raise UnknownPlatform("login from an unregistered issuer/client_id")
    return record


def _with_query(url: str, extra: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(extra)}" if parts.query else urlencode(extra)
    return urlunsplit(parts._replace(query=query))


def prepare_login(
    params: Mapping[str, str],
    registration: PlatformRecord,
    launch_url: str,
    is_own_endpoint: Callable[[str], bool],
    storage_target: str | None = None,
) -> LoginRedirect:
    """Validate the login request, store state server-side, build the platform auth URL.

    With ``storage_target`` (a checked ``lti_storage_target``) the state names that frame, so
    the launch page knows where to read the secret back (``platform_storage``).
    """
    login_hint = _param(params, "login_hint", required=True)
    target_link_uri = _param(params, "target_link_uri", required=True)
    assert login_hint is not None and target_link_uri is not None
    if not is_own_endpoint(target_link_uri):
        raise TargetLinkInvalid("login target_link_uri is not an endpoint of this tool")
    random_part = secrets.token_urlsafe(24)
    state = (
        platform_storage.state_for(storage_target, random_part)
        if storage_target
        else "state-" + random_part
    )
    nonce = secrets.token_urlsafe(32)
    browser_secret = secrets.token_urlsafe(32)
    state_store.save_login_state(
        state=state,
        nonce=nonce,
        issuer=registration.issuer,
        client_id=registration.client_id,
        target_link_uri=target_link_uri,
        browser_secret=browser_secret,
        deployment_hint=_param(params, "lti_deployment_id"),
        lifetime=STATE_LIFETIME,
    )
    auth_params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": launch_url,
        "state": state,
        "nonce": nonce,
        "login_hint": login_hint,
    }
    message_hint = _param(params, "lti_message_hint")
    if message_hint:
        auth_params["lti_message_hint"] = message_hint
    return LoginRedirect(
        location=_with_query(registration.auth_login_url, auth_params),
        state=state,
        browser_secret=browser_secret,
        registration=registration,
    )


# Parameters the cookie-check page carries over when it reloads the login (pylti1p3 forgets
# Canvas's lti_storage_target; we keep it).
FORWARDED_LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "lti_deployment_id",
    "client_id",
    "lti_storage_target",
)


def cookie_check_params(params: Mapping[str, str]) -> dict[str, str]:
    """The login parameters to replay once cookies are known to work."""
    kept = {name: params[name] for name in FORWARDED_LOGIN_PARAMS if params.get(name)}
    kept["lti1p3_new_window"] = "1"
    return kept


def cookie_fallback_params(params: Mapping[str, str]) -> dict[str, str]:
    """The login parameters for the cookie check, when the platform's storage did not answer."""
    return {
        name: params[name]
        for name in FORWARDED_LOGIN_PARAMS
        if params.get(name) and name != platform_storage.LOGIN_PARAM
    }
