"""Friendly error pages with a reference id, for people inside an LMS iframe.

The page says what happened and gives a short reference; the log line with the same reference
holds the detail (never request bodies, tokens or personal data). No stack trace reaches a user
and no bad request becomes a 500. Every ``IntervisionError`` (LTI launch refusals, a missing
catalogue, a feature's own refusals) is mapped here, once. Log fields a visitor or platform
chose (path, detail) are escaped and bounded (``lti.log_safe``; installed here for every
``lti_app`` logger).
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, HTTPException

from lti_app.domain.errors import IntervisionError
from lti_app.lti import log_safe
from lti_app.lti.errors import LaunchError

log = logging.getLogger(__name__)


def new_reference() -> str:
    """Short enough to read out over the phone, random enough to find one log line."""
    return "E-" + secrets.token_hex(4).upper()


def render_error(status: int, title: str, message: str, reference: str) -> tuple[str, int]:
    return (
        render_template(
            "errors/error.html", status=status, title=title, message=message, reference=reference
        ),
        status,
    )


def handle_app_error(error: IntervisionError) -> tuple[str, int]:
    """Every refusal the tool raises on purpose: its class says status and words."""
    reference = new_reference()
    log.log(
        logging.ERROR if error.status >= 500 else logging.WARNING,
        "%s ref=%s reason=%s status=%d path=%s detail=%s",
        "lti refused" if isinstance(error, LaunchError) else "refused",
        reference,
        type(error).__name__,
        error.status,
        log_safe.text(request.path, 200),
        log_safe.text(error.detail),
    )
    return render_error(error.status, error.title, error.message, reference)


def handle_http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    if error.code is None or error.code < 400:
        return error
    reference = new_reference()
    log.info("http %d ref=%s path=%s", error.code, reference, log_safe.text(request.path, 200))
    title = error.name
    message = error.description or "The request could not be completed."
    return render_error(error.code, title, message, reference)


def handle_unexpected_error(error: Exception) -> tuple[str, int]:
    reference = new_reference()
    log.error(
        "unhandled ref=%s path=%s", reference, log_safe.text(request.path, 200), exc_info=error
    )
    return render_error(
        500,
        "Something went wrong on our side",
        "The tool hit an unexpected problem. Please try again; if it persists, give the "
        "reference below to your support desk.",
        reference,
    )


def _has_nul(fields: MultiDict[str, str]) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in fields.items(multi=True))


def refuse_nul_bytes() -> None:
    """before_request: a NUL character is never part of a legitimate path, query or form, and
    further in it is an error of its own (``os`` refuses it in file names, PostgreSQL in
    text): one 400 page here, before any view or query sees it."""
    if "\x00" in request.path or _has_nul(request.args):
        raise BadRequest(
            "The address contains a NUL character, which no page of this tool accepts."
        )
    if request.method in ("POST", "PUT", "PATCH") and _has_nul(request.form):
        raise BadRequest("The form contains a NUL character, which no page here accepts.")


def init_app(app: Flask) -> None:
    log_safe.install()
    app.before_request(refuse_nul_bytes)
    app.register_error_handler(IntervisionError, handle_app_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
