"""Module completions of one course: every query takes the ``CourseScope`` first.

Rows stay inside storage; callers get frozen :class:`CompletionRecord` values. One row per
(course, user, module), so a double click or two tabs cannot create two completions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.storage.models import LtiUser
from lti_app.storage.progress_models import ModuleCompletion


@dataclass(frozen=True, slots=True)
class CompletionRecord:
    module_slug: str
    completed_at: datetime


def _in_course(scope: CourseScope) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (
        ModuleCompletion.tenant_id == scope.tenant_id,
        ModuleCompletion.course_id == scope.course_id,
    )


def _record(row: ModuleCompletion) -> CompletionRecord:
    return CompletionRecord(row.module_slug, row.completed_at)


def _find_row(
    session: Session, scope: CourseScope, user_id: int, module_slug: str
) -> ModuleCompletion | None:
    return session.scalar(
        select(ModuleCompletion).where(
            *_in_course(scope),
            ModuleCompletion.user_id == user_id,
            ModuleCompletion.module_slug == module_slug,
        )
    )


def find_completion(
    session: Session, scope: CourseScope, user_id: int, module_slug: str
) -> CompletionRecord | None:
    row = _find_row(session, scope, user_id, module_slug)
    return _record(row) if row is not None else None


def mark_done(
    session: Session, scope: CourseScope, user_id: int, module_slug: str, now: datetime
) -> tuple[CompletionRecord, bool]:
    """Insert the completion once; returns (record, created). A concurrent insert is not an
    error: the unique constraint decides, inside a savepoint, and the winner's row is returned."""
    existing = _find_row(session, scope, user_id, module_slug)
    if existing is not None:
        return _record(existing), False
    row = ModuleCompletion(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        user_id=user_id,
        module_slug=module_slug,
        completed_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        winner = _find_row(session, scope, user_id, module_slug)
        assert winner is not None
        return _record(winner), False
    return _record(row), True


def completion_dates(session: Session, scope: CourseScope, user_id: int) -> dict[str, datetime]:
    """When this person marked each module of this course as done (slug → time)."""
    rows = session.execute(
        select(ModuleCompletion.module_slug, ModuleCompletion.completed_at).where(
            *_in_course(scope), ModuleCompletion.user_id == user_id
        )
    )
    return {slug: completed_at for slug, completed_at in rows}


def completion_counts(session: Session, scope: CourseScope) -> dict[str, int]:
    """How many people marked each module of this course as done (slug → count)."""
    rows = session.execute(
        select(ModuleCompletion.module_slug, func.count(ModuleCompletion.id))
        .where(*_in_course(scope))
        .group_by(ModuleCompletion.module_slug)
    )
    return {slug: int(count) for slug, count in rows}


def people_with_progress(session: Session, scope: CourseScope) -> int:
    """How many different people in this course marked at least one module as done."""
    count = session.scalar(
        select(func.count(func.distinct(ModuleCompletion.user_id))).where(*_in_course(scope))
    )
    return int(count or 0)


@dataclass(frozen=True, slots=True)
class PersonCompletions:
    """One person's completions in a course, with the name the platform shared (None when it
    withheld it: the view shows a pseudonym, never the platform's ``sub``)."""

    user_id: int
    name: str | None
    completed: dict[str, datetime]


def completions_by_person(session: Session, scope: CourseScope) -> list[PersonCompletions]:
    """Everyone in this course with at least one completion, in user-id order, with the
    name from their own launches (a user row of another platform never joins: ids are ours)."""
    rows = session.execute(
        select(
            ModuleCompletion.user_id,
            LtiUser.name,
            ModuleCompletion.module_slug,
            ModuleCompletion.completed_at,
        )
        .join(LtiUser, LtiUser.id == ModuleCompletion.user_id)
        .where(*_in_course(scope))
        .order_by(ModuleCompletion.user_id, ModuleCompletion.module_slug)
    )
    people: dict[int, PersonCompletions] = {}
    for user_id, name, slug, completed_at in rows:
        person = people.get(user_id)
        if person is None:
            shared = name.strip() if name and name.strip() else None
            person = people[user_id] = PersonCompletions(user_id, shared, {})
        person.completed[slug] = completed_at
    return list(people.values())
