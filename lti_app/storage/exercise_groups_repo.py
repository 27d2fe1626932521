"""A round's group rows: members and roles, run state, the locked snapshot, the live poll's
row and the worker's queries; every query takes the ``CourseScope``.

Nothing is decided here. A service opens ``db.write_transaction()``, calls :func:`lock_group`
(the group row ``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already holds the
write lock), builds the domain's :class:`validation.Round` from the :class:`LockedRound` it
got, asks ``domain.exercises`` and hands the decision to a writer here or in
``exercise_posts_repo`` in the same transaction. Every writer of a round takes that lock
first, and every write bumps the group's ``revision`` (what live pages poll).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.domain.errors import IntervisionError, NotFound
from lti_app.domain.exercises.adaptation import AdaptedMethod
from lti_app.domain.exercises.phases import PostType, RunState, Schedule
from lti_app.domain.exercises.roles import RoleAssignment
from lti_app.domain.exercises.settings import Mode
from lti_app.domain.exercises.validation import CaseStatus, Posted
from lti_app.domain.scope import CourseScope
from lti_app.storage.exercise_models import (
    Exercise,
    ExerciseContribution,
    ExerciseGroup,
    ExerciseGroupMember,
    ExerciseMethodVersion,
    ExerciseRating,
)
from lti_app.storage.exercises_repo import (
    ExerciseRecord,
    adapted_from_row,
    get_exercise,
    get_method_version,
    in_course,
)
from lti_app.storage.locking import locked


class GroupNotFound(NotFound):
    message = "There is no such group in this exercise."


class AlreadyInGroup(IntervisionError):
    status = 409
    title = "Already in a group"
    message = "You are already in a group of this exercise."


# --- records ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberRecord:
    user_id: int
    role: str | None
    duties: tuple[str, ...]
    pseudonym: str | None


@dataclass(frozen=True, slots=True)
class GroupRecord:
    id: int
    exercise_id: int
    name: str
    members: tuple[MemberRecord, ...]
    state: RunState
    schedule: Schedule | None
    case_status: CaseStatus
    consent: bool
    revision: int
    withdrawn_at: datetime | None
    session_ends_at: datetime | None
    purge_at: datetime | None
    purged_at: datetime | None
    graded_at: datetime | None

    @property
    def assignment(self) -> RoleAssignment:
        """The roles as assigned (members without a role yet are not in it)."""
        roles = {m.user_id: m.role for m in self.members if m.role is not None}
        duties = {duty: m.user_id for m in self.members for duty in m.duties}
        return RoleAssignment(roles=roles, duties=duties)

    @property
    def member_ids(self) -> tuple[int, ...]:
        return tuple(m.user_id for m in self.members)


@dataclass(frozen=True, slots=True)
class LockedRound:
    """A group with its exercise, method snapshot and every post's metadata, read in one
    transaction (under the group's lock when from :func:`lock_group`)."""

    exercise: ExerciseRecord
    method: AdaptedMethod
    group: GroupRecord
    posts: tuple[Posted, ...]


def schedule_to_json(schedule: Schedule | None) -> list[str]:
    return [] if schedule is None else [at.isoformat() for at in schedule.deadlines]


def schedule_of(opens_at: datetime | None, deadlines: Sequence[str]) -> Schedule | None:
    if opens_at is None or not deadlines:
        return None
    return Schedule(opens_at, tuple(datetime.fromisoformat(at) for at in deadlines))


def _group_record(row: ExerciseGroup, members: Sequence[ExerciseGroupMember]) -> GroupRecord:
    return GroupRecord(
        id=row.id,
        exercise_id=row.exercise_id,
        name=row.name,
        members=tuple(
            MemberRecord(m.user_id, m.role, tuple(m.duties or ()), m.pseudonym) for m in members
        ),
        state=RunState(row.phase_index, row.phase_started_at, row.closed_at),
        schedule=schedule_of(row.opens_at, row.deadlines or []),
        case_status=CaseStatus(row.case_status),
        consent=row.consent,
        revision=row.revision,
        withdrawn_at=row.withdrawn_at,
        session_ends_at=row.session_ends_at,
        purge_at=row.purge_at,
        purged_at=row.purged_at,
        graded_at=row.graded_at,
    )


# --- groups -------------------------------------------------------------------------------------


def _members(session: Session, scope: CourseScope, group_id: int) -> list[ExerciseGroupMember]:
    return list(
        session.scalars(
            select(ExerciseGroupMember)
            .where(*in_course(ExerciseGroupMember, scope), ExerciseGroupMember.group_id == group_id)
            .order_by(ExerciseGroupMember.id)
        )
    )


def add_group(
    session: Session,
    scope: CourseScope,
    exercise_id: int,
    name: str,
    members: Sequence[tuple[int, str | None, tuple[str, ...]]],
    now: datetime,
    *,
    schedule: Schedule | None = None,
    signup_session_id: int | None = None,
    session_ends_at: datetime | None = None,
    stable_group_id: int | None = None,
) -> GroupRecord:
    """A group with its members (user, role or None, duties); a person already in a group of
    this exercise raises :class:`AlreadyInGroup` (the savepoint undoes the whole group)."""
    get_exercise(session, scope, exercise_id)
    row = ExerciseGroup(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        exercise_id=exercise_id,
        name=name,
        signup_session_id=signup_session_id,
        stable_group_id=stable_group_id,
        session_ends_at=session_ends_at,
        opens_at=schedule.opens_at if schedule is not None else None,
        deadlines=schedule_to_json(schedule),
        revision=1,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
            session.add_all(
                ExerciseGroupMember(
                    tenant_id=scope.tenant_id,
                    course_id=scope.course_id,
                    exercise_id=exercise_id,
                    group_id=row.id,
                    user_id=user_id,
                    role=role,
                    duties=list(duties),
                    joined_at=now,
                )
                for user_id, role, duties in members
            )
    except IntegrityError as error:
        raise AlreadyInGroup(
            f"someone of {members} is already in exercise {exercise_id}"
        ) from error
    return _group_record(row, _members(session, scope, row.id))


def add_member(
    session: Session,
    scope: CourseScope,
    exercise_id: int,
    group_id: int,
    user_id: int,
    now: datetime,
) -> None:
    try:
        with session.begin_nested():
            session.add(
                ExerciseGroupMember(
                    tenant_id=scope.tenant_id,
                    course_id=scope.course_id,
                    exercise_id=exercise_id,
                    group_id=group_id,
                    user_id=user_id,
                    role=None,
                    duties=[],
                    joined_at=now,
                )
            )
    except IntegrityError as error:
        raise AlreadyInGroup(f"user {user_id} already in exercise {exercise_id}") from error
    bump(session, scope, group_id, now)


def save_roles(
    session: Session, scope: CourseScope, group_id: int, assignment: RoleAssignment, now: datetime
) -> None:
    for member in _members(session, scope, group_id):
        member.role = assignment.role_of(member.user_id)
        member.duties = list(assignment.duties_of(member.user_id))
    bump(session, scope, group_id, now)


def save_pseudonyms(
    session: Session, scope: CourseScope, group_id: int, names: Mapping[int, str]
) -> None:
    for member in _members(session, scope, group_id):
        if member.pseudonym is None and member.user_id in names:
            member.pseudonym = names[member.user_id]
    session.flush()


def _group_query(
    scope: CourseScope, group_id: int, exercise_id: int | None
) -> Select[tuple[ExerciseGroup]]:
    query = select(ExerciseGroup).where(
        *in_course(ExerciseGroup, scope), ExerciseGroup.id == group_id
    )
    if exercise_id is not None:
        query = query.where(ExerciseGroup.exercise_id == exercise_id)
    return query


def _posted(session: Session, scope: CourseScope, group_id: int) -> tuple[Posted, ...]:
    rows = session.execute(
        select(
            ExerciseContribution.id,
            ExerciseContribution.author_id,
            ExerciseContribution.kind,
            ExerciseContribution.phase_index,
            ExerciseContribution.hidden,
            ExerciseContribution.target_id,
            ExerciseRating.score,
        )
        .outerjoin(ExerciseRating, ExerciseRating.contribution_id == ExerciseContribution.id)
        .where(*in_course(ExerciseContribution, scope), ExerciseContribution.group_id == group_id)
        .order_by(ExerciseContribution.id)
    )
    return tuple(
        Posted(r.id, r.author_id, PostType(r.kind), r.phase_index, r.hidden, r.target_id, r.score)
        for r in rows
    )


def _round(
    session: Session, scope: CourseScope, row: ExerciseGroup, with_posts: bool = True
) -> LockedRound:
    exercise = get_exercise(session, scope, row.exercise_id)
    if exercise.method_version_id is None:  # pragma: no cover - groups need a configured one
        raise GroupNotFound(f"exercise {exercise.id} of group {row.id} is not configured")
    method = get_method_version(session, scope, exercise.method_version_id)
    group = _group_record(row, _members(session, scope, row.id))
    posted = _posted(session, scope, row.id) if with_posts else ()
    return LockedRound(exercise, method.adapted, group, posted)


def lock_group(
    session: Session, scope: CourseScope, group_id: int, exercise_id: int | None = None
) -> LockedRound:
    """Lock the group row and read its round: the snapshot to decide on. Must run inside
    ``db.write_transaction()``; :class:`GroupNotFound` when not in this course (and exercise)."""
    row = session.scalar(
        locked(session, _group_query(scope, group_id, exercise_id)).execution_options(
            populate_existing=True
        )
    )
    if row is None:
        raise GroupNotFound(f"group {group_id} not in {scope} (exercise {exercise_id})")
    return _round(session, scope, row)


def read_group(
    session: Session,
    scope: CourseScope,
    group_id: int,
    exercise_id: int | None = None,
    *,
    with_posts: bool = True,
) -> LockedRound:
    """The same snapshot without a lock (pages, and re-reads after a write: the row is read
    afresh, not taken stale from the session after :func:`bump`'s UPDATE). ``with_posts=False``
    leaves ``posts`` empty, for readers of the group and its clock only (a 200-post round's
    metadata is a third of a page's SQL time)."""
    row = session.scalar(
        _group_query(scope, group_id, exercise_id).execution_options(populate_existing=True)
    )
    if row is None:
        raise GroupNotFound(f"group {group_id} not in {scope} (exercise {exercise_id})")
    return _round(session, scope, row, with_posts)


def groups_of(session: Session, scope: CourseScope, exercise_id: int) -> tuple[GroupRecord, ...]:
    rows = session.scalars(
        select(ExerciseGroup)
        .where(*in_course(ExerciseGroup, scope), ExerciseGroup.exercise_id == exercise_id)
        .order_by(ExerciseGroup.id)
    ).all()
    return tuple(_group_record(row, _members(session, scope, row.id)) for row in rows)


def group_of_user(
    session: Session, scope: CourseScope, exercise_id: int, user_id: int
) -> int | None:
    return session.scalar(
        select(ExerciseGroupMember.group_id).where(
            *in_course(ExerciseGroupMember, scope),
            ExerciseGroupMember.exercise_id == exercise_id,
            ExerciseGroupMember.user_id == user_id,
        )
    )


def bump(session: Session, scope: CourseScope, group_id: int, now: datetime, **values: Any) -> None:
    """Write ``values`` to the group row and raise its revision (live pages see a change)."""
    session.execute(
        update(ExerciseGroup)
        .where(*in_course(ExerciseGroup, scope), ExerciseGroup.id == group_id)
        .values(revision=ExerciseGroup.revision + 1, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )


def save_run_state(
    session: Session,
    scope: CourseScope,
    group_id: int,
    state: RunState,
    ends_at: datetime | None,
    now: datetime,
) -> None:
    bump(
        session,
        scope,
        group_id,
        now,
        phase_index=state.phase_index,
        phase_started_at=state.phase_started_at,
        phase_ends_at=ends_at,
        closed_at=state.closed_at,
    )


def save_schedule(
    session: Session, scope: CourseScope, group_id: int, schedule: Schedule, now: datetime
) -> None:
    """New deadlines for a round (a changed plan, an instructor ending a phase now)."""
    bump(
        session,
        scope,
        group_id,
        now,
        opens_at=schedule.opens_at,
        deadlines=schedule_to_json(schedule),
    )


@dataclass(frozen=True, slots=True)
class PhaseRow:
    """What the live poll reads: one group row joined to its exercise and method version."""

    group_id: int
    revision: int
    mode: Mode
    state: RunState
    schedule: Schedule | None
    withdrawn: bool
    method: AdaptedMethod


def phase_row(
    session: Session, scope: CourseScope, group_id: int, exercise_id: int | None = None
) -> PhaseRow:
    """One statement by primary keys (group → its exercise → its method version)."""
    query = (
        select(
            ExerciseGroup.id,
            ExerciseGroup.revision,
            ExerciseGroup.phase_index,
            ExerciseGroup.phase_started_at,
            ExerciseGroup.closed_at,
            ExerciseGroup.opens_at,
            ExerciseGroup.deadlines,
            ExerciseGroup.case_status,
            Exercise.mode,
            ExerciseMethodVersion.version,
            ExerciseMethodVersion.spec,
            ExerciseMethodVersion.changes,
        )
        .join(Exercise, Exercise.id == ExerciseGroup.exercise_id)
        .join(ExerciseMethodVersion, ExerciseMethodVersion.id == Exercise.method_version_id)
        .where(*in_course(ExerciseGroup, scope), ExerciseGroup.id == group_id)
    )
    if exercise_id is not None:
        query = query.where(ExerciseGroup.exercise_id == exercise_id)
    row = session.execute(query).one_or_none()
    if row is None:
        raise GroupNotFound(f"group {group_id} not in {scope}")
    if row.mode is None:  # pragma: no cover - groups need a configured exercise
        raise GroupNotFound(f"group {group_id}: exercise not configured")
    return PhaseRow(
        group_id=row.id,
        revision=row.revision,
        mode=Mode(row.mode),
        state=RunState(row.phase_index, row.phase_started_at, row.closed_at),
        schedule=schedule_of(row.opens_at, row.deadlines or []),
        withdrawn=row.case_status == CaseStatus.WITHDRAWN.value,
        method=adapted_from_row(row.version, row.spec, row.changes),
    )


def groups_to_purge(
    session: Session, now: datetime, limit: int = 100
) -> tuple[tuple[CourseScope, int], ...]:
    """Groups whose purge date has passed and that are not purged yet (for the worker)."""
    rows = session.execute(
        select(ExerciseGroup.tenant_id, ExerciseGroup.course_id, ExerciseGroup.id)
        .where(ExerciseGroup.purged_at.is_(None), ExerciseGroup.purge_at <= now)
        .order_by(ExerciseGroup.purge_at, ExerciseGroup.id)
        .limit(limit)
    )
    return tuple((CourseScope(t, c), g) for t, c, g in rows)


def groups_for_worker(session: Session, limit: int = 500) -> tuple[tuple[CourseScope, int], ...]:
    """Groups not purged that still lack a purge date or their completion grades (the round
    may have ended since the last run: an async round ends by its deadline, unannounced)."""
    rows = session.execute(
        select(ExerciseGroup.tenant_id, ExerciseGroup.course_id, ExerciseGroup.id)
        .where(
            ExerciseGroup.purged_at.is_(None),
            (ExerciseGroup.purge_at.is_(None)) | (ExerciseGroup.graded_at.is_(None)),
        )
        .order_by(ExerciseGroup.id)
        .limit(limit)
    )
    return tuple((CourseScope(t, c), g) for t, c, g in rows)


def mark_graded(session: Session, scope: CourseScope, group_id: int, now: datetime) -> None:
    session.execute(
        update(ExerciseGroup)
        .where(*in_course(ExerciseGroup, scope), ExerciseGroup.id == group_id)
        .values(graded_at=now)
        .execution_options(synchronize_session=False)
    )
