"""Where a validated launch goes next: a per-app registry that feature blueprints fill.

A launch's *kind* is ``deep_link`` for a deep-linking request, ``submission_review`` and
``data_privacy`` for those messages, otherwise the ``kind`` custom parameter set in the LMS
(e.g. ``kind=signup``), otherwise ``resource``. Each feature registers its handlers in its
``init_app``, next to its blueprint::

    from lti_app.lti.dispatch import register_launch_handler

    def open_signup(launch: Launch) -> ResponseReturnValue:
        return redirect(url_for("signups.index"))

    def init_app(app: Flask) -> None:
        app.register_blueprint(bp)
        register_launch_handler(app, "signup", open_signup)

The registry lives on ``app.extensions["intervision.launch_handlers"]``, so two apps in one
process (tests, the demo) never share handlers and nothing depends on import order. Registering
a kind twice in one app is a bug and raises. A *fallback* (``register_fallback_handler``, used by
the "coming soon" placeholder) serves a kind only while no feature registers it, whether that
feature's ``init_app`` runs before or after it.

Handlers receive the frozen Launch and return a response (usually a redirect); they run after
the session holds the launch, so the next request sees ``g.lti_launch``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from flask import Flask, current_app, redirect, url_for
from flask.typing import ResponseReturnValue

from lti_app.lti import claims as c
from lti_app.lti.launch import Launch

LaunchHandler = Callable[[Launch], ResponseReturnValue]
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
EXTENSION = "intervision.launch_handlers"

_MESSAGE_KINDS = {
    c.DEEP_LINKING_REQUEST: "deep_link",
    "LtiSubmissionReviewRequest": "submission_review",
    "DataPrivacyLaunchRequest": "data_privacy",
}


class LaunchHandlers:
    """One app's handlers by kind; a feature's own handler always beats a fallback."""

    def __init__(self) -> None:
        self._handlers: dict[str, LaunchHandler] = {}
        self._fallbacks: dict[str, LaunchHandler] = {}

    def register(self, kind: str, handler: LaunchHandler) -> None:
        _check_kind(kind)
        existing = self._handlers.get(kind)
        if existing is not None and existing is not handler:
            raise ValueError(f"a handler for launch kind {kind!r} is already registered")
        self._handlers[kind] = handler

    def register_fallback(self, kind: str, handler: LaunchHandler) -> None:
        _check_kind(kind)
        existing = self._fallbacks.get(kind)
        if existing is not None and existing is not handler:
            raise ValueError(f"a fallback for launch kind {kind!r} is already registered")
        self._fallbacks[kind] = handler

    def get(self, kind: str) -> LaunchHandler | None:
        return self._handlers.get(kind) or self._fallbacks.get(kind)

    def has_feature(self, kind: str) -> bool:
        """A feature (not a fallback placeholder) opens ``kind``."""
        return kind in self._handlers


def _check_kind(kind: str) -> None:
    if not KIND_PATTERN.match(kind):
        raise ValueError(f"launch kind {kind!r} must match {KIND_PATTERN.pattern}")


def _registry(app: Flask) -> LaunchHandlers:
    handlers: LaunchHandlers = app.extensions.setdefault(EXTENSION, LaunchHandlers())
    return handlers


def register_launch_handler(app: Flask, kind: str, handler: LaunchHandler) -> None:
    """Route ``app``'s launches of ``kind`` to ``handler``; registering a kind twice is a bug."""
    _registry(app).register(kind, handler)


def register_fallback_handler(app: Flask, kinds: Iterable[str], handler: LaunchHandler) -> None:
    """Serve ``kinds`` with ``handler`` only as long as no feature registers them."""
    registry = _registry(app)
    for kind in kinds:
        registry.register_fallback(kind, handler)


def launch_handler(app: Flask, kind: str) -> LaunchHandler | None:
    """The handler ``app`` runs for ``kind``: the feature's, else the fallback, else None."""
    registry: LaunchHandlers | None = app.extensions.get(EXTENSION)
    return registry.get(kind) if registry is not None else None


def feature_opens(app: Flask, kind: str) -> bool:
    """Whether this installation has the screens for ``kind``: only then may an instructor
    place it (a placeholder link, and a gradebook column nobody can earn, help no one)."""
    registry: LaunchHandlers | None = app.extensions.get(EXTENSION)
    return registry is not None and registry.has_feature(kind)


def launch_kind(launch: Launch) -> str:
    message_kind = _MESSAGE_KINDS.get(launch.message_type)
    if message_kind:
        return message_kind
    custom = launch.custom.get(c.CUSTOM_KIND, "").strip().lower()
    return custom if KIND_PATTERN.match(custom) else "resource"


def dispatch_launch(launch: Launch) -> ResponseReturnValue:
    """Call the current app's handler for the launch's kind, or show the landing page."""
    handler = launch_handler(current_app, launch_kind(launch))
    if handler is not None:
        return handler(launch)
    return redirect(url_for("lti.landing"), code=303)
