"""Words for domain values shown to people (the domain stays free of gettext)."""

from __future__ import annotations

from flask_babel import lazy_pgettext

from lti_app.domain.roles import Role
from lti_app.i18n import lazy_gettext

ROLE_LABELS = {
    Role.ADMINISTRATOR: lazy_gettext("Administrator"),
    Role.INSTRUCTOR: lazy_gettext("Instructor"),
    Role.CONTENT_DEVELOPER: lazy_gettext("Content developer"),
    Role.TEACHING_ASSISTANT: lazy_gettext("Teaching assistant"),
    Role.MENTOR: lazy_gettext("Mentor"),
    Role.LEARNER: lazy_gettext("Learner"),
    Role.GUEST: lazy_gettext("Guest"),
}
"""As a label on its own (the role badge)."""

ROLE_IN_SENTENCE = {
    Role.ADMINISTRATOR: lazy_pgettext("role in a sentence", "administrator"),
    Role.INSTRUCTOR: lazy_pgettext("role in a sentence", "instructor"),
    Role.CONTENT_DEVELOPER: lazy_pgettext("role in a sentence", "content developer"),
    Role.TEACHING_ASSISTANT: lazy_pgettext("role in a sentence", "teaching assistant"),
    Role.MENTOR: lazy_pgettext("role in a sentence", "mentor"),
    Role.LEARNER: lazy_pgettext("role in a sentence", "learner"),
    Role.GUEST: lazy_pgettext("role in a sentence", "guest"),
}
"""Inside a sentence ("Launched as learner in ...")."""


def role_label(role: Role, in_sentence: bool = False) -> str:
    """The course role in the reader's language, as a label or inside a sentence."""
    table = ROLE_IN_SENTENCE if in_sentence else ROLE_LABELS
    found = table.get(role)
    if found is None:
        return role.label if in_sentence else role.label.capitalize()
    return str(found)


KIND_LABELS = {
    "module": lazy_gettext("Module page"),
    "signup": lazy_gettext("Session sign-up sheet"),
    "peer-feedback": lazy_gettext("Peer-feedback exercise"),
}
"""Capitalised, for headings and badges (``domain.activities.ActivityKind.label``)."""

KIND_PLURALS = {
    "module": lazy_gettext("Module pages"),
    "signup": lazy_gettext("Session sign-up sheets"),
    "peer-feedback": lazy_gettext("Peer-feedback exercises"),
}
"""For a group of them (the deep-linking picker's fieldsets)."""

KIND_NAMES = {
    "module": lazy_pgettext("kind in a sentence", "module page"),
    "signup": lazy_pgettext("kind in a sentence", "session sign-up sheet"),
    "peer-feedback": lazy_pgettext("kind in a sentence", "peer-feedback exercise"),
}
"""Inside a sentence ("This session sign-up sheet opens from ..."); ``ActivityKind.name``."""

UNKNOWN_KIND = lazy_pgettext("kind in a sentence", "activity")


def kind_label(kind_id: str) -> str:
    return str(KIND_LABELS.get(kind_id, lazy_gettext("Activity")))


def kind_plural(kind_id: str) -> str:
    return str(KIND_PLURALS.get(kind_id, lazy_gettext("Activities")))


def kind_name(kind_id: str) -> str:
    """The kind in running text; "activity" for a kind this tool lacks."""
    return str(KIND_NAMES.get(kind_id, UNKNOWN_KIND))


GRADE_LABELS = {
    "module": lazy_gettext("completion"),
    "signup": lazy_gettext("attendance"),
    "peer-feedback": lazy_gettext("exercise"),
}
"""What a gradebook column of the kind records, in its label: "Troika (attendance)"."""


def grade_label(kind_id: str) -> str:
    return str(GRADE_LABELS.get(kind_id, lazy_gettext("activity")))
