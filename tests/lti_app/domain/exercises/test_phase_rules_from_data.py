"""may_post for every shipped method, phase, role and post type, generated from the YAML.

The expectation is written against the raw YAML fields (``speakers``, ``contribution``,
``case_bringer_silent``), not against ``PhaseSpec.speaks``, so a change in either the data or
the rules shows up here. Adding a method file adds its cases.
"""

from __future__ import annotations

from typing import Any

import pytest

from lti_app.domain.exercises.observer import may_member_post
from lti_app.domain.exercises.outcomes import Reason, Refused
from lti_app.domain.exercises.phases import PostType, may_post, postable
from lti_app.domain.exercises.roles import RoleAssignment, assign_roles, moderator_role
from tests.support.shipped_methods import METHODS, RAW, SLUGS

CB = "case-bringer"

# The rule, stated in the data's own words: which contribution each type is posted in, and
# whether it is the case-bringer's.
CONTENT = {
    PostType.CASE: ("case", True),
    PostType.KEY_QUESTION: ("key-question", True),
    PostType.ACTION_PLAN: ("reflection", True),
    PostType.QUESTION: ("question", False),
    PostType.HYPOTHESIS: ("hypothesis", False),
    PostType.ADVICE: ("advice", False),
    PostType.TAKEAWAY: ("reflection", False),
}
REACTIONS = {
    PostType.MARK: {"question"},
    PostType.ANSWER: {"question"},
    PostType.RATING: {"hypothesis", "advice"},
}


def _speaks(phase: dict[str, Any], role: str) -> bool:
    if role == CB and phase["case_bringer_silent"]:
        return False
    return "all" in phase["speakers"] or role in phase["speakers"]


def expected(slug: str, index: int, role: str, kind: PostType) -> bool:
    phases = RAW[slug]["phases"]
    phase = phases[index]
    if not _speaks(phase, role):
        return False
    if kind in CONTENT:
        contribution, cb_only = CONTENT[kind]
        return phase["contribution"] == contribution and (role == CB) == cb_only
    first = next((i for i, p in enumerate(phases) if p["contribution"] in REACTIONS[kind]), None)
    return role == CB and first is not None and index >= first


CASES = [
    pytest.param(slug, index, role["id"], kind, id=f"{slug}-{phase['id']}-{role['id']}-{kind}")
    for slug in SLUGS
    for index, phase in enumerate(RAW[slug]["phases"])
    for role in RAW[slug]["roles"]
    for kind in PostType
]


@pytest.mark.parametrize(("slug", "index", "role", "kind"), CASES)
def test_may_post_agrees_with_the_phase_data(
    slug: str, index: int, role: str, kind: PostType
) -> None:
    method = METHODS[slug]
    verdict = may_post(method, method.phases[index], role, kind)
    assert bool(verdict) is expected(slug, index, role, kind), verdict
    if isinstance(verdict, Refused):
        assert verdict.message.strip()


def test_the_generated_cases_cover_every_method() -> None:
    per_method = {slug: sum(1 for c in CASES if c.values[0] == slug) for slug in SLUGS}
    for slug, count in per_method.items():
        raw = RAW[slug]
        assert count == len(raw["phases"]) * len(raw["roles"]) * len(PostType)
    assert len(SLUGS) >= 7


@pytest.mark.parametrize("slug", SLUGS)
def test_the_case_bringer_posts_nothing_in_a_silent_phase(slug: str) -> None:
    """Research invariant 4, and the message says why when the type fits the phase."""
    method = METHODS[slug]
    silent = [p for p in method.phases if p.case_bringer_silent]
    assert silent, f"{slug} has a phase where the case-bringer listens"
    for phase in silent:
        assert postable(method, phase, CB) == ()
        verdict = may_post(method, phase, CB, PostType.RATING)
        assert isinstance(verdict, Refused)
        if phase.contribution.value in ("hypothesis", "advice"):
            assert verdict.reason is Reason.SILENT


@pytest.mark.parametrize("slug", SLUGS)
def test_instructors_never_post(slug: str) -> None:
    method = METHODS[slug]
    for phase in method.phases:
        for kind in PostType:
            verdict = may_post(method, phase, None, kind)
            assert isinstance(verdict, Refused)
            assert verdict.reason is Reason.INSTRUCTORS_DO_NOT_POST


@pytest.mark.parametrize("slug", SLUGS)
def test_every_phase_with_a_contribution_lets_someone_post_it(slug: str) -> None:
    method = METHODS[slug]
    for phase in method.phases:
        if phase.contribution.value == "none":
            continue
        offered = {kind for role in method.roles for kind in postable(method, phase, role.id)}
        assert offered, f"nobody can post in {slug}/{phase.id}"


