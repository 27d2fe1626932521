"""Installation endpoints: key set, Canvas JSON, setup page, dynamic registration, health.

Admin-facing pages refuse to be framed (``frame-ancestors 'none'``), except the registration
page, which Moodle and Canvas open in an iframe: it may be framed by that platform's origin only.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from lti_app.config import is_loopback_host
from lti_app.lti import dynamic_registration as dynreg
from lti_app.lti import keys
from lti_app.lti.canvas_config import canvas_developer_key
from lti_app.lti.headers import content_security_policy, csp_nonce
from lti_app.lti.http import outbound_session
from lti_app.lti.tool_urls import current_tool_urls
from lti_app.storage import db, lti_state

bp = Blueprint("install", __name__, template_folder="templates")
log = logging.getLogger(__name__)


def _page(
    body: str, status: int, frame_ancestors: str = "'none'", *, inline_script: bool = False
) -> Response:
    """An HTML response with a strict CSP: no script, or inline script only with the
    response's nonce (``csp_nonce()`` in the template); styles and images from 'self' only."""
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = content_security_policy(
        frame_ancestors,
        script_src=f"'nonce-{csp_nonce()}'" if inline_script else "'none'",
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


@bp.get("/lti/setup")
def setup() -> Response:
    return _page(render_template("install/setup.html", urls=current_tool_urls()), 200)


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
            "this address is meant to be entered in your LMS as the tool's dynamic registration "
            "URL; the LMS then adds the openid_configuration and registration_token parameters."
        )
    allow_loopback = is_loopback_host(urlsplit(current_app.config["BASE_URL"]).hostname)
    with outbound_session() as http:
        return dynreg.fetch_platform_configuration(
            url,
            http,
            allow_loopback=allow_loopback,
            allow_private=bool(current_app.config.get("REGISTRATION_ALLOW_PRIVATE")),
        )


def _registration_error(error: dynreg.DynamicRegistrationError) -> Response:
    log.warning("dynamic registration failed: %s", error)
    return _page(render_template("install/register_error.html", message=str(error)), 400)


@bp.get("/lti/register")
def register_start() -> Response:
    try:
        platform = _platform_from_request()
    except dynreg.DynamicRegistrationError as error:
        return _registration_error(error)
    body = render_template(
        "install/register_confirm.html",
        platform=platform,
        openid_configuration=request.args["openid_configuration"],
        registration_token=request.args.get("registration_token", ""),
        urls=current_tool_urls(),
    )
    return _page(body, 200, frame_ancestors=platform.origin)


@bp.post("/lti/register")
def register_finish() -> Response:
    try:
        platform = _platform_from_request()
        config = current_app.config
        body = dynreg.tool_registration_request(
            current_tool_urls(),
            platform,
            title=config["TOOL_TITLE"],
            description=config["TOOL_DESCRIPTION"],
        )
        with outbound_session() as http:
            result = dynreg.register_with_platform(
                platform, request.form.get("registration_token", ""), body, http
            )
        deployment_ids = dynreg.save_registration(platform, result)
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
