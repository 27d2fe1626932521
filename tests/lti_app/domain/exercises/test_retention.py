"""Purge dates of case text, and what a purge blanks and keeps."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.retention import (
    KEPT,
    NOTHING_YET,
    PURGED,
    decide_purge,
    purge_at,
    round_end,
)
from lti_app.domain.exercises.validation import Posted
from tests.support.exercise_rounds import T0

DAY = timedelta(days=1)
POSTS = tuple(Posted(i, 1, kind, 0) for i, kind in enumerate(PostType))


def test_purge_is_retention_days_after_the_session_ends() -> None:
    assert purge_at(30, closed_at=None, session_ends_at=T0) == T0 + 30 * DAY


def test_purge_is_retention_days_after_close_when_it_closes_first() -> None:
    assert purge_at(7, closed_at=T0, session_ends_at=T0 + 2 * DAY) == T0 + 7 * DAY
    assert purge_at(7, closed_at=T0 + 9 * DAY, last_deadline=T0) == T0 + 7 * DAY


def test_no_end_known_means_no_purge_date_yet() -> None:
    assert purge_at(30, closed_at=None) is None
    assert decide_purge(POSTS, None, T0) == NOTHING_YET


def test_a_withdrawn_case_is_purged_at_once() -> None:
    assert purge_at(30, closed_at=None, session_ends_at=T0, withdrawn_at=T0 - DAY) == T0 - DAY


def test_purge_blanks_case_text_and_bodies_and_keeps_reflections_ratings_and_marks() -> None:
    due = T0
    assert decide_purge(POSTS, due, due - timedelta(seconds=1)) == NOTHING_YET
    purge = decide_purge(POSTS, due, due)
    assert purge.case_text and purge.flag_reasons
    purged_kinds = {POSTS[i].kind for i in purge.post_ids}
    assert purged_kinds == {
        PostType.CASE,
        PostType.KEY_QUESTION,
        PostType.QUESTION,
        PostType.ANSWER,
        PostType.HYPOTHESIS,
        PostType.ADVICE,
    }
    assert {PostType.ACTION_PLAN, PostType.TAKEAWAY, PostType.RATING, PostType.MARK} == KEPT
    assert PURGED | KEPT == set(PostType) and not PURGED & KEPT
    assert decide_purge(POSTS, due, due + 100 * DAY) == purge  # idempotent


def test_after_a_withdrawal_the_reflections_go_too() -> None:
    purge = decide_purge(POSTS, T0, T0, withdrawn=True)
    kinds = {POSTS[i].kind for i in purge.post_ids}
    assert {PostType.ACTION_PLAN, PostType.TAKEAWAY} <= kinds
    assert PostType.RATING not in kinds


@given(
    st.integers(1, 365),
    st.one_of(st.none(), st.integers(-1000, 1000)),
    st.one_of(st.none(), st.integers(-1000, 1000)),
)
def test_the_purge_never_comes_later_than_any_known_end_plus_retention(
    days: int, closed: int | None, planned: int | None
) -> None:
    closed_at = None if closed is None else T0 + timedelta(hours=closed)
    planned_at = None if planned is None else T0 + timedelta(hours=planned)
    due = purge_at(days, closed_at=closed_at, session_ends_at=planned_at)
    ends = [at for at in (closed_at, planned_at) if at is not None]
    if not ends:
        assert due is None and round_end(closed_at, planned_at) is None
    else:
        assert due is not None
        assert all(due <= end + timedelta(days=days) for end in ends)
        assert due - timedelta(days=days) in ends
