"""The tool in English, Dutch and German: Flask-Babel wired to per-area catalogues.

``init_app`` installs Flask-Babel with the locale chosen per request (``selection``), the
catalogues read from ``.po`` files (``catalogues``), Jinja's ``{% trans %}`` with trimmed
whitespace, ``html_lang`` for ``<html lang>``, and the formatting filters (``formatting``).
Code imports ``gettext``/``lazy_gettext``/``ngettext`` from here; out of a request (the worker,
e-mails) wrap the work in ``with use_locale(person_locale):``. See docs/translating.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from babel import Locale
from flask import Flask, g, has_app_context
from flask_babel import Babel, Domain, force_locale, get_locale
from flask_babel.speaklater import LazyString

from lti_app.i18n import catalogues, formatting
from lti_app.i18n.locales import SUPPORTED, html_lang, normalise
from lti_app.i18n.selection import select_locale

__all__ = [
    "SUPPORTED",
    "gettext",
    "init_app",
    "lazy_gettext",
    "lazy_ngettext",
    "locale_now",
    "ngettext",
    "pgettext",
    "use_locale",
]


def gettext(string: str, **variables: Any) -> str:
    """The message in the current language, ``%(name)s`` filled from ``variables``.

    What ``flask_babel.gettext`` does (the same catalogue, the same locale, the same
    formatting), without its second look-up of the request's context: every flashed message,
    form message and page word comes through here or :func:`_translations`."""
    text: str = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Singular or plural by ``num`` (as the language counts), ``%(num)d`` available."""
    variables.setdefault("num", num)
    text: str = _translations().ungettext(singular, plural, num)
    return text % variables


def pgettext(context: str, string: str, **variables: Any) -> str:
    """Like ``gettext``, for a msgid that means different things in different places."""
    text: str = _translations().upgettext(context, string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """``gettext`` when the text is used, for words defined at import (labels, choices)."""
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> LazyString:
    return LazyString(ngettext, singular, plural, num, **variables)


def _translations() -> Any:
    return catalogues.translations_for(locale_now())


class AreaDomain(Domain):  # type: ignore[misc]
    """Flask-Babel's domain, reading the merged per-area ``.po`` catalogues (no ``.mo``)."""

    def get_translations(self) -> Any:
        return catalogues.translations_for(locale_now())


class ToolBabel(Babel):  # type: ignore[misc]
    @property
    def domain_instance(self) -> Domain:
        return _DOMAIN


_DOMAIN = AreaDomain()


def locale_now() -> str:
    """The locale in force (request, ``use_locale`` block, else the app default).

    The locale Flask-Babel keeps for the request (``force_locale`` sets the same attribute)
    is read with one look-up of ``g``; ``get_locale`` (three) only chooses it the first time."""
    if not has_app_context():
        return "en"
    kept = getattr(g, _BABEL_CONTEXT, None)
    found = getattr(kept, _BABEL_LOCALE, None) if kept is not None else None
    if found is None:
        found = get_locale()
    return _identifier(found) if found is not None else "en"


# Where Flask-Babel 4 keeps the request's choice (``flask_babel._get_current_context``);
# tests/lti_app/i18n/test_locale_lookup.py fails if a new version moves it.
_BABEL_CONTEXT = "_flask_babel"
_BABEL_LOCALE = "babel_locale"


@lru_cache(maxsize=64)
def _identifier(locale: Locale) -> str:
    """``str(locale)``, kept: Babel builds it anew each time, and every message asks for it
    (half the cost of a ``gettext`` call; a round page makes thousands)."""
    return str(locale)


@contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Translate and format in ``locale`` inside the block (an e-mail to one person, a worker
    job). Unsupported or empty tags fall back to the app default. Needs an app context."""
    from flask import current_app

    chosen = normalise(locale) or normalise(current_app.config.get("INTERVISION_DEFAULT_LOCALE"))
    with force_locale(chosen or "en"):
        yield chosen or "en"


def _template_helpers() -> dict[str, Any]:
    from lti_app.i18n import words

    return {
        "html_lang": html_lang(locale_now()),
        "current_locale": locale_now,
        "role_label": words.role_label,
        "kind_plural": words.kind_plural,
    }


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "INTERVISION_DEFAULT_LOCALE", os.environ.get("INTERVISION_DEFAULT_LOCALE", "en")
    )
    app.config.setdefault("INTERVISION_PSEUDO_LOCALE", False)
    if normalise(app.config["INTERVISION_DEFAULT_LOCALE"]) is None:
        raise ValueError(
            f"INTERVISION_DEFAULT_LOCALE={app.config['INTERVISION_DEFAULT_LOCALE']!r} is not one "
            f"of the tool's languages ({', '.join(SUPPORTED)}); set it to one of them."
        )
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    ToolBabel(app, locale_selector=select_locale, default_locale="en")
    # Flask-Babel's own callables find the domain, then the locale, for each of a page's
    # words (a round page has thousands); these go to the same catalogue in one step.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.context_processor(_template_helpers)
    app.jinja_env.filters.update(
        instant=formatting.format_instant,
        day=formatting.format_day,
        duration=formatting.format_duration,
        number=formatting.format_number,
    )
