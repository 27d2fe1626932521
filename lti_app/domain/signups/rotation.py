"""Fair rotation of session roles over a term: everyone brings a case and moderates in turn.

For each role, the next person is who took it fewest times, then longest ago (never counts as
longest), then whoever comes first in the members list (the caller's stable order, e.g. the
roster); ``choose_roles`` weighs whole assignments so that this comes out even over a term (see
``_best``). One person takes one role per session unless there are more roles than people,
also when the instructor fixes roles by hand (that is a Problem, never an exception).
Role names are the catalogue's role ids (``case-bringer``, ``moderator``, ``timekeeper``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.signups.problems import Problem


@dataclass(frozen=True, slots=True)
class RoleTaken:
    """One past session in which ``user_id`` took ``role``."""

    user_id: int
    role: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RoleTally:
    user_id: int
    role: str
    times: int
    last: datetime | None


def tally(members: Sequence[int], history: Sequence[RoleTaken], role: str) -> tuple[RoleTally, ...]:
    """Every member's count for ``role``, fairest next first."""
    order = {user: index for index, user in enumerate(members)}
    rows = []
    for user in members:
        taken = [h.at for h in history if h.user_id == user and h.role == role]
        rows.append(RoleTally(user, role, len(taken), max(taken, default=None)))

    def fairness(row: RoleTally) -> tuple[int, int, float, int]:
        never = 0 if row.last is None else 1
        when = row.last.timestamp() if row.last is not None else 0.0
        return (row.times, never, when, order[row.user_id])

    return tuple(sorted(rows, key=fairness))


def not_yet(members: Sequence[int], history: Sequence[RoleTaken], role: str) -> tuple[int, ...]:
    """Members who have never taken ``role``, in members order."""
    done = {h.user_id for h in history if h.role == role}
    return tuple(user for user in members if user not in done)


@dataclass(frozen=True, slots=True)
class Rotation:
    """``assigned`` maps each role to a user; ``problems`` says why there is none."""

    assigned: Mapping[str, int]
    problems: tuple[Problem, ...] = ()


def choose_roles(
    members: Sequence[int],
    roles: Sequence[str],
    history: Sequence[RoleTaken],
    fixed: Mapping[str, int] | None = None,
) -> Rotation:
    """Who takes each of ``roles`` next; ``fixed`` are the instructor's own assignments.

    Every role may be fixed (nothing is left to rotate). What cannot be done comes back as
    ``problems`` with nothing assigned, never as an exception.
    """
    fixed = dict(fixed or {})
    if not members:
        return Rotation({}, (Problem("members", "Nobody is in this session to take a role."),))
    strangers = [role for role, user in fixed.items() if user not in members]
    if strangers:
        return Rotation(
            {},
            tuple(
                Problem(role, f"The person chosen as {role} is not in this session.")
                for role in strangers
            ),
        )
    open_roles = [role for role in roles if role not in fixed]
    free = [user for user in members if user not in fixed.values()]
    if len(members) < len(roles):
        return _doubled(members, roles, history, fixed)
    doubled = _fixed_twice(roles, fixed)
    if doubled:
        return Rotation({}, doubled)
    if not open_roles:
        return Rotation({role: fixed[role] for role in roles} | fixed)
    if len(free) < len(open_roles):
        role = open_roles[len(free)]
        return Rotation(
            {}, (Problem(role, f"Everyone already has a role; nobody is left for {role}."),)
        )
    if math.perm(len(free), len(open_roles)) > MAX_CANDIDATES:
        picks = _greedy(members, free, open_roles, history)
    else:
        picks = _best(members, free, open_roles, history)
    chosen = dict(zip(open_roles, picks, strict=True)) | fixed
    return Rotation({role: chosen[role] for role in roles} | fixed)


MAX_CANDIDATES = 20_000
"""Above this many ways to fill the roles (big groups), pick greedily role by role."""


def _fixed_twice(roles: Sequence[str], fixed: Mapping[str, int]) -> tuple[Problem, ...]:
    """With enough people nobody is given two roles by hand either: one problem per role
    given to someone who already has an earlier one."""
    seen: dict[int, str] = {}
    problems = []
    for role in [*roles, *(r for r in fixed if r not in roles)]:
        if role not in fixed:
            continue
        user = fixed[role]
        if user in seen:
            problems.append(
                Problem(
                    role,
                    f"The person chosen as {role} is already {seen[user]}; there are enough "
                    "people in this session for one role each. Choose someone else.",
                )
            )
        else:
            seen[user] = role
    return tuple(problems)


def _best(
    members: Sequence[int], free: Sequence[int], roles: Sequence[str], history: Sequence[RoleTaken]
) -> tuple[int, ...]:
    """The fairest way to fill ``roles`` at once, so a term comes out even.

    Role by role (greedy) someone fairest for two roles takes only one, and at the end of a
    round one person is left owing two roles that only one session remains for. So the choice
    is made over whole assignments: least over each role's fewest count (worst case, then in
    total), then leaving out those who owe the fewest roles, then longest ago, then members
    order. With up to ten people this gives every role to everyone equally over a term.
    """
    times = {(u, r): 0 for u in members for r in roles}
    last: dict[tuple[int, str], float] = {}
    for taken in history:
        if (taken.user_id, taken.role) in times:
            times[taken.user_id, taken.role] += 1
            stamp = taken.at.timestamp()
            last[taken.user_id, taken.role] = max(
                last.get((taken.user_id, taken.role), stamp), stamp
            )
    fewest = {r: min(times[u, r] for u in members) for r in roles}
    owed = {u: sum(1 for r in roles if times[u, r] == fewest[r]) for u in free}
    order = {u: i for i, u in enumerate(members)}

    def unfairness(picks: tuple[int, ...]) -> tuple[int, int, int, float, tuple[int, ...]]:
        over = [times[u, r] - fewest[r] for u, r in zip(picks, roles, strict=True)]
        left_out = sum(owed[u] for u in free if u not in picks)
        when = sum(last.get((u, r), -1e12) for u, r in zip(picks, roles, strict=True))
        return (max(over, default=0), sum(over), left_out, when, tuple(order[u] for u in picks))

    return min(itertools.permutations(free, len(roles)), key=unfairness)


def _greedy(
    members: Sequence[int], free: Sequence[int], roles: Sequence[str], history: Sequence[RoleTaken]
) -> tuple[int, ...]:
    picks: list[int] = []
    for role in roles:
        row = next(
            r for r in tally(members, history, role) if r.user_id in free and r.user_id not in picks
        )
        picks.append(row.user_id)
    return tuple(picks)


def _doubled(
    members: Sequence[int],
    roles: Sequence[str],
    history: Sequence[RoleTaken],
    fixed: Mapping[str, int],
) -> Rotation:
    """More roles than people: each takes one before anyone takes two, fairest first."""
    load = dict.fromkeys(members, 0)
    for user in fixed.values():
        load[user] += 1
    assigned = dict(fixed)
    for role in roles:
        if role not in assigned:
            ranked = tally(members, history, role)
            pick = min(ranked, key=lambda row: load[row.user_id]).user_id
            assigned[role] = pick
            load[pick] += 1
    return Rotation({role: assigned[role] for role in roles} | dict(fixed))
