"""Role mapping from LIS role URIs: principal and sub-role apart, unknown → least privilege."""

from __future__ import annotations

import pytest

from lti_app.domain.roles import Role
from lti_app.lti.roles import is_test_user, map_roles, parse_role

M = "http://purl.imsglobal.org/vocab/lis/v2/membership"
INST = "http://purl.imsglobal.org/vocab/lis/v2/institution/person"
SYS = "http://purl.imsglobal.org/vocab/lis/v2/system/person"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([f"{M}#Instructor"], Role.INSTRUCTOR),
        (["Instructor"], Role.INSTRUCTOR),  # deprecated short name
        ([f"{M}#Learner"], Role.LEARNER),
        ([f"{M}/Learner#Instructor"], Role.LEARNER),  # a learner who instructs, not a trainer
        ([f"{M}/Instructor#TeachingAssistant"], Role.TEACHING_ASSISTANT),
        ([f"{M}/Instructor#Grader"], Role.TEACHING_ASSISTANT),
        ([f"{M}/Instructor#Guest"], Role.GUEST),
        ([f"{M}/Instructor#PrimaryInstructor"], Role.INSTRUCTOR),
        ([f"{M}#Administrator"], Role.ADMINISTRATOR),
        ([f"{M}#ContentDeveloper"], Role.CONTENT_DEVELOPER),
        ([f"{M}#Mentor"], Role.MENTOR),
        ([f"{INST}#Faculty", f"{M}#Learner"], Role.LEARNER),  # institution roles don't count
        ([f"{SYS}#Administrator"], Role.GUEST),
        ([f"{INST}#Administrator"], Role.GUEST),
        ([f"{M}#Learner", f"{M}#Instructor"], Role.INSTRUCTOR),  # most privileged wins
        (["http://example.org/roles#Wizard"], Role.GUEST),
        ([f"{M}#Wizard"], Role.GUEST),
        ([], Role.GUEST),  # no role → least privilege
    ],
)
def test_context_roles_map_to_one_role(roles: list[str], expected: Role) -> None:
    assert map_roles(roles) is expected


def test_garbage_in_the_roles_claim_is_ignored() -> None:
    assert map_roles([42, None, f"{M}#Learner"]) is Role.LEARNER  # type: ignore[list-item]


def test_parse_keeps_principal_and_subrole_apart() -> None:
    parsed = parse_role(f"{M}/Learner#Instructor")
    assert parsed is not None
    assert (parsed.principal, parsed.subrole) == ("Learner", "Instructor")
    assert parse_role(f"{INST}#Faculty") is None


def test_instructor_rights_only_for_trainers() -> None:
    assert Role.INSTRUCTOR.is_instructor and Role.ADMINISTRATOR.is_instructor
    for role in (Role.TEACHING_ASSISTANT, Role.CONTENT_DEVELOPER, Role.LEARNER, Role.GUEST):
        assert not role.is_instructor


def test_test_users_are_flagged() -> None:
    assert is_test_user(["http://purl.imsglobal.org/vocab/lti/system/person#TestUser"])
    assert not is_test_user([f"{M}#Learner"])
