"""The sign-up forms (Flask-WTF: each carries its CSRF token).

Forms only parse what was typed into values; whether a session may be saved is the domain's
``check_plan`` (and ``recurrence.expand``), whose :class:`Problem` ``field`` names the field
here, so each message is shown next to what it is about (:func:`attach_problems`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import request
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from lti_app.domain.signups.booking import Intent
from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.recurrence import EditScope, Repeat
from lti_app.i18n import lazy_gettext
from lti_app.web import form_problems
from lti_app.web.base_form import Form as Form  # the base every form here extends
from lti_app.web.signups.words import problem_text

WALL_TIME = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">

COMMON_ZONES = (
    "UTC",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Brussels",
    "Europe/Dublin",
    "Europe/Helsinki",
    "Europe/Lisbon",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Vienna",
    "Europe/Warsaw",
    "Europe/Zurich",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)

NO_REPEAT = ""
RRULE_CHOICE = "rrule"
REPEAT_CHOICES = [
    SelectChoice(NO_REPEAT, lazy_gettext("Does not repeat")),
    SelectChoice(Repeat.WEEKLY.value, lazy_gettext("Every week")),
    SelectChoice(Repeat.FORTNIGHTLY.value, lazy_gettext("Every two weeks")),
    SelectChoice(Repeat.MONTHLY.value, lazy_gettext("Every month (same day of the month)")),
    SelectChoice(RRULE_CHOICE, lazy_gettext("Custom rule (RRULE)")),
]
INTENT_CHOICES = [
    SelectChoice(Intent.CASE_BRINGER.value, lazy_gettext("Case-bringer (I bring a case)")),
    SelectChoice(Intent.CONSULTANT.value, lazy_gettext("Consultant (I help with someone's case)")),
]
THIS_ONLY = "this"
APPLY_CHOICES = [
    SelectChoice(THIS_ONLY, lazy_gettext("This session only")),
    SelectChoice(
        EditScope.THIS_AND_FOLLOWING.value,
        lazy_gettext("This session and the following ones in the series"),
    ),
    SelectChoice(EditScope.SERIES.value, lazy_gettext("Every session of the series")),
]
# Problems about these fields are shown next to another one.
FIELD_ALIASES = {"first_start": "starts_at", "repeat": "repeat", "count": "count"}

_OPTIONAL = [Optional()]
_REASON = [
    InputRequired(lazy_gettext("Say why, so the log shows it: a reason is required.")),
    Length(max=500),
]


def zone_choices(*extra: str) -> list[SelectChoice]:
    names = list(dict.fromkeys([*(z for z in extra if z), *COMMON_ZONES]))
    return [SelectChoice(name, name.replace("_", " ")) for name in names]


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """WTForms' choice objects (its tuple shorthand is deprecated)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


OPEN_TO_ALL = ""  # a session that belongs to no stable group


class SessionForm(Form):
    """One session as an instructor plans it; times are wall times in ``timezone``."""

    title = StringField(lazy_gettext("Title"), validators=[Length(max=200)])
    method = SelectField(
        lazy_gettext("Method"),
        choices=[SelectChoice("", lazy_gettext("No particular method"))],
        validate_choice=False,
    )
    starts_at = DateTimeLocalField(lazy_gettext("Starts"), format=WALL_TIME, validators=_OPTIONAL)
    timezone = SelectField(lazy_gettext("Time zone of these times"), validate_choice=False)
    duration = IntegerField(lazy_gettext("Duration (minutes)"), default=90, validators=_OPTIONAL)
    place = StringField(lazy_gettext("Place"), validators=[Length(max=300)])
    online_url = URLField(lazy_gettext("Online meeting link"), validators=[Length(max=2000)])
    seats_max = IntegerField(lazy_gettext("Seats"), default=8, validators=_OPTIONAL)
    seats_min = IntegerField(lazy_gettext("Minimum size"), default=0, validators=_OPTIONAL)
    case_bringer_places = IntegerField(
        lazy_gettext("Case-bringer places"), default=1, validators=_OPTIONAL
    )
    signup_opens_at = DateTimeLocalField(
        lazy_gettext("Sign-up opens"), format=WALL_TIME, validators=_OPTIONAL
    )
    signup_closes_at = DateTimeLocalField(
        lazy_gettext("Sign-up closes"), format=WALL_TIME, validators=_OPTIONAL
    )
    cancel_deadline = DateTimeLocalField(
        lazy_gettext("Cancellation deadline"), format=WALL_TIME, validators=_OPTIONAL
    )
    # A stable group's session takes its members only; choices are the sheet's groups, so a
    # forged id is refused by the form ("Not a valid choice"), never stored.
    group = SelectField(lazy_gettext("Group"), default=OPEN_TO_ALL)


