"""Stable intervision groups from a roster: as few groups as the range allows, balanced.

Balanced means sizes differ by at most one, so no group runs its method short-handed while
another has spare people. Output follows the input order (pass the roster sorted however the
course wants); ``seed`` shuffles it reproducibly first, for mixed groups that the same seed
always gives again.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from lti_app.domain.signups.problems import Problem

Groups = tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class Grouping:
    """The groups, or (when ``problems`` is not empty) why they could not be formed."""

    groups: Groups = ()
    problems: tuple[Problem, ...] = ()


def balanced_sizes(people: int, groups: int) -> tuple[int, ...]:
    """Sizes of ``groups`` groups for ``people``, larger first, differing by at most one."""
    size, extra = divmod(people, groups)
    return tuple(size + 1 if index < extra else size for index in range(groups))


def _fewest_groups(people: int, size_max: int) -> int:
    return -(-people // size_max)


def _fits(people: int, size_min: int, size_max: int) -> bool:
    groups = _fewest_groups(people, size_max)
    return min(balanced_sizes(people, groups)) >= size_min


def form_groups(
    roster: Sequence[int], size_min: int, size_max: int, seed: int | None = None
) -> Grouping:
    """Split ``roster`` (duplicates ignored) into the fewest balanced groups within the range."""
    if size_min < 1:
        return Grouping(problems=(Problem("size_min", "A group has at least 1 person."),))
    if size_max < size_min:
        return Grouping(
            problems=(Problem("size_max", "The largest group size is below the smallest."),)
        )
    people = list(dict.fromkeys(roster))
    if seed is not None:
        random.Random(seed).shuffle(people)  # noqa: S311 - fairness, not security
    if not people:
        return Grouping()
    if not _fits(len(people), size_min, size_max):
        return Grouping(problems=(_impossible(len(people), size_min, size_max),))
    groups: list[tuple[int, ...]] = []
    start = 0
    for size in balanced_sizes(len(people), _fewest_groups(len(people), size_max)):
        groups.append(tuple(people[start : start + size]))
        start += size
    return Grouping(tuple(groups))


def _impossible(people: int, size_min: int, size_max: int) -> Problem:
    ideas = []
    lower = min(balanced_sizes(people, _fewest_groups(people, size_max)))
    ideas.append(f"{lower}–{size_max}")
    if people >= size_min:
        higher = max(balanced_sizes(people, max(people // size_min, 1)))
        ideas.append(f"{size_min}–{higher}")
    return Problem(
        "size_min",
        f"{people} people cannot be split into groups of {size_min}–{size_max}. "
        f"Try a size range of {' or '.join(ideas)}.",
    )


def move_member(
    groups: Groups, user_id: int, to_group: int, size_min: int, size_max: int
) -> Grouping:
    """Move one person by hand; refused if either group would leave the size range."""
    source = next((i for i, group in enumerate(groups) if user_id in group), None)
    if source is None:
        return Grouping(groups, (Problem("user", "That person is in none of the groups."),))
    if not 0 <= to_group < len(groups):
        return Grouping(groups, (Problem("group", "There is no such group."),))
    if source == to_group:
        return Grouping(groups)
    problems = []
    if len(groups[source]) - 1 < size_min:
        problems.append(
            Problem(
                "group",
                f"Group {source + 1} would have {len(groups[source]) - 1} people, fewer than "
                f"the minimum of {size_min}. Move someone else in first, or merge the groups.",
            )
        )
    if len(groups[to_group]) + 1 > size_max:
        problems.append(
            Problem(
                "group",
                f"Group {to_group + 1} would have {len(groups[to_group]) + 1} people, more than "
                f"the maximum of {size_max}. Move someone out first.",
            )
        )
    if problems:
        return Grouping(groups, tuple(problems))
    moved = tuple(
        tuple(u for u in group if u != user_id) + ((user_id,) if index == to_group else ())
        for index, group in enumerate(groups)
    )
    return Grouping(moved)
