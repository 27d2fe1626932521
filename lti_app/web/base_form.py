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
