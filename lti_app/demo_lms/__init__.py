"""A small LTI 1.3 platform for trying the tool without Moodle: `intervision demo` runs it.

Built on the lti1p3platform library (the same one the end-to-end tests use), so what the tool
meets here is a third party's idea of LTI, not our own echo. See docs/demo.md.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from lti_app.demo_lms.context import EXTENSION_KEY, DemoLms
from lti_app.demo_lms.keys import load_or_create_platform_key
from lti_app.demo_lms.settings import DemoLmsSettings
from lti_app.demo_lms.store import JsonStore

logger = logging.getLogger(__name__)

SESSION_COOKIE_NAME = "intervision_demo_lms_session"  # not "session": the tool shares the host


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def create_demo_lms(settings: DemoLmsSettings, secret_key: str | None = None) -> Flask:
    """The demo LMS app; its issuer, client id and deployment id come from ``settings``."""
    from lti_app.demo_lms import auth_views, course_views, deep_link_views, service_views

    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_urlsafe(32),
        SESSION_COOKIE_NAME=SESSION_COOKIE_NAME,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # a course page may stay open for hours
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    app.extensions[EXTENSION_KEY] = DemoLms(
        settings=settings,
        platform_key=load_or_create_platform_key(settings.key_file),
        store=JsonStore(settings.store_file),
    )
    csrf = CSRFProtect(app)
    # Requests from the tool carry a signed JWT or a bearer token instead of a CSRF token.
    for blueprint in (auth_views.bp, deep_link_views.bp, service_views.bp):
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
    app.register_blueprint(course_views.bp)
    _install_security_headers(app, _origin(settings.tool_base_url))
    _install_error_pages(app)
    return app


def _install_security_headers(app: Flask, tool_origin: str) -> None:
    policy = (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        f"frame-src 'self' {tool_origin}; form-action 'self' {tool_origin}; "
        "frame-ancestors 'self'"
    )

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/courseware/"):  # the static site brings its own
            response.headers.setdefault("Content-Security-Policy", policy)
        return response


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/token"))


def _install_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> ResponseReturnValue:
        return render_template(
            "message.html",
            title="The form has expired",
            message="Reload the course page and press the button again.",
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        if _wants_json():
            return {"error": error.name, "error_description": error.description}, status
        return render_template("message.html", title=error.name, message=error.description), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        reference = secrets.token_hex(4)
        logger.exception("demo LMS error (reference %s)", reference)
        if _wants_json():
            return {"error": "server_error", "reference": reference}, 500
        return render_template(
            "message.html",
            title="Something went wrong in the demo LMS",
            message=f"The details are in the terminal log under reference {reference}.",
        ), 500
