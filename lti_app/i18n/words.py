"""Words for domain values shown to people (the domain stays free of gettext)."""

from __future__ import annotations

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


def role_label(role: Role) -> str:
    """The course role as the badge shows it, in the reader's language."""
    return str(ROLE_LABELS.get(role, role.label.capitalize()))
