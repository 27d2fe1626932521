"""Role assignment checked against each method's roles and group size."""

from __future__ import annotations

import pytest

from lti_app.domain.exercises.roles import (
    RoleAssignment,
    assign_roles,
    consultant_role,
    moderator_role,
    observer_role,
    optional_roles,
    posting_role,
)
from lti_app.domain.signups.problems import Problem
from tests.support.shipped_methods import METHODS, RAW, SLUGS

EXPECTED_MODERATOR = {
    "balint-group": "leader",
    "collegial-counselling": "moderator",
    "gossip-method": "moderator",
    "incident-method": "chair",
    "socratic-intervision": "facilitator",
    "ten-step-method": "chair",
    "troika-consulting": None,
}


def _fields(result: RoleAssignment | tuple[Problem, ...]) -> list[str]:
    assert isinstance(result, tuple), result
    return [p.field for p in result]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_method_has_its_roles_read_from_the_data(slug: str) -> None:
    method = METHODS[slug]
    assert moderator_role(method) == EXPECTED_MODERATOR.get(slug, moderator_role(method))
    ids = {r["id"] for r in RAW[slug]["roles"]}
    assert consultant_role(method) in ids
    assert consultant_role(method) not in {"case-bringer", moderator_role(method)}
    assert "timekeeper" in optional_roles(method)


@pytest.mark.parametrize("slug", SLUGS)
def test_a_group_of_the_methods_minimum_size_gets_every_role(slug: str) -> None:
    method = METHODS[slug]
    members = list(range(1, method.group_size.min + 1))
    mod = 2 if moderator_role(method) else None
    result = assign_roles(method, members, 1, mod)
    assert isinstance(result, RoleAssignment), result
    assert result.case_bringer == 1
    assert result.holders("case-bringer") == (1,)
    consultants = result.holders(consultant_role(method))
    assert len(consultants) == len(members) - 1 - (1 if mod else 0)
    if mod:
        assert result.role_of(2) == moderator_role(method)


@pytest.mark.parametrize("slug", SLUGS)
def test_outside_the_methods_size_is_a_problem_unless_accepted(slug: str) -> None:
    method = METHODS[slug]
    mod = 2 if moderator_role(method) else None
    big = list(range(1, method.group_size.max + 2))
    assert _fields(assign_roles(method, big, 1, mod)) == ["members"]
    assert isinstance(assign_roles(method, big, 1, mod, accept_size=True), RoleAssignment)


def test_too_few_to_fill_the_roles_is_always_a_problem() -> None:
    cc = METHODS["collegial-counselling"]
    assert _fields(assign_roles(cc, [1, 2], 1, 2, accept_size=True)) == ["members"]


def test_moderator_rules() -> None:
    cc = METHODS["collegial-counselling"]
    group = [1, 2, 3, 4, 5]
    assert _fields(assign_roles(cc, group, 1, None)) == ["moderator"]
    assert _fields(assign_roles(cc, group, 1, 1)) == ["moderator"]
    assert _fields(assign_roles(cc, group, 1, 9)) == ["moderator"]
    troika = METHODS["troika-consulting"]
    assert _fields(assign_roles(troika, [1, 2, 3], 1, 2)) == ["moderator"]


def test_the_case_bringer_must_be_in_the_group_and_people_are_listed_once() -> None:
    cc = METHODS["collegial-counselling"]
    assert _fields(assign_roles(cc, [1, 2, 3, 4, 5], 8, 2)) == ["case_bringer"]
    assert "members" in _fields(assign_roles(cc, [1, 2, 3, 4, 4, 5], 1, 2))


def test_optional_duties_go_to_members_other_than_the_case_bringer() -> None:
    cc = METHODS["collegial-counselling"]
    group = [1, 2, 3, 4, 5]
    result = assign_roles(cc, group, 1, 2, {"scribe": 3, "timekeeper": 2})
    assert isinstance(result, RoleAssignment)
    assert result.role_of(3) == "consultant"  # a scribe posts as a consultant
    assert result.duties_of(3) == ("scribe",)
    assert result.duties_of(2) == ("timekeeper",)
    assert _fields(assign_roles(cc, group, 1, 2, {"scribe": 1})) == ["scribe"]
    assert _fields(assign_roles(cc, group, 1, 2, {"scribe": 9})) == ["scribe"]
    observed = assign_roles(cc, group, 1, 2, {"observer": 4})
    assert isinstance(observed, RoleAssignment)  # the optional process observer
    assert observed.duties_of(4) == ("observer",)
    assert _fields(assign_roles(cc, group, 1, 2, {"observer": 1})) == ["observer"]
    assert _fields(assign_roles(cc, group, 1, 2, {"recorder": 3})) == ["recorder"]
    gossip = METHODS["gossip-method"]
    assert _fields(assign_roles(gossip, [1, 2, 3, 4], 1, 2, {"scribe": 3})) == ["scribe"]


def test_the_process_observer_posts_as_the_observer_and_neither_moderates_nor_doubles() -> None:
    cc = METHODS["collegial-counselling"]
    group = [1, 2, 3, 4, 5, 6]
    observed = assign_roles(cc, group, 1, 2, {"observer": 4, "scribe": 3})
    assert isinstance(observed, RoleAssignment)
    assert observer_role(cc) == "observer"
    assert posting_role(cc, observed, 4) == "observer"  # out of the consultation
    assert posting_role(cc, observed, 3) == "consultant"  # the scribe consults and writes
    assert posting_role(cc, observed, 1) == "case-bringer"
    assert posting_role(cc, observed, 99) is None
    as_moderator = assign_roles(cc, group, 1, 2, {"observer": 2})
    assert _fields(as_moderator) == ["observer"]
    assert "other than the moderator" in as_moderator[0].message  # type: ignore[index]
    doubled = assign_roles(cc, group, 1, 2, {"observer": 4, "scribe": 4})
    assert "observer" in _fields(doubled)
    assert all(observer_role(METHODS[s]) is None for s in SLUGS if s != "collegial-counselling")
