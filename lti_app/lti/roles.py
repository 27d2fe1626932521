"""Map LIS role URIs from a launch to the one role the tool acts on.

Only context (membership) roles count (LTI Core §A.2.3): an institution role such as
``institution/person#Faculty`` says nothing about this course. Principal role and sub-role are
parsed apart, because ``membership/Learner#Instructor`` is a *learner* who instructs, which
pylti1p3's ``check_teacher_access`` gets wrong. Anything unknown maps to least privilege.
No Flask, no pylti1p3: this is pure and tested on its own. The ``Role`` itself is the
domain's (``lti_app.domain.roles``); this module only reads LTI's vocabulary into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lti_app.domain.roles import Role

MEMBERSHIP_PREFIX = "http://purl.imsglobal.org/vocab/lis/v2/membership"
TEST_USER_ROLE = "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"


_PRINCIPALS: dict[str, Role] = {
    "Administrator": Role.ADMINISTRATOR,
    "Instructor": Role.INSTRUCTOR,
    "ContentDeveloper": Role.CONTENT_DEVELOPER,
    "Mentor": Role.MENTOR,
    "Learner": Role.LEARNER,
    "Member": Role.LEARNER,
    # Short forms platforms still send (deprecated simple names, Core §A.2.3.1).
    "TeachingAssistant": Role.TEACHING_ASSISTANT,
}

# Sub-roles of Instructor that must not get a trainer's rights.
_ASSISTANT_SUBROLES = ("TeachingAssistant", "Grader")


@dataclass(frozen=True)
class ParsedRole:
    """One role URI split into principal and optional sub-role."""

    principal: str
    subrole: str | None


def parse_role(uri: str) -> ParsedRole | None:
    """Split a membership role URI (or short name); None for non-context roles."""
    uri = uri.strip()
    if "://" not in uri:
        return ParsedRole(uri, None) if uri and "#" not in uri and "/" not in uri else None
    if not uri.startswith(MEMBERSHIP_PREFIX):
        return None
    rest = uri[len(MEMBERSHIP_PREFIX) :]
    if rest.startswith("#"):
        return ParsedRole(rest[1:], None)
    if rest.startswith("/") and "#" in rest:
        principal, _, subrole = rest[1:].partition("#")
        if principal and subrole:
            return ParsedRole(principal, subrole)
    return None


def _role_of(parsed: ParsedRole) -> Role:
    principal = _PRINCIPALS.get(parsed.principal, Role.GUEST)
    if parsed.subrole is None or principal is not Role.INSTRUCTOR:
        # A sub-role never lifts a person above the principal role it belongs to.
        return principal
    if parsed.subrole.startswith(_ASSISTANT_SUBROLES):
        return Role.TEACHING_ASSISTANT
    if parsed.subrole == "Guest":
        return Role.GUEST
    return Role.INSTRUCTOR


def map_roles(role_uris: Iterable[str]) -> Role:
    """The most privileged context role among ``role_uris``; GUEST when none is known."""
    best = Role.GUEST
    for uri in role_uris:
        if not isinstance(uri, str):
            continue
        parsed = parse_role(uri)
        if parsed is None:
            continue
        role = _role_of(parsed)
        if role.rank > best.rank:
            best = role
    return best


def is_test_user(role_uris: Iterable[str]) -> bool:
    """Platforms mark 'student view' users; they act as learners but stay out of reports."""
    return any(uri == TEST_USER_ROLE for uri in role_uris if isinstance(uri, str))
