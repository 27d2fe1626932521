"""The one base of the tool's forms: Flask-WTF's form (a CSRF token on every form) with
WTForms' own messages from a per-process catalogue (``lti_app.i18n.wtforms_messages``)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from lti_app.i18n.wtforms_messages import WTFORMS_MESSAGES


class Form(FlaskForm):  # type: ignore[misc]  # Flask-WTF and WTForms ship no type hints
    """Flask-WTF's form: every subclass carries and checks a CSRF token."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return WTFORMS_MESSAGES


class TokenCheckedForm(Form):  # type: ignore[misc]
    """A small form posted on every sign-up (book, leave): its page writes the token with
    ``csrf_token()`` and ``CSRFProtect`` checks it on every POST before the view runs, so
    the form does not check it a second time (that second check, a fresh token and a signed
    session read, was a tenth of a sign-up's work). A post without a valid token is refused
    with the 400 page all the same."""

    class Meta:  # WTForms merges it with the bases' Meta (the catalogue above stays)
        csrf = False
