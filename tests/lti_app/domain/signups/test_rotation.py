"""Fair rotation: fewest times, then longest ago, then members order; one role each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lti_app.domain.signups.rotation import RoleTaken, choose_roles, not_yet, tally

ROLES = ("case-bringer", "moderator", "timekeeper")


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 18, tzinfo=UTC)


def test_with_no_history_roles_go_in_members_order() -> None:
    rotation = choose_roles([7, 3, 5, 9], ROLES, [])
    assert rotation.problems == ()
    assert rotation.assigned == {"case-bringer": 7, "moderator": 3, "timekeeper": 5}


def test_fewest_times_first() -> None:
    history = [
        RoleTaken(1, "moderator", _at(1)),
        RoleTaken(1, "moderator", _at(8)),
        RoleTaken(2, "moderator", _at(15)),
    ]
    assert [row.user_id for row in tally([1, 2, 3], history, "moderator")] == [3, 2, 1]


def test_equal_counts_go_to_who_took_it_longest_ago() -> None:
    history = [RoleTaken(1, "moderator", _at(15)), RoleTaken(2, "moderator", _at(1))]
    rows = tally([1, 2], history, "moderator")
    assert [row.user_id for row in rows] == [2, 1]
    assert (rows[0].times, rows[0].last) == (1, _at(1))


def test_other_roles_do_not_count_for_this_one() -> None:
    history = [RoleTaken(1, "case-bringer", _at(1))]
    assert tally([1, 2], history, "moderator")[0].user_id == 1


def test_nobody_takes_two_roles_when_there_are_enough_people() -> None:
    # Person 1 is fairest for every role, but takes only the first.
    history = [RoleTaken(u, r, _at(2)) for u in (2, 3) for r in ROLES]
    rotation = choose_roles([1, 2, 3], ROLES, history)
    assert rotation.assigned["case-bringer"] == 1
    assert sorted(rotation.assigned.values()) == [1, 2, 3]


def test_a_small_group_doubles_up_fairly() -> None:
    rotation = choose_roles([4, 5], ROLES, [RoleTaken(4, "timekeeper", _at(1))])
    assert rotation.assigned == {"case-bringer": 4, "moderator": 5, "timekeeper": 5}


def test_fixed_assignments_are_kept_and_count_as_a_role() -> None:
    rotation = choose_roles([1, 2, 3], ROLES, [], fixed={"moderator": 1})
    assert rotation.assigned == {"case-bringer": 2, "moderator": 1, "timekeeper": 3}


def test_a_fixed_person_outside_the_session_is_a_problem() -> None:
    rotation = choose_roles([1, 2], ROLES, [], fixed={"moderator": 99})
    assert rotation.assigned == {}
    assert rotation.problems[0].field == "moderator"
    assert "not in this session" in rotation.problems[0].message


def test_no_members_is_a_problem() -> None:
    rotation = choose_roles([], ROLES, [])
    assert rotation.problems[0].message == "Nobody is in this session to take a role."


def test_too_many_fixed_roles_leave_nobody_free() -> None:
    rotation = choose_roles([1, 2], ("a", "b"), [], fixed={"c": 1, "d": 2})
    assert (
        rotation.problems[0].field == "a" and "nobody is left for a" in rotation.problems[0].message
    )


@pytest.mark.parametrize("size", range(3, 11))
def test_over_a_term_everyone_takes_every_role_equally(size: int) -> None:
    members = list(range(10, 10 + size))
    history: list[RoleTaken] = []
    for week in range(2 * size):  # two rounds: each person each role twice
        rotation = choose_roles(members, ROLES, history)
        assert len(set(rotation.assigned.values())) == len(ROLES)
        for role, user in rotation.assigned.items():
            history.append(RoleTaken(user, role, _at(1) + timedelta(weeks=week)))
    for role in ROLES:
        assert {row.times for row in tally(members, history, role)} == {2}, role


def test_big_groups_are_filled_role_by_role_and_still_one_role_each() -> None:
    members = list(range(1, 41))  # 40 * 39 * 38 ways: above MAX_CANDIDATES
    history = [RoleTaken(1, "case-bringer", _at(1)), RoleTaken(2, "moderator", _at(1))]
    rotation = choose_roles(members, ROLES, history)
    assert rotation.assigned == {"case-bringer": 2, "moderator": 1, "timekeeper": 3}


def test_not_yet_lists_who_never_took_the_role() -> None:
    history = [RoleTaken(2, "moderator", _at(1)), RoleTaken(3, "timekeeper", _at(1))]
    assert not_yet([1, 2, 3], history, "moderator") == (1, 3)


def test_every_role_fixed_by_hand_is_kept_without_rotating() -> None:
    rotation = choose_roles([1, 2, 3], ("moderator", "timekeeper"), [], fixed={
        "moderator": 3, "timekeeper": 1})  # fmt: skip
    assert rotation.problems == ()
    assert rotation.assigned == {"moderator": 3, "timekeeper": 1}


def test_one_person_fixed_for_two_roles_is_a_problem_when_enough_people() -> None:
    rotation = choose_roles([1, 2, 3], ("moderator", "timekeeper"), [], fixed={
        "moderator": 2, "timekeeper": 2})  # fmt: skip
    assert rotation.assigned == {}
    assert rotation.problems[0].field == "timekeeper"
    assert "already moderator" in rotation.problems[0].message


def test_one_person_fixed_for_two_roles_is_fine_when_the_group_is_too_small() -> None:
    rotation = choose_roles([2], ("moderator", "timekeeper"), [], fixed={
        "moderator": 2, "timekeeper": 2})  # fmt: skip
    assert rotation.problems == ()
    assert rotation.assigned == {"moderator": 2, "timekeeper": 2}
