"""Follow-ups of action plans (``domain.exercises.follow_up``): what ties rounds together, a
person's action plans in the course, and the answers given in a later round. Every query takes
the ``CourseScope``; nothing is decided here. The answer's text is read only for the round page
(:func:`answers_in`); no export, grade or log reads this table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.domain.exercises.follow_up import PlanRef, RoundLink
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.scope import CourseScope
from lti_app.storage.exercise_groups_repo import bump
from lti_app.storage.exercise_models import (
    ExerciseContribution,
    ExerciseFollowUp,
    ExerciseGroup,
    ExerciseGroupMember,
)
from lti_app.storage.exercises_repo import in_course
from lti_app.storage.signup_models import SignupSession


@dataclass(frozen=True, slots=True)
class PlanText:
    """An action plan as its author reads it back (raw Markdown; empty when purged)."""

    plan_id: int
    group_id: int
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    plan_id: int
    author_id: int
    body: str
    created_at: datetime


def round_links(
    session: Session, scope: CourseScope, group_ids: Iterable[int]
) -> dict[int, RoundLink]:
    """Each group's :class:`RoundLink`: its stable group (the one it was made from, or its
    session's; never its exercise's, which may run several stable groups) and its series."""
    ids = sorted(set(group_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(
            ExerciseGroup.id,
            ExerciseGroup.created_at,
            ExerciseGroup.stable_group_id,
            SignupSession.group_id.label("session_group_id"),
            SignupSession.series_id,
        )
        .outerjoin(
            SignupSession,
            (SignupSession.id == ExerciseGroup.signup_session_id)
            & (SignupSession.tenant_id == ExerciseGroup.tenant_id)
            & (SignupSession.course_id == ExerciseGroup.course_id),
        )
        .where(*in_course(ExerciseGroup, scope), ExerciseGroup.id.in_(ids))
    ).all()
    members: dict[int, set[int]] = {}
    for group_id, user_id in session.execute(
        select(ExerciseGroupMember.group_id, ExerciseGroupMember.user_id).where(
            *in_course(ExerciseGroupMember, scope), ExerciseGroupMember.group_id.in_(ids)
        )
    ):
        members.setdefault(group_id, set()).add(user_id)
    return {
        row.id: RoundLink(
            group_id=row.id,
            created_at=row.created_at,
            member_ids=frozenset(members.get(row.id, ())),
            stable_group_id=(
                row.stable_group_id if row.stable_group_id is not None else row.session_group_id
            ),
            series_id=row.series_id,
        )
        for row in rows
    }


def plans_of(session: Session, scope: CourseScope, user_id: int) -> tuple[PlanText, ...]:
    """The person's visible action plans in this course, oldest first."""
    rows = session.execute(
        select(
            ExerciseContribution.id,
            ExerciseContribution.group_id,
            ExerciseContribution.body,
            ExerciseContribution.created_at,
        )
        .where(
            *in_course(ExerciseContribution, scope),
            ExerciseContribution.author_id == user_id,
            ExerciseContribution.kind == PostType.ACTION_PLAN.value,
            ExerciseContribution.hidden.is_(False),
        )
        .order_by(ExerciseContribution.id)
    )
    return tuple(PlanText(r.id, r.group_id, r.body, r.created_at) for r in rows)


def plan_refs(
    session: Session, scope: CourseScope, user_id: int
) -> tuple[tuple[PlanRef, ...], dict[int, PlanText]]:
    """The person's plans as the domain takes them, and their texts by plan id."""
    texts = plans_of(session, scope, user_id)
    links = round_links(session, scope, (p.group_id for p in texts))
    refs = tuple(
        PlanRef(p.plan_id, user_id, links[p.group_id]) for p in texts if p.group_id in links
    )
    return refs, {p.plan_id: p for p in texts}


def answered(session: Session, scope: CourseScope, plan_ids: Iterable[int]) -> set[int]:
    ids = list(set(plan_ids))
    if not ids:
        return set()
    return set(
        session.scalars(
            select(ExerciseFollowUp.plan_id).where(
                *in_course(ExerciseFollowUp, scope), ExerciseFollowUp.plan_id.in_(ids)
            )
        )
    )


def answers_in(session: Session, scope: CourseScope, group_id: int) -> tuple[AnswerRecord, ...]:
    rows = session.scalars(
        select(ExerciseFollowUp)
        .where(*in_course(ExerciseFollowUp, scope), ExerciseFollowUp.group_id == group_id)
        .order_by(ExerciseFollowUp.id)
    )
    return tuple(AnswerRecord(r.plan_id, r.author_id, r.body, r.created_at) for r in rows)


def add_answer(
    session: Session,
    scope: CourseScope,
    group_id: int,
    plan_id: int,
    author_id: int,
    body: str,
    now: datetime,
) -> bool:
    """Store an answer the domain allowed; False when the plan was answered meanwhile (the
    unique constraint, met in a savepoint)."""
    try:
        with session.begin_nested():
            session.add(
                ExerciseFollowUp(
                    tenant_id=scope.tenant_id,
                    course_id=scope.course_id,
                    group_id=group_id,
                    plan_id=plan_id,
                    author_id=author_id,
                    body=body,
                    created_at=now,
                    updated_at=now,
                )
            )
    except IntegrityError:
        return False
    bump(session, scope, group_id, now)
    return True
