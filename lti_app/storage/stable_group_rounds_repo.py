"""The rounds a stable sign-up group has had in a course: every exercise group made for it,
whether its exercise names the stable group or its sign-up session belongs to the group (the
same link ``exercise_follow_ups_repo.round_links`` draws for follow-ups). Ids, titles and dates
only: the dashboard's round chooser never needs a word anyone wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.storage.exercise_models import Exercise, ExerciseGroup
from lti_app.storage.exercises_repo import in_course
from lti_app.storage.signup_models import SignupGroup, SignupSession


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
            or_(
                Exercise.stable_group_id == stable_group_id,
                SignupSession.group_id == stable_group_id,
            ),
        )
        .order_by(ExerciseGroup.created_at, ExerciseGroup.id)
    ).all()
    return tuple(RoundRow(r.id, r.exercise_id, r.title or "", r.created_at) for r in rows)
