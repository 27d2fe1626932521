"""The follow-up of an action plan: which later round is "the group meeting again", what it
asks whom, who may answer when, and who reads the answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lti_app.domain.exercises.follow_up import (
    FOLLOW_UP_LIMIT,
    PlanRef,
    RoundLink,
    answer_readable,
    due_plans,
    may_answer,
    same_group,
)
from lti_app.domain.exercises.outcomes import ALLOWED, Actor, Reason, Refused
from lti_app.domain.exercises.settings import CaseAccess
from lti_app.domain.exercises.visibility import Access
from tests.support.exercise_rounds import T0

BRINGER = 1
WEEK = timedelta(days=7)


def link(group: int, members: set[int], weeks: int = 0, **ties: int) -> RoundLink:
    return RoundLink(group, T0 + weeks * WEEK, frozenset(members), **ties)  # type: ignore[arg-type]


EARLIER = link(10, {1, 2, 3, 4})


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        (EARLIER, link(11, {1, 3, 7, 8}, weeks=1), True),  # the case-bringer meets member 3
        (EARLIER, link(11, {1, 7, 8}, weeks=1), False),  # nobody from last time
        (EARLIER, link(11, {2, 3, 4}, weeks=1), False),  # the case-bringer is not there
        (EARLIER, link(11, {1, 2, 3}, weeks=-1), False),  # made before, not after
        (EARLIER, EARLIER, False),  # the same round
        (link(10, {1, 2}, stable_group_id=5), link(11, {1, 9}, 1, stable_group_id=5), True),
        (link(10, {1, 2}, stable_group_id=5), link(11, {1, 2}, 1, stable_group_id=6), False),
        (link(10, {1, 2}, series_id=3), link(11, {1, 9}, 1, series_id=3), True),
        (link(10, {1, 2}, series_id=3), link(11, {1, 2}, 1), False),  # another kind of group
    ],
)
def test_when_the_group_meets_again(earlier: RoundLink, later: RoundLink, expected: bool) -> None:
    assert same_group(earlier, later, BRINGER) is expected


def test_a_round_asks_the_viewer_about_their_own_unanswered_plans_oldest_first() -> None:
    later = link(12, {1, 2, 3}, weeks=2)
    first = PlanRef(100, BRINGER, EARLIER)
    second = PlanRef(101, BRINGER, link(11, {1, 2}, weeks=1))
    someone_else = PlanRef(102, 2, link(11, {1, 2}, weeks=1))
    plans = [second, someone_else, first]
    assert due_plans(later, BRINGER, plans, answered=()) == (first, second)
    assert due_plans(later, BRINGER, plans, answered={100}) == (second,)
    assert due_plans(later, 3, plans, answered=()) == ()


LATER = link(11, {1, 2, 3}, weeks=1)
DUE = (PlanRef(100, BRINGER, EARLIER),)


def _answer(
    actor: Actor, *, closed: bool = False, plan: int = 100, text: str = "I tried."
) -> object:
    return may_answer(actor, LATER, plan, DUE, closed=closed, withdrawn=False, text=text)


@pytest.mark.parametrize(
    ("actor", "changes", "reason"),
    [
        (Actor(99, instructor=True), {}, Reason.INSTRUCTORS_DO_NOT_POST),
        (Actor(42), {}, Reason.NOT_IN_GROUP),
        (Actor(BRINGER), {"closed": True}, Reason.CLOSED),
        (Actor(BRINGER), {"plan": 555}, Reason.ALREADY_DONE),
        (Actor(BRINGER), {"text": "   "}, Reason.EMPTY),
        (Actor(BRINGER), {"text": "x" * (FOLLOW_UP_LIMIT + 1)}, Reason.TOO_LONG),
    ],
)
def test_answering_is_refused_with_a_reason(
    actor: Actor, changes: dict[str, object], reason: Reason
) -> None:
    verdict = _answer(actor, **changes)  # type: ignore[arg-type]
    assert isinstance(verdict, Refused) and verdict.reason is reason
    assert verdict.message


def test_the_case_bringer_answers_and_members_read_it_instructors_only_with_access() -> None:
    assert _answer(Actor(BRINGER)) == ALLOWED
    never = Access(CaseAccess.NEVER)
    consented = Access(CaseAccess.WITH_CONSENT, consent=True)
    assert answer_readable(Actor(3), LATER, never)
    assert not answer_readable(Actor(4), LATER, consented)  # not in the later round
    assert not answer_readable(Actor(99, instructor=True), LATER, never)
    assert answer_readable(Actor(99, instructor=True), LATER, consented)
