"""Choosing a request's language: the launch, then the browser, then the course default, then
English. Pure (``choose_locale``) plus the Flask-Babel selector that feeds it."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, g, has_request_context, request

from lti_app.i18n.locales import SUPPORTED, normalise


def choose_locale(
    launch_locale: str | None,
    accepted: Iterable[str],
    default: str | None,
    supported: tuple[str, ...] = SUPPORTED,
) -> str:
    """The first supported of: the launch's locale, the browser's languages in the order of
    preference given, the configured default; else ``en``."""
    chosen = normalise(launch_locale, supported)
    if chosen:
        return chosen
    for tag in accepted:
        chosen = normalise(tag, supported)
        if chosen:
            return chosen
    return normalise(default, supported) or "en"


def supported_locales() -> tuple[str, ...]:
    """The app's locales: the three languages, plus the pseudo-locale when tests enable it."""
    from lti_app.i18n.locales import PSEUDO

    if current_app.config.get("INTERVISION_PSEUDO_LOCALE"):
        return (*SUPPORTED, PSEUDO)
    return SUPPORTED


def select_locale() -> str:
    """Flask-Babel's locale selector for the current request (or app context: the default)."""
    default = current_app.config.get("INTERVISION_DEFAULT_LOCALE", "en")
    if not has_request_context():
        return normalise(default) or "en"
    launch = g.get("lti_launch")
    launch_locale = getattr(launch, "locale", None) if launch is not None else None
    accepted = [tag for tag, _quality in request.accept_languages]
    return choose_locale(launch_locale, accepted, default, supported_locales())
