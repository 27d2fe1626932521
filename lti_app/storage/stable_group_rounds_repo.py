"""The rounds a stable sign-up group has had in a course: every exercise group made for it,
whether the group was made from the stable group or its sign-up session belongs to it (the
same link ``exercise_follow_ups_repo.round_links`` draws for follow-ups). Ids, titles and dates
only: the dashboard's round chooser never needs a word anyone wrote."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.storage.exercise_models import Exercise, ExerciseGroup, ExerciseGroupMember
from lti_app.storage.exercises_repo import in_course
from lti_app.storage.signup_models import SignupGroup, SignupGroupMember, SignupSession


@dataclass(frozen=True, slots=True)
class RoundRow:
    group_id: int
    exercise_id: int
    exercise_title: str
    created_at: datetime


def group_name(session: Session, scope: CourseScope, stable_group_id: int) -> str | None:
    """The stable group's name, or None when the course has no such group."""
    return session.scalar(
        select(SignupGroup.name).where(
            SignupGroup.tenant_id == scope.tenant_id,
            SignupGroup.course_id == scope.course_id,
            SignupGroup.id == stable_group_id,
        )
    )


def rounds_of(session: Session, scope: CourseScope, stable_group_id: int) -> tuple[RoundRow, ...]:
    """The stable group's exercise groups in this course, oldest first (one query)."""
    rows = session.execute(
        select(
            ExerciseGroup.id, ExerciseGroup.exercise_id, Exercise.title, ExerciseGroup.created_at
        )
        .join(
            Exercise,
            (Exercise.id == ExerciseGroup.exercise_id)
            & (Exercise.tenant_id == ExerciseGroup.tenant_id)
            & (Exercise.course_id == ExerciseGroup.course_id),
        )
        .outerjoin(
            SignupSession,
            (SignupSession.id == ExerciseGroup.signup_session_id)
            & (SignupSession.tenant_id == ExerciseGroup.tenant_id)
            & (SignupSession.course_id == ExerciseGroup.course_id),
        )
        .where(
            *in_course(ExerciseGroup, scope),
            func.coalesce(ExerciseGroup.stable_group_id, SignupSession.group_id) == stable_group_id,
        )
        .order_by(ExerciseGroup.created_at, ExerciseGroup.id)
    ).all()
    return tuple(RoundRow(r.id, r.exercise_id, r.title or "", r.created_at) for r in rows)


def started_in(session: Session, scope: CourseScope, exercise_id: int) -> dict[int, int]:
    """Stable group -> its exercise group, for the groups of this exercise made from one."""
    rows = session.execute(
        select(ExerciseGroup.stable_group_id, ExerciseGroup.id)
        .where(
            *in_course(ExerciseGroup, scope),
            ExerciseGroup.exercise_id == exercise_id,
            ExerciseGroup.stable_group_id.is_not(None),
        )
        .order_by(ExerciseGroup.id)
    ).all()
    started: dict[int, int] = {}
    for stable, group in rows:
        started.setdefault(stable, group)
    return started


def stable_group_of(session: Session, scope: CourseScope, group_id: int) -> int | None:
    """The stable group an exercise group of this course was made from (or its session's)."""
    return session.scalar(
        select(func.coalesce(ExerciseGroup.stable_group_id, SignupSession.group_id))
        .select_from(ExerciseGroup)
        .outerjoin(
            SignupSession,
            (SignupSession.id == ExerciseGroup.signup_session_id)
            & (SignupSession.tenant_id == ExerciseGroup.tenant_id)
            & (SignupSession.course_id == ExerciseGroup.course_id),
        )
        .where(*in_course(ExerciseGroup, scope), ExerciseGroup.id == group_id)
    )


@dataclass(frozen=True, slots=True)
class StableGroupRow:
    """One stable group of the course (any sign-up sheet): id, name, sheet and head count."""

    id: int
    name: str
    sheet_id: int
    members: int


def course_groups(session: Session, scope: CourseScope) -> tuple[StableGroupRow, ...]:
    """Every stable group of this course, in creation order (one query)."""
    count = (
        select(func.count(SignupGroupMember.id))
        .where(
            SignupGroupMember.group_id == SignupGroup.id,
            SignupGroupMember.tenant_id == SignupGroup.tenant_id,
            SignupGroupMember.course_id == SignupGroup.course_id,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(SignupGroup.id, SignupGroup.name, SignupGroup.sheet_id, count.label("n"))
        .where(SignupGroup.tenant_id == scope.tenant_id, SignupGroup.course_id == scope.course_id)
        .order_by(SignupGroup.id)
    ).all()
    return tuple(StableGroupRow(r.id, r.name, r.sheet_id, r.n) for r in rows)


def roles_taken(
    session: Session, scope: CourseScope, group_ids: Sequence[int]
) -> tuple[tuple[int, str, datetime], ...]:
    """(user, method role, when the round was made) for every member of these exercise groups
    of this course: the history the fair rotation counts."""
    if not group_ids:
        return ()
    rows = session.execute(
        select(ExerciseGroupMember.user_id, ExerciseGroupMember.role, ExerciseGroup.created_at)
        .join(
            ExerciseGroup,
            (ExerciseGroup.id == ExerciseGroupMember.group_id)
            & (ExerciseGroup.tenant_id == ExerciseGroupMember.tenant_id)
            & (ExerciseGroup.course_id == ExerciseGroupMember.course_id),
        )
        .where(
            *in_course(ExerciseGroupMember, scope),
            ExerciseGroupMember.group_id.in_(sorted(set(group_ids))),
            ExerciseGroupMember.role.is_not(None),
        )
    ).all()
    return tuple((r.user_id, r.role, r.created_at) for r in rows)
