"""The exercise forms (Flask-WTF: each carries its CSRF token).

Forms only parse what was typed into values; whether it may be saved is the domain's
(``check_settings``, ``adapt``, ``check_post``), whose :class:`Problem` or :class:`Refused` is
shown on the form. Every posting form carries a hidden ``client_token`` made when the page was
rendered: the service stores it with the post, so the same form sent twice posts once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from lti_app.domain.exercises.settings import (
    RETENTION_DAYS_DEFAULT,
    Anonymity,
    CaseAccess,
    GroupSource,
    Mode,
)
from lti_app.domain.exercises.validation import (
    ANONYMISATION_CHECKLIST,
    RATING_TAGS,
    Mark,
)
from lti_app.domain.signups.problems import Problem
from lti_app.i18n import lazy_gettext
from lti_app.web import form_problems
from lti_app.web.base_form import Form as Form  # the base every form here extends
from lti_app.web.exercises.words import problem_text

WALL_TIME = "%Y-%m-%dT%H:%M"
TOKEN_BYTES = 16
TOKEN_MAX = 64
ID_MAX = 2**31 - 1  # a database integer id; beyond it no row exists (and no query is run)

MODE_CHOICES = [
    SelectChoice(Mode.ASYNC.value, lazy_gettext("Asynchronous: a deadline per phase")),
    SelectChoice(
        Mode.LIVE.value, lazy_gettext("Live: a shared phase timer the moderator moves on")
    ),
    SelectChoice(
        Mode.HYBRID.value, lazy_gettext("Hybrid: deadlines, and the moderator may move on early")
    ),
]
GROUP_SOURCE_CHOICES = [
    SelectChoice(GroupSource.SELF_FORMED.value, lazy_gettext("Learners form groups themselves")),
    SelectChoice(GroupSource.SESSION.value, lazy_gettext("The groups of a sign-up session")),
    SelectChoice(GroupSource.STABLE_GROUP.value, lazy_gettext("A stable group")),
]
ANONYMITY_CHOICES = [
    SelectChoice(Anonymity.NAMED.value, lazy_gettext("Named: members see each other's names")),
    SelectChoice(
        Anonymity.PSEUDONYMOUS.value, lazy_gettext("Pseudonymous: members see stable pseudonyms")
    ),
]
CASE_ACCESS_CHOICES = [
    SelectChoice(CaseAccess.NEVER.value, lazy_gettext("Never: instructors see the process only")),
    SelectChoice(CaseAccess.WITH_CONSENT.value, lazy_gettext("With the case-bringer's consent")),
    SelectChoice(
        CaseAccess.ALWAYS_ANNOUNCED.value,
        lazy_gettext("Always, announced to the course before learners open the exercise"),
    ),
]
CHECKLIST_LABELS = {
    "no-names": lazy_gettext("I used no real names (pseudonyms instead)."),
    "no-identifying-details": lazy_gettext("Nothing identifies a person or an organisation."),
    "no-third-party-secrets": lazy_gettext("Nothing here was told to me in confidence by others."),
    "own-part": lazy_gettext("The case is about my own part in the situation."),
}
TAG_LABELS = {
    "new-perspective": lazy_gettext("New perspective"),
    "actionable": lazy_gettext("Actionable"),
    "recognisable": lazy_gettext("Recognisable"),
    "clarifying": lazy_gettext("Clarifying"),
    "encouraging": lazy_gettext("Encouraging"),
}
MARK_CHOICES = [
    SelectChoice(Mark.WARM.value, lazy_gettext("Warm")),
    SelectChoice(Mark.NEUTRAL.value, lazy_gettext("Neutral")),
    SelectChoice(Mark.COLD.value, lazy_gettext("Cold")),
]
SCORE_CHOICES = [SelectChoice(str(n), str(n)) for n in range(1, 6)]
FIELD_ALIASES = {
    "method": "method_slug",
    "session": "session_id",
    "group": "group_id",
    "size": "size_min",
}

_OPTIONAL = [Optional()]
_REASON = [
    InputRequired(lazy_gettext("Say why, so the log shows it: a reason is required.")),
    Length(max=500),
]


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class SettingsForm(Form):
    method_slug = SelectField(lazy_gettext("Method"), validate_choice=False)
    mode = SelectField(lazy_gettext("Mode"), choices=MODE_CHOICES, default=Mode.ASYNC.value)
    group_source = SelectField(
        lazy_gettext("Groups"), choices=GROUP_SOURCE_CHOICES, default=GroupSource.SELF_FORMED.value
    )
    session_id = IntegerField(lazy_gettext("Sign-up session number"), validators=_OPTIONAL)
    group_id = SelectField(lazy_gettext("Stable group"), validate_choice=False, default="")
    """A stable group of the course (its choices are set per request); "" for none."""
    size_min = IntegerField(lazy_gettext("Self-formed groups: from"), validators=_OPTIONAL)
    size_max = IntegerField(lazy_gettext("to (people)"), validators=_OPTIONAL)
    anonymity = SelectField(
        lazy_gettext("Anonymity"), choices=ANONYMITY_CHOICES, default=Anonymity.NAMED.value
    )
    case_access = SelectField(
        lazy_gettext("Instructors reading case text"),
        choices=CASE_ACCESS_CHOICES,
        default=CaseAccess.NEVER,
    )
    announced_at = DateTimeLocalField(
        lazy_gettext("Announced to the course on (UTC)"), format=WALL_TIME, validators=_OPTIONAL
    )
    retention_days = IntegerField(
        lazy_gettext("Keep case text for (days after the round ends)"),
        default=RETENTION_DAYS_DEFAULT,
        validators=_OPTIONAL,
    )


class GroundRulesForm(Form):
    version = HiddenField(validators=[InputRequired()])
    accept = BooleanField(lazy_gettext("I accept these ground rules"), validators=[InputRequired()])


class JoinForm(Form):
    group_id = HiddenField()
    """Empty: start a new group."""


class _Posting(Form):
    client_token = HiddenField(validators=[InputRequired(), Length(max=TOKEN_MAX)])
    phase_index = HiddenField()
    """The phase the page showed; the service decides on the phase of now."""


class CaseForm(_Posting):
    # No length validators on learner text: the domain's ``check_post`` measures it and says
    # how long it may be, on the form (the request size itself is capped by the app).
    situation = TextAreaField(lazy_gettext("The situation"))
    own_role = TextAreaField(lazy_gettext("Your own role in it"))
    key_question = TextAreaField(lazy_gettext("Your key question"))
    checklist = SelectMultipleField(
        lazy_gettext("Anonymisation checklist"),
        choices=[SelectChoice(item, CHECKLIST_LABELS[item]) for item in ANONYMISATION_CHECKLIST],
        validate_choice=False,
    )


class TextPostForm(_Posting):
    kind = HiddenField()
    """Shown for the record; the URL names the type."""
    text = TextAreaField(lazy_gettext("Your contribution"))


class MarkForm(_Posting):
    mark = SelectField(lazy_gettext("Mark"), choices=MARK_CHOICES, validate_choice=False)


class AnswerForm(_Posting):
    text = TextAreaField(lazy_gettext("Your answer"))


class RatingForm(_Posting):
    score = SelectField(
        lazy_gettext("How helpful (1 to 5)"), choices=SCORE_CHOICES, validate_choice=False
    )
    tags = SelectMultipleField(
        lazy_gettext("Tags"),
        choices=[SelectChoice(tag, TAG_LABELS[tag]) for tag in sorted(RATING_TAGS)],
        validate_choice=False,
    )


class FollowUpForm(Form):
    text = TextAreaField(lazy_gettext("What did you try of your action plan, and what happened?"))


class FlagForm(Form):
    reason = StringField(lazy_gettext("Why (optional)"), validators=[Length(max=500)])


class ModerateForm(Form):
    reason = StringField(lazy_gettext("Reason"), validators=_REASON)


class WithdrawForm(Form):
    reason = StringField(
        lazy_gettext("Reason (optional, only in the log)"), validators=[Length(max=500)]
    )


class AdvanceForm(Form):
    from_index = HiddenField()


class ConsentForm(Form):
    consent = HiddenField(validators=[InputRequired()])


def attach_problems(form: Form, problems: Iterable[Problem]) -> list[str]:
    """Put each problem's message on its field; what names no field is returned for the top."""
    shown = [Problem(p.field, problem_text(p.message)) for p in problems]
    return form_problems.attach_problems(form, shown, FIELD_ALIASES)


