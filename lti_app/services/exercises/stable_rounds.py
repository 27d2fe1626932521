"""The rounds of an exercise's stable group, for the dashboard's round chooser: a stable group
meets round after round (one exercise placement per meeting, or its sign-up sessions: an
exercise whose groups come from a session of a stable group shows that group's rounds too),
and the instructor reads the process of one round at a time, or the rounds side by side.
Process only, never content: everything here comes from ``dashboard.dashboard``'s counts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from lti_app.domain.errors import IntervisionError
from lti_app.domain.exercises.completion import Status
from lti_app.domain.exercises.process import Risk
from lti_app.domain.exercises.settings import ExerciseSettings, GroupSource
from lti_app.domain.scope import CourseScope
from lti_app.services.exercises.dashboard import Dashboard, GroupDashboard, dashboard
from lti_app.storage import db, exercises_repo, signups_repo, stable_group_rounds_repo
from lti_app.storage.exercises_repo import DbSession
from lti_app.storage.signups_repo import SessionNotFound


class UnknownRound(IntervisionError):
    status = 404
    title = "No such round"
    message = (
        "That round is not one of this stable group's rounds in this course. "
        "Open the dashboard again and choose a round from its list."
    )


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """One round's process in a line: where it stands and how many took part."""

    number: int
    group_id: int
    exercise_id: int
    exercise_title: str
    created_at: datetime
    this_exercise: bool
    phase_index: int | None
    phase_count: int
    closed: bool
    members: int
    posts: int
    reflections: int
    complete: int
    at_risk: tuple[Risk, ...]


@dataclass(frozen=True, slots=True)
class StableRounds:
    group_name: str
    rounds: tuple[RoundSummary, ...]
    chosen: RoundSummary | None
    """The round shown, or None for the whole exercise (the dashboard as without a choice)."""


def _summary(
    number: int, row: stable_group_rounds_repo.RoundRow, board: Dashboard, here: int
) -> RoundSummary | None:
    group = next((g for g in board.groups if g.group_id == row.group_id), None)
    if group is None:  # pragma: no cover - gone between the two reads
        return None
    return RoundSummary(
        number=number,
        group_id=row.group_id,
        exercise_id=row.exercise_id,
        exercise_title=row.exercise_title,
        created_at=row.created_at,
        this_exercise=row.exercise_id == here,
        phase_index=group.phase_index,
        phase_count=len(board.phases),
        closed=group.closed,
        members=len(group.members),
        posts=sum(group.process.posts_per_member.values()),
        reflections=len(group.process.reflections_by),
        complete=sum(1 for c in group.completion if c.status is Status.COMPLETE),
        at_risk=group.process.at_risk,
    )


def stable_rounds(
    scope: CourseScope, exercise_id: int, round_group_id: int | None, now: datetime
) -> tuple[StableRounds | None, Dashboard]:
    """The stable group's rounds (None unless the exercise takes a stable group) and the
    dashboard to show: the chosen round's group only, or the exercise's own without a choice.
    The stable group is the chosen round's own when this exercise runs a round of it (one
    exercise may run several groups), else the exercise's. A ``round_group_id`` that is not
    one of the rounds raises :class:`UnknownRound`."""
    with db.transaction() as session:
        exercise = exercises_repo.get_exercise(session, scope, exercise_id)
        stable_id = _stable_group_of(session, scope, exercise.settings)
        if stable_id is not None and round_group_id is not None:
            own = stable_group_rounds_repo.stable_group_of(session, scope, round_group_id)
            runs = stable_group_rounds_repo.started_in(session, scope, exercise_id)
            if own is not None and own in runs:  # a stable group this exercise runs
                stable_id = own
        if stable_id is None:
            if round_group_id is not None:
                raise UnknownRound(f"exercise {exercise_id} takes no stable group")
            return None, dashboard(scope, exercise_id, now)
        name = stable_group_rounds_repo.group_name(session, scope, stable_id)
        rows = stable_group_rounds_repo.rounds_of(session, scope, stable_id)
    boards = {e: dashboard(scope, e, now) for e in {r.exercise_id for r in rows} | {exercise_id}}
    found = (
        _summary(n, row, boards[row.exercise_id], exercise_id) for n, row in enumerate(rows, 1)
    )
    summaries = tuple(s for s in found if s is not None)
    chosen = None
    board = boards[exercise_id]
    if round_group_id is not None:
        chosen = next((s for s in summaries if s.group_id == round_group_id), None)
        if chosen is None:
            raise UnknownRound(f"group {round_group_id} is not a round of {stable_id}")
        whole = boards[chosen.exercise_id]
        board = replace(whole, groups=_only(whole.groups, chosen.group_id))
    return StableRounds(name or f"Group {stable_id}", summaries, chosen), board


def _stable_group_of(
    session: DbSession, scope: CourseScope, settings: ExerciseSettings | None
) -> int | None:
    """The exercise's stable group, or the stable group its sign-up session belongs to (a
    session gone from the course has none); None for self-formed groups."""
    if settings is None:
        return None
    if settings.group_source is GroupSource.STABLE_GROUP:
        return settings.group_id
    if settings.group_source is GroupSource.SESSION and settings.session_id is not None:
        try:
            return signups_repo.get_session(session, scope, settings.session_id).group_id
        except SessionNotFound:
            return None
    return None


def _only(groups: tuple[GroupDashboard, ...], group_id: int) -> tuple[GroupDashboard, ...]:
    return tuple(g for g in groups if g.group_id == group_id)
