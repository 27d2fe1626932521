"""Installation endpoints: key set, Canvas JSON, setup page, dynamic registration, health.

Admin-facing pages refuse to be framed (``frame-ancestors 'none'``), except the registration
page, which Moodle and Canvas open in an iframe: it may be framed by that platform's origin only.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from lti_app.config import is_loopback_host
from lti_app.i18n import gettext
from lti_app.lti import dynamic_registration as dynreg
from lti_app.lti import keys
from lti_app.lti import registration_invites as invites
from lti_app.lti.canvas_config import (
    CANVAS_CLOUD_ISSUER,
    CANVAS_CLOUD_JWKS_URL,
    CANVAS_CLOUD_LOGIN_URL,
    canvas_command,
    canvas_developer_key,
)
from lti_app.lti.headers import ORIGIN_PATTERN, content_security_policy, csp_nonce
from lti_app.lti.http import outbound_session
from lti_app.lti.tool_urls import current_tool_urls
from lti_app.storage import db, lti_state
from lti_app.storage.invites_repo import InviteRecord

bp = Blueprint("install", __name__, template_folder="templates")
log = logging.getLogger(__name__)


def _page(
    body: str,
    status: int,
    frame_ancestors: str = "'none'",
    *,
    inline_script: bool = False,
    script_src: str = "'none'",
) -> Response:
    """An HTML response with a strict CSP: no script, scripts from ``script_src``, or inline
    script only with the response's nonce (``csp_nonce()`` in the template); styles and
    images from 'self' only."""
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = content_security_policy(
        frame_ancestors,
        script_src=f"'nonce-{csp_nonce()}'" if inline_script else script_src,
        style_src=None,
        img_src=None,
        form_action="'self'",
    )
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/.well-known/jwks.json")
def jwks() -> Response:
    response = jsonify(keys.public_jwks())
    # Short cache: a rotated key must reach platforms well within the overlap.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/lti/canvas.json")
def canvas_json() -> Response:
    config = current_app.config
    return jsonify(
        canvas_developer_key(
            current_tool_urls(), title=config["TOOL_TITLE"], description=config["TOOL_DESCRIPTION"]
        )
    )


# canvas_command's parameters, and the setup form's field names.
SETUP_FIELDS = {
    "client_id": "canvas_client_id",
    "deployment_id": "canvas_deployment_id",
    "canvas_address": "canvas_address",
}


@bp.get("/")
def home() -> Response:
    """The tool's root URL: what the tool is and where an admin starts (not a 404 for the
    first person who types the address in)."""
    return _page(render_template("install/home.html"), 200)


@bp.get("/lti/setup")
def setup() -> Response:
    """The set-up page; the Canvas fields (a GET form, nothing is stored) fill in the exact
    ``platform add`` command. Its script (copy buttons) comes from 'self' only."""
    typed = {name: request.args.get(field, "")[:300] for name, field in SETUP_FIELDS.items()}
    body = render_template(
        "install/setup.html",
        urls=current_tool_urls(),
        canvas=canvas_command(**typed),
        typed=typed,
        canvas_cloud={
            "issuer": CANVAS_CLOUD_ISSUER,
            "login": CANVAS_CLOUD_LOGIN_URL,
            "jwks": CANVAS_CLOUD_JWKS_URL,
        },
    )
    return _page(body, 200, script_src="'self'")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.check_database()
    except Exception:
        log.exception("health check: database unavailable")
        return jsonify(status="error", database="unavailable"), 503
    store = lti_state.get_state_store()
    if store.in_database:
        return jsonify(status="ok", database="ok"), 200
    try:
        store.check()  # logins and launches need it as much as the database
    except lti_state.StateBackendUnavailable as down:
        log.error("health check: LTI state store unavailable: %s", down)
        return jsonify(status="error", database="ok", **{store.name: "unavailable"}), 503
    return jsonify(status="ok", database="ok", **{store.name: "ok"}), 200


def _platform_from_request() -> dynreg.PlatformConfiguration:
    source = request.form if request.method == "POST" else request.args
    url = source.get("openid_configuration", "").strip()
    if not url:
        raise dynreg.DynamicRegistrationError(
            gettext(
                "This address is meant to be entered in your LMS as the tool's dynamic "
                "registration URL; the LMS then adds the openid_configuration and "
                "registration_token parameters."
            )
        )
    allow_loopback = is_loopback_host(urlsplit(current_app.config["BASE_URL"]).hostname)
    with outbound_session() as http:
        return dynreg.fetch_platform_configuration(
            url,
            http,
            allow_loopback=allow_loopback,
            allow_private=bool(current_app.config.get("REGISTRATION_ALLOW_PRIVATE")),
        )


def _invite(token: str | None, now: datetime) -> InviteRecord | None:
    """The link's invite; None on plain /lti/register, which only open registration allows."""
    if token is not None:
        return invites.usable_invite(token, now)
    if current_app.config.get("OPEN_REGISTRATION"):
        return None
    raise invites.needs_invite()


