"""The process dashboard counts, from metadata only; ground rules acceptance."""

from __future__ import annotations

import dataclasses

from lti_app.domain.exercises.ground_rules import Acceptance, decide_accept, must_accept
from lti_app.domain.exercises.outcomes import Reason, Refused
from lti_app.domain.exercises.phases import CLOSED, PostType
from lti_app.domain.exercises.process import GroupProcess, Risk, group_process
from lti_app.domain.exercises.validation import CaseStatus, Posted
from tests.support.exercise_rounds import (
    ADVICE,
    ANNA,
    BEN,
    CARL,
    CASE_BRINGER,
    CASE_POST,
    CC,
    QUESTION,
    T0,
    TAKEAWAY,
    assignment,
    clock_at,
    index_of,
)


def test_counts_per_phase_member_questions_helpfulness_and_reflections() -> None:
    second_question = Posted(14, BEN, PostType.QUESTION, index_of("comprehension-questions"))
    ratings = (
        Posted(
            20,
            CASE_BRINGER,
            PostType.RATING,
            index_of("closing"),
            target_id=ADVICE.post_id,
            score=4,
        ),
        Posted(
            21,
            CASE_BRINGER,
            PostType.RATING,
            index_of("closing"),
            target_id=ADVICE.post_id,
            score=2,
        ),
    )
    plan = Posted(22, CASE_BRINGER, PostType.ACTION_PLAN, index_of("closing"))
    posts = (CASE_POST, QUESTION, second_question, ADVICE, TAKEAWAY, *ratings, plan)
    result = group_process(CC, assignment(), posts, CLOSED, case_status=CaseStatus.SUBMITTED)
    assert result.posts_per_phase["comprehension-questions"] == 2
    assert result.posts_per_phase["closing"] == 4
    assert result.posts_per_member[CASE_BRINGER] == 4
    assert result.posts_per_member[ANNA] == 1
    assert result.questions_before_advice == 2
    assert result.helpfulness_received == {BEN: 3.0}
    assert result.reflections_by == {CARL, CASE_BRINGER}
    assert result.at_risk == ()


def test_a_group_without_a_case_after_the_case_phase_is_at_risk() -> None:
    early = group_process(
        CC, assignment(), (), clock_at("spontaneous-account"), case_status=CaseStatus.NONE
    )
    assert early.at_risk == ()
    late = group_process(
        CC, assignment(), (), clock_at("key-question"), case_status=CaseStatus.NONE
    )
    assert Risk.NO_CASE in late.at_risk
    assert Risk.SILENT_PHASE in late.at_risk
    assert late.empty_phases == ("spontaneous-account", "comprehension-questions")


def test_open_flags_and_withdrawal_are_risks() -> None:
    flagged = group_process(
        CC, assignment(), (CASE_POST,), clock_at("comprehension-questions"),
        case_status=CaseStatus.SUBMITTED, open_flag_count=2,
    )  # fmt: skip
    assert flagged.at_risk == (Risk.OPEN_FLAGS,)
    gone = group_process(CC, assignment(), (), CLOSED, case_status=CaseStatus.WITHDRAWN)
    assert gone.at_risk == (Risk.WITHDRAWN,)


def test_the_dashboard_has_nowhere_to_put_text() -> None:
    names = {f.name for f in dataclasses.fields(GroupProcess)}
    assert not {"text", "body", "case", "situation"} & names


def test_ground_rules_are_asked_again_when_their_version_changes() -> None:
    accepted = [Acceptance(ANNA, 1, T0)]
    assert not must_accept(ANNA, 1, accepted)
    assert must_accept(ANNA, 2, accepted)
    assert must_accept(BEN, 1, accepted)
    assert decide_accept(ANNA, 2, 2, accepted, T0) == Acceptance(ANNA, 2, T0)
    stale = decide_accept(ANNA, 2, 1, accepted, T0)
    assert isinstance(stale, Refused) and stale.reason is Reason.NOT_ALLOWED
    again = decide_accept(ANNA, 1, 1, accepted, T0)
    assert isinstance(again, Refused) and again.reason is Reason.ALREADY_DONE
