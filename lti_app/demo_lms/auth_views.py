"""The platform's OIDC authorization endpoint and its public key set.

lti1p3platform checks only that nonce, state and redirect_uri are present and the client id
matches; a real LMS checks more, so this endpoint does too: the redirect_uri must be registered
(exact match), the response type and mode must be LTI's, and the login_hint and
lti_message_hint must name a launch this LMS started, for that person, in the last five minutes.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from lti_app.demo_lms.context import current_lms
from lti_app.demo_lms.launches import build_launch

bp = Blueprint("demo_auth", __name__)


class AuthRequestInvalid(ValueError):
    """The tool's authorization request is wrong; the message says which parameter and why."""


def _check_authorization_request(params: dict[str, str]) -> dict[str, Any]:
    """Validate the request and consume its pending launch; return that launch."""
    settings = current_lms().settings
    if params.get("response_type") != "id_token":
        raise AuthRequestInvalid("response_type must be 'id_token'")
    if "openid" not in params.get("scope", "").split():
        raise AuthRequestInvalid("scope must include 'openid'")
    if params.get("response_mode") != "form_post":
        raise AuthRequestInvalid("response_mode must be 'form_post'")
    if params.get("prompt", "none") != "none":
        raise AuthRequestInvalid("prompt must be 'none' (the LMS never shows a login form)")
    if params.get("client_id") != settings.client_id:
        raise AuthRequestInvalid(f"client_id {params.get('client_id')!r} is not registered")
    if params.get("redirect_uri") not in settings.tool_redirect_uris:
        raise AuthRequestInvalid(
            f"redirect_uri {params.get('redirect_uri')!r} is not a registered redirect URI "
            f"(registered: {', '.join(settings.tool_redirect_uris)})"
        )
    for required in ("nonce", "state", "login_hint", "lti_message_hint"):
        if not params.get(required):
            raise AuthRequestInvalid(f"{required} is missing")
    with current_lms().store.change() as state:
        pending: dict[str, Any] | None = state["pending_logins"].pop(
            params["lti_message_hint"], None
        )
    if pending is None or pending["expires_at"] < time.time():
        raise AuthRequestInvalid(
            "lti_message_hint does not name a launch started here in the last five minutes "
            "(or it was used already); press the launch button again"
        )
    if params["login_hint"] != pending["user"]:
        raise AuthRequestInvalid("login_hint is not the person who started this launch")
    return pending


@bp.route("/auth", methods=["GET", "POST"])
def authorize() -> ResponseReturnValue:
    params = (request.form if request.method == "POST" else request.args).to_dict()
    try:
        pending = _check_authorization_request(params)
    except AuthRequestInvalid as error:
        return render_template(
            "message.html", title="Launch refused by the demo LMS", message=str(error)
        ), 400
    lms = current_lms()
    user = lms.settings.user(pending["user"])
    if user is None:
        return render_template(
            "message.html", title="Unknown person", message="Start the launch again."
        ), 400
    try:
        return build_launch(lms, pending, user)
    except LookupError as error:
        return render_template("message.html", title="Link not found", message=str(error)), 404


@bp.get("/.well-known/jwks.json")
def jwks() -> ResponseReturnValue:
    """The platform's public keys: the tool verifies the id_tokens it receives with them."""
    response = jsonify(current_lms().conf().get_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
