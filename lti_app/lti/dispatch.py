"""Where a validated launch goes next: a small registry feature blueprints add handlers to.

A launch's *kind* is ``deep_link`` for a deep-linking request, ``submission_review`` and
``data_privacy`` for those messages, otherwise the ``kind`` custom parameter set in the LMS
(e.g. ``kind=signup``), otherwise ``resource``. Usage from a feature package::

    from lti_app.lti.dispatch import register_launch_handler

    def open_signup(launch: Launch) -> ResponseReturnValue:
        return redirect(url_for("signups.index"))

    register_launch_handler("signup", open_signup)

Handlers receive the frozen Launch and return a response (usually a redirect); they run after
the session holds the launch, so the next request sees ``g.lti_launch``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import redirect, url_for
from flask.typing import ResponseReturnValue

from lti_app.lti import claims as c
from lti_app.lti.launch import Launch

LaunchHandler = Callable[[Launch], ResponseReturnValue]
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
CUSTOM_KIND_PARAMETER = "kind"

_MESSAGE_KINDS = {
    c.DEEP_LINKING_REQUEST: "deep_link",
    "LtiSubmissionReviewRequest": "submission_review",
    "DataPrivacyLaunchRequest": "data_privacy",
}

_handlers: dict[str, LaunchHandler] = {}


def register_launch_handler(kind: str, handler: LaunchHandler) -> None:
    """Route launches of ``kind`` to ``handler``; registering a kind twice is a bug."""
    if not KIND_PATTERN.match(kind):
        raise ValueError(f"launch kind {kind!r} must match {KIND_PATTERN.pattern}")
    existing = _handlers.get(kind)
    if existing is not None and existing is not handler:
        raise ValueError(f"a handler for launch kind {kind!r} is already registered")
    _handlers[kind] = handler


def unregister_launch_handler(kind: str) -> None:
    """For tests that register temporary handlers."""
    _handlers.pop(kind, None)


def launch_kind(launch: Launch) -> str:
    message_kind = _MESSAGE_KINDS.get(launch.message_type)
    if message_kind:
        return message_kind
    custom = launch.custom.get(CUSTOM_KIND_PARAMETER, "").strip().lower()
    return custom if KIND_PATTERN.match(custom) else "resource"


def dispatch_launch(launch: Launch) -> ResponseReturnValue:
    """Call the handler for the launch's kind, or show the landing page."""
    handler = _handlers.get(launch_kind(launch))
    if handler is not None:
        return handler(launch)
    return redirect(url_for("lti.landing"), code=303)