class NewSessionForm(SessionForm):
    repeat = SelectField(lazy_gettext("Repeat"), choices=REPEAT_CHOICES, default=NO_REPEAT)
    rrule = StringField(lazy_gettext("Custom rule"), validators=[Length(max=500)])
    count = IntegerField(lazy_gettext("Number of sessions"), validators=_OPTIONAL)
    until = DateField(lazy_gettext("Last date"), validators=_OPTIONAL)


class EditSessionForm(SessionForm):
    version = HiddenField(validators=[InputRequired()])
    apply_to = RadioField(
        lazy_gettext("Apply the change to"), choices=APPLY_CHOICES, default=THIS_ONLY
    )
    reason = StringField(
        lazy_gettext("Reason for a change of seats (shown in the log)"), validators=_OPTIONAL
    )


def posted_field(name: str) -> str | None:
    """One field of a book or leave post, or None when it is missing or empty.

    Those two buttons post hidden fields only, on every sign-up: read straight from the form,
    not through a WTForms class, whose building and binding was a twentieth of a sign-up's
    work under load (docs/testing.md, "sixth pass"). Their CSRF token is checked all the same,
    by ``CSRFProtect`` on every POST before the view runs."""
    value = request.form.get(name)
    return value or None


# Several forms share one page: their prefixes keep field names and ids apart.
CANCEL_PREFIX, MOVE_PREFIX, OVERRIDE_PREFIX, ROLES_PREFIX = "cancel", "move", "override", "roles"
FAIR = ""  # a role left to the fair rotation


class RolesForm(Form):
    """Moderator and timekeeper: a chosen person, or whoever is next in the fair rotation."""

    moderator = SelectField(lazy_gettext("Moderator"), validate_choice=False)
    timekeeper = SelectField(lazy_gettext("Timekeeper"), validate_choice=False)


class CancelSessionForm(Form):
    reason = TextAreaField(
        lazy_gettext("Reason (shown to participants and in the log)"), validators=_REASON
    )
    whole_series = BooleanField(
        lazy_gettext("Cancel every session of the series that has not started")
    )


class AttendanceForm(Form):
    user_id = HiddenField(validators=[InputRequired()])
    attended = HiddenField(validators=[InputRequired()])


class RemoveForm(Form):
    user_id = HiddenField(validators=[InputRequired()])
    reason = StringField(lazy_gettext("Reason"), validators=_REASON)


class MoveForm(Form):
    user_id = SelectField(lazy_gettext("Person"), coerce=int, validate_choice=False)
    to_session = SelectField(lazy_gettext("Move to"), coerce=int, validate_choice=False)
    reason = StringField(lazy_gettext("Reason"), validators=_REASON)
    beyond_capacity = BooleanField(lazy_gettext("Give a seat even if that session is full"))


class OverrideForm(Form):
    user_id = SelectField(lazy_gettext("Person"), coerce=int, validate_choice=False)
    intent = SelectField(lazy_gettext("Role"), choices=INTENT_CHOICES)
    reason = StringField(lazy_gettext("Reason"), validators=_REASON)


def attach_problems(form: Form, problems: Iterable[Problem]) -> list[str]:
    """Put each problem's message on its field; what names no field is returned for the top.
    Messages the catalogue knows (marked where they are made) are shown in the reader's
    language; the rest as they came."""
    shown = [Problem(p.field, problem_text(p.message)) for p in problems]
    return form_problems.attach_problems(form, shown, FIELD_ALIASES)


def field_names(form: Form) -> Sequence[str]:
    return [name for name in form._fields if name != "csrf_token"]  # noqa: SLF001


def request_back() -> str | None:
    """Where a small form posted from: ``sheet`` or ``session`` (nothing else is followed)."""
    value = request.form.get("back")
    return value if value in ("sheet", "session") else None
