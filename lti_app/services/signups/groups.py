"""Stable groups of a sheet: formed balanced from the roster, or one person moved by hand; the
sheet is locked so two edits run one after the other."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.groups import Grouping, form_groups, move_member
from lti_app.domain.signups.problems import Problem
from lti_app.i18n import gettext
from lti_app.storage import db, signups_repo
from lti_app.storage.signups_repo import GroupRecord


@dataclass(frozen=True, slots=True)
class GroupsSaved:
    """The sheet's groups after the change, or (with ``problems``) as they were."""

    groups: tuple[GroupRecord, ...]
    problems: tuple[Problem, ...] = ()


def _group_names(count: int) -> list[str]:
    """Named once, when formed, in the language of the instructor who forms them."""
    return [str(gettext("Group %(number)s", number=n)) for n in range(1, count + 1)]


def form_sheet_groups(
    scope: CourseScope,
    *,
    sheet_id: int,
    roster: Iterable[int],
    size_min: int,
    size_max: int,
    now: datetime,
    seed: int | None = None,
) -> GroupsSaved:
    """Replace the sheet's stable groups with balanced ones formed from ``roster``; the size
    range is kept on the sheet with them (the groups page's default next time)."""
    grouping = form_groups(list(roster), size_min, size_max, seed)
    with db.write_transaction() as session:
        signups_repo.lock_sheet(session, scope, sheet_id)
        if grouping.problems:
            return GroupsSaved(
                signups_repo.sheet_groups(session, scope, sheet_id), grouping.problems
            )
        named = list(zip(_group_names(len(grouping.groups)), grouping.groups, strict=True))
        signups_repo.save_group_range(session, scope, sheet_id, size_min, size_max, now)
        return GroupsSaved(signups_repo.save_groups(session, scope, sheet_id, named, now))


def move_group_member(
    scope: CourseScope,
    *,
    sheet_id: int,
    user_id: int,
    to_group_id: int,
    size_min: int,
    size_max: int,
    now: datetime,
) -> GroupsSaved:
    """Move one person to another stable group by hand (``groups.move_member`` checks sizes);
    the range checked against is kept on the sheet."""
    with db.write_transaction() as session:
        signups_repo.lock_sheet(session, scope, sheet_id)
        current = signups_repo.sheet_groups(session, scope, sheet_id)
        index = next((i for i, g in enumerate(current) if g.id == to_group_id), -1)
        moved: Grouping = move_member(
            tuple(g.members for g in current), user_id, index, size_min, size_max
        )
        if moved.problems:
            return GroupsSaved(current, moved.problems)
        named = [(g.name, members) for g, members in zip(current, moved.groups, strict=True)]
        signups_repo.save_group_range(session, scope, sheet_id, size_min, size_max, now)
        return GroupsSaved(signups_repo.save_groups(session, scope, sheet_id, named, now))
