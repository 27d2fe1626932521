"""Group forming: fewest balanced groups within the range, clear problems, checked moves."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lti_app.domain.signups.groups import balanced_sizes, form_groups, move_member


@pytest.mark.parametrize(
    ("people", "size_min", "size_max", "sizes"),
    [
        (8, 4, 8, (8,)),
        (9, 4, 8, (5, 4)),
        (12, 4, 6, (6, 6)),
        (13, 4, 6, (5, 4, 4)),
        (7, 3, 4, (4, 3)),
        (3, 3, 4, (3,)),
        (1, 1, 1, (1,)),
    ],
)
def test_fewest_groups_balanced_within_range(
    people: int, size_min: int, size_max: int, sizes: tuple[int, ...]
) -> None:
    grouping = form_groups(list(range(1, people + 1)), size_min, size_max)
    assert grouping.problems == ()
    assert tuple(len(g) for g in grouping.groups) == sizes
    assert sorted(u for g in grouping.groups for u in g) == list(range(1, people + 1))


def test_groups_follow_the_input_order() -> None:
    assert form_groups([5, 3, 9, 1, 7], 2, 3).groups == ((5, 3, 9), (1, 7))


def test_a_seed_shuffles_reproducibly() -> None:
    roster = list(range(1, 21))
    first = form_groups(roster, 4, 5, seed=42).groups
    assert first == form_groups(roster, 4, 5, seed=42).groups
    assert first != form_groups(roster, 4, 5).groups
    assert sorted(u for g in first for u in g) == roster


def test_duplicates_in_the_roster_count_once() -> None:
    assert form_groups([1, 2, 2, 3], 1, 3).groups == ((1, 2, 3),)


def test_an_empty_roster_gives_no_groups_and_no_problem() -> None:
    grouping = form_groups([], 3, 4)
    assert grouping.groups == () and grouping.problems == ()


def test_five_people_in_groups_of_three_to_four_is_impossible_with_ranges_that_work() -> None:
    grouping = form_groups([1, 2, 3, 4, 5], 3, 4)
    assert grouping.groups == ()
    assert grouping.problems[0].field == "size_min"
    assert grouping.problems[0].message == (
        "5 people cannot be split into groups of 3–4. Try a size range of 2–4 or 3–5."
    )
    for size_min, size_max in ((2, 4), (3, 5)):
        assert form_groups([1, 2, 3, 4, 5], size_min, size_max).problems == ()


def test_fewer_people_than_the_minimum_suggests_only_a_smaller_minimum() -> None:
    message = form_groups([1, 2], 3, 4).problems[0].message
    assert message.endswith("Try a size range of 2–4.")


@pytest.mark.parametrize(
    ("size_min", "size_max", "field", "words"),
    [(0, 4, "size_min", "at least 1"), (4, 3, "size_max", "below the smallest")],
)
def test_bad_ranges(size_min: int, size_max: int, field: str, words: str) -> None:
    problem = form_groups([1, 2, 3], size_min, size_max).problems[0]
    assert problem.field == field and words in problem.message


def test_balanced_sizes_differ_by_at_most_one() -> None:
    assert balanced_sizes(14, 4) == (4, 4, 3, 3)


GROUPS = ((1, 2, 3, 4), (5, 6, 7))


def test_a_move_within_the_range_is_made() -> None:
    assert move_member(GROUPS, 1, 1, 3, 4).groups == ((2, 3, 4), (5, 6, 7, 1))


def test_a_move_that_leaves_a_group_too_small_is_refused() -> None:
    grouping = move_member(GROUPS, 5, 0, 3, 5)
    assert grouping.groups == GROUPS
    assert grouping.problems[0].message.startswith(
        "Group 2 would have 2 people, fewer than the minimum of 3."
    )


def test_a_move_that_makes_a_group_too_big_is_refused() -> None:
    grouping = move_member(GROUPS, 5, 0, 2, 4)
    assert "Group 1 would have 5 people, more than the maximum of 4" in (
        grouping.problems[0].message
    )


def test_both_limits_are_reported_together() -> None:
    assert len(move_member(GROUPS, 5, 0, 3, 4).problems) == 2


def test_moves_to_the_same_group_unknown_people_or_groups() -> None:
    assert move_member(GROUPS, 1, 0, 3, 4) == move_member(GROUPS, 2, 0, 3, 4)
    assert move_member(GROUPS, 1, 0, 3, 4).problems == ()
    assert move_member(GROUPS, 99, 0, 3, 4).problems[0].message == (
        "That person is in none of the groups."
    )
    assert move_member(GROUPS, 1, 5, 3, 4).problems[0].message == "There is no such group."


@settings(max_examples=300, deadline=None, database=None)
@given(
    people=st.integers(min_value=0, max_value=60),
    size_min=st.integers(min_value=1, max_value=8),
    extra=st.integers(min_value=0, max_value=6),
)
def test_any_roster_gives_valid_fewest_balanced_groups_or_a_problem_with_working_ranges(
    people: int, size_min: int, extra: int
) -> None:
    size_max = size_min + extra
    roster = list(range(people))
    grouping = form_groups(roster, size_min, size_max)
    if grouping.problems:
        # Really impossible: no number of balanced groups fits the range ...
        assert not any(
            size_min <= min(balanced_sizes(people, k))
            and max(balanced_sizes(people, k)) <= size_max
            for k in range(1, people + 1)
        )
        # ... and every suggested range works.
        for low, high in re.findall(r"(\d+)–(\d+)", grouping.problems[0].message)[1:]:
            assert form_groups(roster, int(low), int(high)).problems == ()
        return
    sizes = [len(g) for g in grouping.groups]
    assert sorted(u for g in grouping.groups for u in g) == roster
    assert all(size_min <= s <= size_max for s in sizes)
    assert not sizes or max(sizes) - min(sizes) <= 1
    assert len(sizes) == -(-people // size_max)  # the fewest groups of at most size_max
