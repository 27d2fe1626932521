"""Completion per role, generated from each method's data; metadata only."""

from __future__ import annotations

import dataclasses

import pytest

from lti_app.domain.exercises.completion import Requirement, Status, completion, requirements
from lti_app.domain.exercises.phases import REACTION_FROM, PostType, postable
from lti_app.domain.exercises.roles import RoleAssignment, assign_roles, moderator_role
from lti_app.domain.exercises.validation import Posted
from lti_app.domain.methods import MethodSpec
from tests.support.shipped_methods import METHODS, SLUGS


def _group(method: MethodSpec) -> RoleAssignment:
    members = list(range(1, method.group_size.min + 1))
    result = assign_roles(method, members, 1, 2 if moderator_role(method) else None)
    assert isinstance(result, RoleAssignment)
    return result


def _everything(method: MethodSpec, group: RoleAssignment) -> tuple[Posted, ...]:
    """Each member posts every non-reaction type they may, in every phase."""
    posts = []
    for index, phase in enumerate(method.phases):
        for user, role in group.roles.items():
            for kind in postable(method, phase, role):
                if kind not in REACTION_FROM:
                    posts.append(Posted(len(posts) + 1, user, kind, index))
    return tuple(posts)


@pytest.mark.parametrize("slug", SLUGS)
def test_posting_whatever_the_phases_allow_completes_everyone(slug: str) -> None:
    method = METHODS[slug]
    group = _group(method)
    results = completion(method, group, _everything(method, group))
    assert [r.user_id for r in results] == list(group.roles)
    assert all(r.status is Status.COMPLETE for r in results), results
    assert all(r.score == (1.0, 1.0) for r in results)
    assert {r.ags_progress for r in results} == {("Completed", "FullyGraded")}


@pytest.mark.parametrize("slug", SLUGS)
def test_nothing_posted_completes_nobody(slug: str) -> None:
    method = METHODS[slug]
    results = completion(method, _group(method), ())
    assert all(r.status is Status.INCOMPLETE and r.score == (0.0, 1.0) for r in results)
    assert {r.ags_progress for r in results} == {("InProgress", "Pending")}
    case_bringer = next(r for r in results if r.role == "case-bringer")
    assert case_bringer.missing == (Requirement(PostType.CASE), Requirement(PostType.ACTION_PLAN))


@pytest.mark.parametrize("slug", SLUGS)
def test_missing_any_one_required_post_leaves_only_its_author_incomplete(slug: str) -> None:
    method = METHODS[slug]
    group = _group(method)
    posts = _everything(method, group)
    for user, role in group.roles.items():
        for need in requirements(method, role):
            kept = tuple(
                p
                for p in posts
                if not (
                    p.author == user
                    and p.kind is need.kind
                    and (need.phase_id is None or method.phases[p.phase_index].id == need.phase_id)
                )
            )
            by_user = {r.user_id: r for r in completion(method, group, kept)}
            assert by_user[user].status is Status.INCOMPLETE
            assert by_user[user].missing == (need,)
            assert all(r.status is Status.COMPLETE for u, r in by_user.items() if u != user)


def test_consultants_requirements_follow_where_their_role_speaks() -> None:
    troika = requirements(METHODS["troika-consulting"], "consultant")
    assert troika == (
        Requirement(PostType.QUESTION, "clarifying-questions"),
        Requirement(PostType.ADVICE, "consultation"),
    )  # Troika's takeaways are the client's alone
    cc = requirements(METHODS["collegial-counselling"], "consultant")
    assert cc == (
        Requirement(PostType.QUESTION, "comprehension-questions"),
        Requirement(PostType.ADVICE, "consultation"),
        Requirement(PostType.TAKEAWAY),
    )
    assert requirements(METHODS["collegial-counselling"], "moderator") == (
        Requirement(PostType.TAKEAWAY),
    )


def test_hidden_posts_do_not_count() -> None:
    method = METHODS["troika-consulting"]
    group = _group(method)
    posts = _everything(method, group)
    hidden = tuple(dataclasses.replace(p, hidden=p.author == 2) for p in posts)
    by_user = {r.user_id: r for r in completion(method, group, hidden)}
    assert by_user[2].status is Status.INCOMPLETE
    assert by_user[3].status is Status.COMPLETE


def test_a_withdrawn_case_excuses_the_group_and_sends_no_score() -> None:
    method = METHODS["gossip-method"]
    results = completion(method, _group(method), (), withdrawn=True)
    assert {r.status for r in results} == {Status.EXCUSED}
    assert {r.score for r in results} == {None}
    assert {r.ags_progress for r in results} == {None}


def test_completion_has_no_field_that_could_carry_text() -> None:
    from lti_app.domain.exercises.completion import Completion

    names = {f.name for f in dataclasses.fields(Completion)}
    assert names == {"user_id", "role", "status", "missing"}
    assert {f.name for f in dataclasses.fields(Posted)} >= {"post_id", "kind"}
    assert not {"text", "body"} & {f.name for f in dataclasses.fields(Posted)}


def test_the_process_observer_completes_with_the_closing_takeaway_alone() -> None:
    """Kept out of the consultation, the observer owes no question or advice, only what the
    observer role may post (a takeaway in collegial counselling's closing)."""
    method = METHODS["collegial-counselling"]
    members = list(range(1, 7))
    group = assign_roles(method, members, 1, 2, {"observer": 6})
    assert isinstance(group, RoleAssignment)
    closing = next(i for i, p in enumerate(method.phases) if p.id == "closing")
    (observer,) = (r for r in completion(method, group, ()) if r.user_id == 6)
    assert observer.missing == (Requirement(PostType.TAKEAWAY),)
    takeaway = (Posted(1, 6, PostType.TAKEAWAY, closing),)
    (observer,) = (r for r in completion(method, group, takeaway) if r.user_id == 6)
    assert observer.status is Status.COMPLETE and observer.role == "consultant"
    (consultant,) = (r for r in completion(method, group, takeaway) if r.user_id == 5)
    assert consultant.status is Status.INCOMPLETE  # the same takeaway does not do for them
