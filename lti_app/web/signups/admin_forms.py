"""Forms of the instructor's sheet pages: stable groups, rotation, sheet settings (Flask-WTF:
each carries its CSRF token). Kept apart from ``forms`` (the session forms), as parsing only:
the rules are the domain's, whose :class:`Problem` ``field`` names a field here."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from lti_app.i18n import lazy_gettext
from lti_app.web.signups.forms import OPEN_TO_ALL as OPEN_TO_ALL
from lti_app.web.signups.forms import Form

MOVE_PREFIX, ASSIGN_PREFIX = "move", "assign"

_SIZE = [InputRequired(lazy_gettext("Give a number of people.")), NumberRange(min=1, max=500)]


class FormGroupsForm(Form):
    size_min = IntegerField(lazy_gettext("Smallest group"), default=4, validators=_SIZE)
    size_max = IntegerField(lazy_gettext("Largest group"), default=6, validators=_SIZE)
    mix = BooleanField(lazy_gettext("Mix people at random (else in the roster's order)"))


class MoveMemberForm(Form):
    user_id = SelectField(lazy_gettext("Person"), coerce=int, validate_choice=False)
    to_group = SelectField(lazy_gettext("Move to group"), coerce=int, validate_choice=False)
    size_min = IntegerField(lazy_gettext("Smallest group allowed"), validators=_SIZE)
    size_max = IntegerField(lazy_gettext("Largest group allowed"), validators=_SIZE)


class AssignGroupForm(Form):
    session_id = SelectField(lazy_gettext("Session"), coerce=int, validate_choice=False)
    group_id = SelectField(lazy_gettext("Group"), validate_choice=False)


class RotateForm(Form):
    """The button only: its CSRF token."""


class SettingsForm(Form):
    timezone = SelectField(lazy_gettext("Default time zone of the sheet"), validate_choice=False)
    cancel_under_minimum = BooleanField(
        lazy_gettext("Cancel sessions still under their minimum size at their deadline")
    )