def _asking_origin() -> str:
    """The LMS's origin as its openid_configuration parameter names it, for framing the error
    page: Moodle and Canvas open registration in a frame, and a refusal the admin cannot see
    helps no one. The page has no form or link that acts, so any origin may show it."""
    source = request.form if request.method == "POST" else request.args
    origin = dynreg.origin_of(source.get("openid_configuration", "").strip())
    return origin if ORIGIN_PATTERN.match(origin) else "'none'"


def _translated(words: str | None) -> str | None:
    """A refusal class's title or hint (extracted by lti_app.i18n.extract) in the reader's
    language."""
    return gettext(words) if words else None


def _registration_error(error: dynreg.DynamicRegistrationError) -> Response:
    status = getattr(error, "status", 400)
    log.warning("dynamic registration refused (%s): %s", status, error)
    page = render_template(
        "install/register_error.html",
        message=str(error),
        title=_translated(getattr(error, "title", None)),
        hint=_translated(getattr(error, "hint", None)),
    )
    return _page(page, status, frame_ancestors=_asking_origin())


@bp.get("/lti/register", defaults={"token": None})
@bp.get("/lti/register/<token>")
def register_start(token: str | None) -> Response:
    try:
        invite = _invite(token, datetime.now(UTC))
        platform = _platform_from_request()
        invites.check_may_register(invite, platform)
    except dynreg.DynamicRegistrationError as error:
        return _registration_error(error)
    body = render_template(
        "install/register_confirm.html",
        platform=platform,
        token=token,
        invite=invite,
        openid_configuration=request.args["openid_configuration"],
        registration_token=request.args.get("registration_token", ""),
        urls=current_tool_urls(),
    )
    return _page(body, 200, frame_ancestors=platform.origin)


@bp.post("/lti/register", defaults={"token": None})
@bp.post("/lti/register/<token>")
def register_finish(token: str | None) -> Response:
    """Check the link, claim it, ask the platform, store; a refused attempt frees the link."""
    invite = None
    try:
        now = datetime.now(UTC)
        invite = _invite(token, now)
        platform = _platform_from_request()
        invites.check_may_register(invite, platform)
        if invite is not None:
            invites.claim(invite, now)
        config = current_app.config
        body = dynreg.tool_registration_request(
            current_tool_urls(),
            platform,
            title=config["TOOL_TITLE"],
            description=config["TOOL_DESCRIPTION"],
        )
        try:
            with outbound_session() as http:
                result = dynreg.register_with_platform(
                    platform, request.form.get("registration_token", ""), body, http
                )
            deployment_ids = invites.save_registration(platform, result, invite)
        except dynreg.DynamicRegistrationError:
            if invite is not None:
                invites.release(invite)
            raise
    except dynreg.DynamicRegistrationError as error:
        return _registration_error(error)
    log.info("registered platform %s client %s", platform.issuer, result.client_id)
    page = render_template(
        "install/register_done.html",
        platform=platform,
        client_id=result.client_id,
        deployment_ids=deployment_ids,
    )
    return _page(page, 200, frame_ancestors=platform.origin, inline_script=True)