@pytest.mark.parametrize("slug", SLUGS)
def test_questions_only_in_question_phases_and_the_case_only_in_the_case_phase(slug: str) -> None:
    method = METHODS[slug]
    for phase in method.phases:
        for role in method.roles:
            if may_post(method, phase, role.id, PostType.QUESTION):
                assert phase.contribution.value == "question"
            if may_post(method, phase, role.id, PostType.CASE):
                assert (phase.contribution.value, role.id) == ("case", CB)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_case_bringer_can_write_the_case_and_an_action_plan(slug: str) -> None:
    method = METHODS[slug]
    assert any(may_post(method, p, CB, PostType.CASE) for p in method.phases)
    assert any(may_post(method, p, CB, PostType.ACTION_PLAN) for p in method.phases)
    assert any(may_post(method, p, CB, PostType.RATING) for p in method.phases)


def test_wrong_phase_names_the_phase_to_use() -> None:
    method = METHODS["collegial-counselling"]
    casting = method.phases[0]
    verdict = may_post(method, casting, "consultant", PostType.ADVICE)
    assert isinstance(verdict, Refused)
    assert verdict.reason is Reason.WRONG_PHASE
    assert "5. Consultation" in verdict.message


def test_an_unknown_role_is_refused() -> None:
    method = METHODS["troika-consulting"]
    verdict = may_post(method, method.phases[1], "moderator", PostType.QUESTION)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.WRONG_ROLE


# --- the process observer: an optional duty on top of a consultant's role ----------------------
# Its holder posts what the observer role may post by the raw data (``expected`` with the
# observer's own id: a phase that names it or says ``all``), never their consultant role's.

OBSERVED = [slug for slug in SLUGS if any(r["id"] == "observer" for r in RAW[slug]["roles"])]
OBSERVER_CASES = [
    pytest.param(slug, index, kind, id=f"{slug}-{phase['id']}-observer-duty-{kind}")
    for slug in OBSERVED
    for index, phase in enumerate(RAW[slug]["phases"])
    for kind in PostType
]


def _observed_group(slug: str) -> RoleAssignment:
    method = METHODS[slug]
    people = list(range(1, method.group_size.min + 1))
    moderator = 2 if moderator_role(method) else None
    assignment = assign_roles(method, people, 1, moderator, {"observer": people[-1]})
    assert isinstance(assignment, RoleAssignment), assignment
    return assignment


@pytest.mark.parametrize(("slug", "index", "kind"), OBSERVER_CASES)
def test_the_process_observer_posts_only_what_the_observer_role_may(
    slug: str, index: int, kind: PostType
) -> None:
    method = METHODS[slug]
    assignment = _observed_group(slug)
    observer = assignment.duties["observer"]
    assert assignment.role_of(observer) != "observer"  # a duty on top of a consultant's role
    verdict = may_member_post(method, method.phases[index], assignment, observer, kind)
    assert bool(verdict) is expected(slug, index, "observer", kind), verdict
    if isinstance(verdict, Refused):
        assert verdict.message.strip()


def test_the_observer_cases_cover_a_shipped_method_and_keep_the_observer_out() -> None:
    """Collegial counselling lists the observer (module 07): they post in no phase where the
    consultants ask or advise, and the closing's takeaway is theirs."""
    assert "collegial-counselling" in OBSERVED
    assert len(OBSERVER_CASES) == sum(len(RAW[s]["phases"]) * len(PostType) for s in OBSERVED)
    method = METHODS["collegial-counselling"]
    assignment = _observed_group("collegial-counselling")
    observer = assignment.duties["observer"]
    consultant = next(u for u, r in assignment.roles.items() if r == "consultant" and u != observer)
    for phase in method.phases:
        theirs = {
            kind for kind in PostType if may_member_post(method, phase, assignment, observer, kind)
        }
        if phase.contribution.value in ("question", "hypothesis", "advice"):
            assert postable(method, phase, assignment.role_of(consultant) or "")  # others do
            assert theirs == set(), phase.id
        if phase.contribution.value == "reflection":
            assert theirs == {PostType.TAKEAWAY}, phase.id
    consultation = method.phase("consultation")
    assert consultation is not None
    refused = may_member_post(method, consultation, assignment, observer, PostType.ADVICE)
    assert isinstance(refused, Refused) and refused.reason is Reason.WRONG_ROLE
    assert "As process observer you stay out of the consultation" in refused.message
    assert "what you take away in '6. Closing'" in refused.message  # where they do post
    assert may_member_post(method, consultation, assignment, consultant, PostType.ADVICE)
