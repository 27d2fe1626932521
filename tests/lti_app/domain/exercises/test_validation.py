"""check_post: bad input, wrong phase, wrong role, closed exercise → Refused, clearly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lti_app.domain.exercises.outcomes import Actor, Allowed, Reason, Refused
from lti_app.domain.exercises.phases import NOT_OPEN, PostType
from lti_app.domain.exercises.validation import (
    ANONYMISATION_CHECKLIST,
    CASE_LIMITS,
    LIMITS,
    CaseStatus,
    Draft,
    Mark,
    Round,
    check_post,
)
from tests.support.exercise_rounds import (
    ADVICE,
    ANNA,
    CASE_BRINGER,
    CASE_POST,
    CC,
    MODERATOR,
    OUTSIDER,
    QUESTION,
    assignment,
    instructor,
    member,
    round_at,
)
from tests.support.shipped_methods import METHODS

GOOD_CASE = Draft(
    PostType.CASE,
    case={"situation": "A parent shouted at me.", "own_role": "Class teacher."},
    checklist=frozenset(ANONYMISATION_CHECKLIST),
)


def _refused(verdict: object, reason: Reason) -> Refused:
    assert isinstance(verdict, Refused), verdict
    assert verdict.reason is reason, verdict
    assert verdict.message.strip()
    return verdict


def test_a_question_in_the_question_phase_is_allowed() -> None:
    verdict = check_post(
        round_at("comprehension-questions"), member(ANNA), Draft(PostType.QUESTION, "How long?")
    )
    assert isinstance(verdict, Allowed)


def test_advice_in_the_question_phase_is_the_wrong_phase() -> None:
    verdict = check_post(
        round_at("comprehension-questions"), member(ANNA), Draft(PostType.ADVICE, "Try X")
    )
    message = _refused(verdict, Reason.WRONG_PHASE).message
    assert "5. Consultation" in message


def test_the_case_bringer_posting_advice_is_the_wrong_role() -> None:
    verdict = check_post(
        round_at("consultation"), member(CASE_BRINGER), Draft(PostType.ADVICE, "x")
    )
    _refused(verdict, Reason.WRONG_ROLE)


def test_the_case_bringer_cannot_rate_during_the_silent_consultation_but_can_in_closing() -> None:
    rating = Draft(
        PostType.RATING, target_id=ADVICE.post_id, score=4, tags=frozenset({"actionable"})
    )
    posts = (CASE_POST, QUESTION, ADVICE)
    _refused(
        check_post(round_at("consultation", posts), member(CASE_BRINGER), rating), Reason.SILENT
    )
    assert check_post(round_at("closing", posts), member(CASE_BRINGER), rating)


def test_a_closed_exercise_refuses_everything() -> None:
    closed = round_at("closing", closed=True)
    for user in (ANNA, CASE_BRINGER, MODERATOR):
        for kind in (PostType.TAKEAWAY, PostType.ACTION_PLAN, PostType.QUESTION):
            _refused(check_post(closed, member(user), Draft(kind, "text")), Reason.CLOSED)


def test_before_the_round_opens_nothing_can_be_posted() -> None:
    not_open = Round(CC, assignment(), NOT_OPEN)
    _refused(check_post(not_open, member(CASE_BRINGER), GOOD_CASE), Reason.NOT_STARTED)


def test_someone_outside_the_group_is_refused_first() -> None:
    verdict = check_post(
        round_at("comprehension-questions"), Actor(OUTSIDER, None), Draft(PostType.QUESTION, "q")
    )
    _refused(verdict, Reason.NOT_IN_GROUP)


def test_an_instructor_does_not_post() -> None:
    verdict = check_post(
        round_at("comprehension-questions"), instructor(), Draft(PostType.QUESTION, "q")
    )
    _refused(verdict, Reason.INSTRUCTORS_DO_NOT_POST)


def test_a_withdrawn_case_ends_posting() -> None:
    withdrawn = round_at("comprehension-questions", status=CaseStatus.WITHDRAWN)
    _refused(
        check_post(withdrawn, member(ANNA), Draft(PostType.QUESTION, "q")), Reason.CASE_WITHDRAWN
    )


def test_questions_wait_for_the_case() -> None:
    no_case = round_at("comprehension-questions", posts=(), status=CaseStatus.NONE)
    _refused(check_post(no_case, member(ANNA), Draft(PostType.QUESTION, "q")), Reason.NO_CASE_YET)


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n"])
def test_empty_text_is_refused(text: str) -> None:
    verdict = check_post(
        round_at("comprehension-questions"), member(ANNA), Draft(PostType.QUESTION, text)
    )
    _refused(verdict, Reason.EMPTY)


@pytest.mark.parametrize("kind", sorted(LIMITS))
def test_each_type_has_a_limit_at_which_it_is_refused(kind: PostType) -> None:
    from lti_app.domain.exercises.validation import check_text

    assert check_text(kind, "x" * LIMITS[kind])
    message = _refused(check_text(kind, "x" * (LIMITS[kind] + 1)), Reason.TOO_LONG).message
    assert str(LIMITS[kind]) in message


@given(st.text(min_size=1, max_size=600))
def test_any_question_text_is_allowed_exactly_when_trimmed_it_fits(text: str) -> None:
    verdict = check_post(
        round_at("comprehension-questions"), member(ANNA), Draft(PostType.QUESTION, text)
    )
    body = text.strip()
    ok = bool(body) and len(body) <= LIMITS[PostType.QUESTION] and "\x00" not in body
    assert bool(verdict) is ok


def test_the_case_needs_the_whole_anonymisation_checklist() -> None:
    draft = Draft(
        PostType.CASE, case=GOOD_CASE.case, checklist=frozenset(ANONYMISATION_CHECKLIST[1:])
    )
    at_case = round_at("spontaneous-account", posts=(), status=CaseStatus.NONE)
    _refused(check_post(at_case, member(CASE_BRINGER), draft), Reason.CHECKLIST_INCOMPLETE)
    assert check_post(at_case, member(CASE_BRINGER), GOOD_CASE)


def test_the_case_fields_are_checked_one_by_one() -> None:
    at_case = round_at("spontaneous-account", posts=(), status=CaseStatus.NONE)
    no_role = Draft(PostType.CASE, case={"situation": "s"}, checklist=GOOD_CASE.checklist)
    assert (
        "own role"
        in _refused(check_post(at_case, member(CASE_BRINGER), no_role), Reason.EMPTY).message
    )
    long_situation = Draft(
        PostType.CASE,
        case={"situation": "s" * (CASE_LIMITS["situation"] + 1), "own_role": "r"},
        checklist=GOOD_CASE.checklist,
    )
    _refused(check_post(at_case, member(CASE_BRINGER), long_situation), Reason.TOO_LONG)
    extra = Draft(
        PostType.CASE, case={**GOOD_CASE.case, "client_name": "x"}, checklist=GOOD_CASE.checklist
    )
    _refused(check_post(at_case, member(CASE_BRINGER), extra), Reason.BAD_VALUE)


def test_the_key_question_is_required_in_the_case_only_without_its_own_phase() -> None:
    from lti_app.domain.exercises.validation import check_case

    assert check_case(CC, GOOD_CASE)  # Tietze: phase 3 is the key question
    troika = METHODS["troika-consulting"]
    verdict = check_case(troika, GOOD_CASE)
    assert "key question" in _refused(verdict, Reason.EMPTY).message
    with_question = Draft(
        PostType.CASE,
        case={**GOOD_CASE.case, "key_question": "How can I ...?"},
        checklist=GOOD_CASE.checklist,
    )
    assert check_case(troika, with_question)


def test_marks_and_answers_need_a_question_of_this_round() -> None:
    at = round_at("key-question")
    cb = member(CASE_BRINGER)
    assert check_post(at, cb, Draft(PostType.MARK, target_id=QUESTION.post_id, mark=Mark.WARM))
    _refused(
        check_post(at, cb, Draft(PostType.MARK, target_id=CASE_POST.post_id, mark=Mark.WARM)),
        Reason.BAD_TARGET,
    )
    _refused(
        check_post(at, cb, Draft(PostType.MARK, target_id=404, mark=Mark.COLD)), Reason.BAD_TARGET
    )
    _refused(check_post(at, cb, Draft(PostType.MARK, target_id=QUESTION.post_id)), Reason.BAD_VALUE)
    assert check_post(at, cb, Draft(PostType.ANSWER, "Two years.", target_id=QUESTION.post_id))
    _refused(
        check_post(at, cb, Draft(PostType.ANSWER, "", target_id=QUESTION.post_id)), Reason.EMPTY
    )


def test_a_hidden_question_cannot_be_answered() -> None:
    from dataclasses import replace

    hidden = replace(QUESTION, hidden=True)
    at = round_at("key-question", posts=(CASE_POST, hidden))
    verdict = check_post(
        at, member(CASE_BRINGER), Draft(PostType.ANSWER, "a", target_id=hidden.post_id)
    )
    _refused(verdict, Reason.BAD_TARGET)


@pytest.mark.parametrize(("score", "tags", "ok"), [
    (1, frozenset(), True),
    (5, frozenset({"new-perspective", "actionable"}), True),
    (0, frozenset(), False),
    (6, frozenset(), False),
    (None, frozenset(), False),
    (3, frozenset({"brilliant"}), False),
])  # fmt: skip
def test_ratings_are_1_to_5_with_known_tags(
    score: int | None, tags: frozenset[str], ok: bool
) -> None:
    at = round_at("closing", posts=(CASE_POST, QUESTION, ADVICE))
    draft = Draft(PostType.RATING, target_id=ADVICE.post_id, score=score, tags=tags)
    verdict = check_post(at, member(CASE_BRINGER), draft)
    assert bool(verdict) is ok
    if not ok:
        _refused(verdict, Reason.BAD_VALUE)


def test_a_rating_targets_advice_or_hypotheses_not_questions() -> None:
    at = round_at("closing", posts=(CASE_POST, QUESTION, ADVICE))
    draft = Draft(PostType.RATING, target_id=QUESTION.post_id, score=3)
    _refused(check_post(at, member(CASE_BRINGER), draft), Reason.BAD_TARGET)


def test_a_nul_character_is_refused() -> None:
    verdict = check_post(
        round_at("comprehension-questions"), member(ANNA), Draft(PostType.QUESTION, "a\x00b")
    )
    _refused(verdict, Reason.BAD_VALUE)


def test_a_stand_alone_post_with_a_target_is_refused() -> None:
    verdict = check_post(
        round_at("comprehension-questions"),
        member(ANNA),
        Draft(PostType.QUESTION, "q", target_id=QUESTION.post_id),
    )
    _refused(verdict, Reason.BAD_TARGET)