def parse_int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


class StableRoundForm(Form):
    """Start the round of one of the course's stable groups (the service checks which)."""

    stable_group = IntegerField(
        lazy_gettext("Stable group"), validators=[InputRequired(), NumberRange(min=1, max=ID_MAX)]
    )


class RolesForm(Form):
    """A self-formed group gives itself its roles once it is big enough."""

    case_bringer = SelectField(lazy_gettext("Who brings the case"), validate_choice=False)
    moderator = SelectField(lazy_gettext("Who moderates"), validate_choice=False)


DUTY_PREFIX = "duty_"


class StableRolesForm(Form):
    """Roles by hand for a stable group's round: the case-bringer, the moderator (removed for a
    method without one), and a field per optional duty, added by :func:`stable_roles_form`.
    Values are user ids; ``roles.assign_roles`` checks them (members only, one role each)."""

    case_bringer = SelectField(lazy_gettext("Case-bringer"), validate_choice=False)
    moderator = SelectField(lazy_gettext("Moderator"), validate_choice=False)


def duty_field(duty: str) -> str:
    """The form field of an optional duty (role ids may carry a dash, field names may not)."""
    return DUTY_PREFIX + duty.replace("-", "_")


def stable_roles_form(duties: Iterable[tuple[str, str]], **kwargs: Any) -> StableRolesForm:
    """A :class:`StableRolesForm` with one select per ``(duty id, label)`` of the method."""
    fields = {duty_field(duty): SelectField(label, validate_choice=False) for duty, label in duties}
    form_class = type("StableRolesFormWithDuties", (StableRolesForm,), fields)
    form: StableRolesForm = form_class(**kwargs)
    return form
