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
from lti_app.i18n import gettext, lazy_gettext
from lti_app.lti import log_safe
from lti_app.lti.errors import LaunchError

log = logging.getLogger(__name__)


def new_reference() -> str:
    """Short enough to read out over the phone, random enough to find one log line."""
    return "E-" + secrets.token_hex(4).upper()


HTTP_WORDS = {
    400: (lazy_gettext("The request could not be understood"),
          lazy_gettext("The request could not be completed.")),
    401: (lazy_gettext("Please open this page from your course"),
          lazy_gettext("This page needs a launch from your learning platform.")),
    403: (lazy_gettext("Not allowed"), lazy_gettext("You may not open this page.")),
    404: (lazy_gettext("Page not found"), lazy_gettext("There is no page at this address.")),
    405: (lazy_gettext("This action is not possible here"),
          lazy_gettext("This page cannot be used that way. Go back and use the page's own "
                       "buttons and links.")),
    413: (lazy_gettext("Too much data"),
          lazy_gettext("What was sent is larger than this tool accepts.")),
    429: (lazy_gettext("Too many requests"),
          lazy_gettext("Please wait a minute, then try again.")),
}  # fmt: skip
"""Our words per HTTP status; Werkzeug's own (English) names and descriptions never show."""


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
    return render_error(error.status, gettext(error.title), gettext(error.message), reference)


def handle_http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    if error.code is None or error.code < 400:
        return error
    reference = new_reference()
    log.info("http %d ref=%s path=%s", error.code, reference, log_safe.text(request.path, 200))
    title, default = HTTP_WORDS.get(error.code, (error.name, HTTP_WORDS[400][1]))
    own = error.description and error.description != type(error).description
    message = gettext(str(error.description)) if own else str(default)
    return render_error(error.code, str(title), message, reference)


def handle_unexpected_error(error: Exception) -> tuple[str, int]:
    reference = new_reference()
    log.error(
        "unhandled ref=%s path=%s", reference, log_safe.text(request.path, 200), exc_info=error
    )
    return render_error(
        500,
        gettext("Something went wrong on our side"),
        gettext(
            "The tool hit an unexpected problem. Please try again; if it persists, give the "
            "reference below to your support desk."
        ),
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
            gettext("The address contains a NUL character, which no page of this tool accepts.")
        )
    if request.method in ("POST", "PUT", "PATCH") and _has_nul(request.form):
        raise BadRequest(gettext("The form contains a NUL character, which no page here accepts."))


def init_app(app: Flask) -> None:
    log_safe.install()
    app.before_request(refuse_nul_bytes)
    app.register_error_handler(IntervisionError, handle_app_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
