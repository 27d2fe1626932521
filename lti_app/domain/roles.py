"""What a person may do in a course: the one course role every rule is written against.

The LTI layer maps a launch's LIS role URIs to it (``lti_app.lti.roles.map_roles``); sign-ups and
exercises only ever see this enum, never URIs.
"""

from __future__ import annotations

import enum


class Role(enum.Enum):
    """What a person may do in a course, from most to least privileged."""

    ADMINISTRATOR = "administrator"
    INSTRUCTOR = "instructor"
    CONTENT_DEVELOPER = "content_developer"
    TEACHING_ASSISTANT = "teaching_assistant"
    MENTOR = "mentor"
    LEARNER = "learner"
    GUEST = "guest"

    @property
    def rank(self) -> int:
        """Higher is more privileged; used to pick one role from several."""
        return len(_ORDER) - _ORDER.index(self)

    @property
    def is_instructor(self) -> bool:
        """Trainers: may manage sessions, see all feedback, grade."""
        return self in (Role.ADMINISTRATOR, Role.INSTRUCTOR)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


_ORDER = [
    Role.ADMINISTRATOR,
    Role.INSTRUCTOR,
    Role.CONTENT_DEVELOPER,
    Role.TEACHING_ASSISTANT,
    Role.MENTOR,
    Role.LEARNER,
    Role.GUEST,
]
