"""Putting a domain check's :class:`Problem` messages on the form fields they are about."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm

from lti_app.domain.signups.problems import Problem


def attach_problems(
    form: FlaskForm, problems: Iterable[Problem], aliases: Mapping[str, str]
) -> list[str]:
    """Put each problem's message on its field; what names no field is returned for the top.

    ``aliases`` maps a problem's ``field`` to the form field's name where the two differ.
    """
    general: list[str] = []
    for problem in problems:
        name = aliases.get(problem.field, problem.field)
        field = form._fields.get(name)  # noqa: SLF001 (WTForms' public field mapping)
        if field is None or name == "csrf_token":
            general.append(problem.message)
            continue
        errors = list(field.errors) if field.errors else []
        if problem.message not in errors:
            errors.append(problem.message)
        field.errors = errors
    return general
