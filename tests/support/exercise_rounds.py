"""A small group in Tietze's collegial counselling, for the focused tests."""

from __future__ import annotations

from datetime import UTC, datetime

from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.exercises.phases import PhaseClock, PostType
from lti_app.domain.exercises.roles import RoleAssignment, assign_roles
from lti_app.domain.exercises.validation import CaseStatus, Posted, Round
from lti_app.domain.methods import MethodSpec
from tests.support.shipped_methods import METHODS

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
CC = METHODS["collegial-counselling"]
CASE_BRINGER, MODERATOR, ANNA, BEN, CARL = 1, 2, 3, 4, 5
OUTSIDER, TEACHER = 99, 50


def assignment(method: MethodSpec = CC) -> RoleAssignment:
    result = assign_roles(
        method, [CASE_BRINGER, MODERATOR, ANNA, BEN, CARL], CASE_BRINGER, MODERATOR
    )
    assert isinstance(result, RoleAssignment), result
    return result


def clock_at(phase_id: str, method: MethodSpec = CC) -> PhaseClock:
    index = [p.id for p in method.phases].index(phase_id)
    return PhaseClock(index, method.phases[index], None, False)


def member(user_id: int, a: RoleAssignment | None = None) -> Actor:
    return Actor(user_id, (a or assignment()).role_of(user_id))


def instructor() -> Actor:
    return Actor(TEACHER, None, instructor=True)


def index_of(phase_id: str, method: MethodSpec = CC) -> int:
    return [p.id for p in method.phases].index(phase_id)


CASE_POST = Posted(10, CASE_BRINGER, PostType.CASE, index_of("spontaneous-account"))
QUESTION = Posted(11, ANNA, PostType.QUESTION, index_of("comprehension-questions"))
ADVICE = Posted(12, BEN, PostType.ADVICE, index_of("consultation"))
TAKEAWAY = Posted(13, CARL, PostType.TAKEAWAY, index_of("closing"))


def round_at(
    phase_id: str,
    posts: tuple[Posted, ...] = (CASE_POST, QUESTION),
    status: CaseStatus = CaseStatus.SUBMITTED,
    closed: bool = False,
) -> Round:
    clock = PhaseClock(None, None, None, True) if closed else clock_at(phase_id)
    return Round(CC, assignment(), clock, status, posts)
