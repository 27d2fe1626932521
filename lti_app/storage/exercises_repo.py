"""Exercises, method versions, groups and their run state: every query takes the ``CourseScope``.

Nothing is decided here. A service opens ``db.write_transaction()``, calls :func:`lock_group`
(the group row ``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already holds the
write lock), builds the domain's :class:`validation.Round` from the :class:`LockedRound` it
got, asks ``domain.exercises`` and hands the decision to a writer here or in
``exercise_posts_repo`` in the same transaction. Every writer of a round takes that lock
first, and every write bumps the group's ``revision`` (what live pages poll).

Rows stay in this package: callers get frozen records and the domain's own frozen values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from lti_app.domain.errors import IntervisionError, NotFound
from lti_app.domain.exercises.adaptation import AdaptedMethod, PhaseChange, adapt, as_shipped
from lti_app.domain.exercises.phases import PostType, RunState, Schedule
from lti_app.domain.exercises.roles import RoleAssignment
from lti_app.domain.exercises.settings import (
    Anonymity,
    CaseAccess,
    ExerciseSettings,
    Grading,
    GroupSource,
    Mode,
)
from lti_app.domain.exercises.validation import CaseStatus, Posted
from lti_app.domain.methods import (
    Contribution,
    GroupSize,
    MethodSpec,
    PhaseSpec,
    RoleSpec,
    SourceRef,
)
from lti_app.domain.scope import CourseScope
from lti_app.storage.exercise_models import (
    Exercise,
    ExerciseCase,
    ExerciseConsent,
    ExerciseContribution,
    ExerciseFlag,
    ExerciseGroundRules,
    ExerciseGroup,
    ExerciseGroupMember,
    ExerciseMark,
    ExerciseMethodVersion,
    ExerciseModeration,
    ExerciseRating,
)
from lti_app.storage.locking import locked
from lti_app.storage.models import LtiUser, Tenant

DbSession: TypeAlias = Session
"""The transaction every function here takes (services do not import SQLAlchemy)."""


class ExerciseNotFound(NotFound):
    message = "There is no such exercise in this course."


class GroupNotFound(NotFound):
    message = "There is no such group in this exercise."


class AlreadyInGroup(IntervisionError):
    status = 409
    title = "Already in a group"
    message = "You are already in a group of this exercise."


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExerciseLink:
    """What a launch says about an exercise's resource link."""

    resource_link_id: str
    title: str = ""
    activity_id: str | None = None
    lineitem_url: str | None = None


@dataclass(frozen=True, slots=True)
class ExerciseRecord:
    id: int
    resource_link_id: str
    title: str
    lineitem_url: str | None
    activity_id: str | None
    settings: ExerciseSettings | None
    """None until the instructor has configured the exercise."""
    method_version_id: int | None
    first_learner_access_at: datetime | None
    created_at: datetime
    pseudonym_key: str = field(repr=False, default="")


@dataclass(frozen=True, slots=True)
class MethodVersionRecord:
    id: int
    method_slug: str
    version: int
    adapted: AdaptedMethod
    created_by: int | None
    created_at: datetime


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


# --- helpers ------------------------------------------------------------------------------------

_Scoped = (
    type[Exercise]
    | type[ExerciseMethodVersion]
    | type[ExerciseGroup]
    | type[ExerciseGroupMember]
    | type[ExerciseContribution]
    | type[ExerciseCase]
    | type[ExerciseRating]
    | type[ExerciseMark]
    | type[ExerciseFlag]
    | type[ExerciseModeration]
    | type[ExerciseGroundRules]
    | type[ExerciseConsent]
)


def in_course(model: _Scoped, scope: CourseScope) -> tuple[ColumnElement[bool], ...]:
    tenant: InstrumentedAttribute[int] = model.tenant_id
    course: InstrumentedAttribute[int] = model.course_id
    return (tenant == scope.tenant_id, course == scope.course_id)


def method_to_json(method: MethodSpec) -> dict[str, Any]:
    return {
        "slug": method.slug,
        "name": method.name,
        "summary": method.summary,
        "url": method.url,
        "roles": [[r.id, r.name, r.description] for r in method.roles],
        "phases": [
            {
                "id": p.id,
                "name": p.name,
                "minutes": p.minutes,
                "goal": p.goal,
                "speakers": list(p.speakers),
                "case_bringer_silent": p.case_bringer_silent,
                "contribution": p.contribution.value,
                "prompts": list(p.prompts),
            }
            for p in method.phases
        ],
        "group_size": [method.group_size.min, method.group_size.max],
        "evidence": method.evidence,
        "sources": [[s.title, s.url] for s in method.sources],
        "also_known_as": list(method.also_known_as),
    }


def method_from_json(data: Mapping[str, Any]) -> MethodSpec:
    return MethodSpec(
        slug=data["slug"],
        name=data["name"],
        summary=data["summary"],
        url=data["url"],
        roles=tuple(RoleSpec(*r) for r in data["roles"]),
        phases=tuple(
            PhaseSpec(
                id=p["id"],
                name=p["name"],
                minutes=p["minutes"],
                goal=p["goal"],
                speakers=tuple(p["speakers"]),
                case_bringer_silent=p["case_bringer_silent"],
                contribution=Contribution(p["contribution"]),
                prompts=tuple(p["prompts"]),
            )
            for p in data["phases"]
        ),
        group_size=GroupSize(*data["group_size"]),
        evidence=data["evidence"],
        sources=tuple(SourceRef(*s) for s in data["sources"]),
        also_known_as=tuple(data["also_known_as"]),
    )


def changes_to_json(changes: Mapping[str, PhaseChange]) -> dict[str, Any]:
    return {
        pid: {
            "minutes": c.minutes,
            "prompts": list(c.prompts) if c.prompts is not None else None,
            "skip": c.skip,
        }
        for pid, c in changes.items()
    }


def changes_from_json(data: Mapping[str, Any]) -> dict[str, PhaseChange]:
    return {
        pid: PhaseChange(
            minutes=c["minutes"],
            prompts=tuple(c["prompts"]) if c["prompts"] is not None else None,
            skip=c["skip"],
        )
        for pid, c in data.items()
    }


def adapted_from_row(version: int, spec: Mapping[str, Any], changes: Mapping[str, Any]) -> Any:
    """The stored snapshot as the domain's :class:`AdaptedMethod` (its changes were accepted
    when stored, so ``adapt`` finds no problem in them)."""
    method = method_from_json(spec)
    if not changes:
        return replace(as_shipped(method), version=version)
    result = adapt(method, changes_from_json(changes))
    if isinstance(result, tuple):  # pragma: no cover - stored versions were checked
        raise ValueError(f"stored method version {version} of {method.slug} no longer adapts")
    return replace(result, version=version)


def _version_record(row: ExerciseMethodVersion) -> MethodVersionRecord:
    return MethodVersionRecord(
        row.id,
        row.method_slug,
        row.version,
        adapted_from_row(row.version, row.spec, row.changes),
        row.created_by,
        row.created_at,
    )


def _settings(row: Exercise) -> ExerciseSettings | None:
    if (
        row.method_slug is None
        or row.mode is None
        or row.group_source is None
        or row.anonymity is None
        or row.case_access is None
        or row.retention_days is None
        or row.grading is None
    ):
        return None
    return ExerciseSettings(
        method_slug=row.method_slug,
        mode=Mode(row.mode),
        group_source=GroupSource(row.group_source),
        anonymity=Anonymity(row.anonymity),
        case_access=CaseAccess(row.case_access),
        announced_at=row.announced_at,
        retention_days=row.retention_days,
        grading=Grading(row.grading),
        session_id=row.session_id,
        group_id=row.stable_group_id,
        size_min=row.size_min,
        size_max=row.size_max,
    )


def _exercise_record(row: Exercise) -> ExerciseRecord:
    return ExerciseRecord(
        id=row.id,
        resource_link_id=row.resource_link_id,
        title=row.title,
        lineitem_url=row.lineitem_url,
        activity_id=row.activity_id,
        settings=_settings(row),
        method_version_id=row.method_version_id,
        first_learner_access_at=row.first_learner_access_at,
        created_at=row.created_at,
        pseudonym_key=row.pseudonym_key,
    )


def _write_settings(row: Exercise, settings: ExerciseSettings) -> None:
    row.method_slug = settings.method_slug
    row.mode = settings.mode.value
    row.group_source = settings.group_source.value
    row.anonymity = settings.anonymity.value
    row.case_access = settings.case_access.value
    row.announced_at = settings.announced_at
    row.retention_days = settings.retention_days
    row.grading = settings.grading.value
    row.session_id = settings.session_id
    row.stable_group_id = settings.group_id
    row.size_min = settings.size_min
    row.size_max = settings.size_max


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


# --- method versions ----------------------------------------------------------------------------


def latest_method_version(
    session: Session, scope: CourseScope, method_slug: str
) -> MethodVersionRecord | None:
    row = session.scalar(
        select(ExerciseMethodVersion)
        .where(
            *in_course(ExerciseMethodVersion, scope),
            ExerciseMethodVersion.method_slug == method_slug,
        )
        .order_by(ExerciseMethodVersion.version.desc())
        .limit(1)
    )
    return _version_record(row) if row is not None else None


def get_method_version(
    session: Session, scope: CourseScope, version_id: int
) -> MethodVersionRecord:
    row = session.scalar(
        select(ExerciseMethodVersion).where(
            *in_course(ExerciseMethodVersion, scope), ExerciseMethodVersion.id == version_id
        )
    )
    if row is None:
        raise ExerciseNotFound(f"method version {version_id} not in {scope}")
    return _version_record(row)


def add_method_version(
    session: Session,
    scope: CourseScope,
    method: MethodSpec,
    changes: Mapping[str, PhaseChange],
    version: int,
    by_user: int | None,
    now: datetime,
) -> MethodVersionRecord:
    """Store a snapshot the domain accepted; a version number already taken (two adaptations
    at once) meets the unique constraint: the caller decides again."""
    row = ExerciseMethodVersion(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        method_slug=method.slug,
        version=version,
        spec=method_to_json(method),
        changes=changes_to_json(changes),
        created_by=by_user,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _version_record(row)


# --- exercises ----------------------------------------------------------------------------------


def _exercise_query(scope: CourseScope, exercise_id: int) -> Select[tuple[Exercise]]:
    return select(Exercise).where(*in_course(Exercise, scope), Exercise.id == exercise_id)


def find_exercise(
    session: Session, scope: CourseScope, resource_link_id: str
) -> ExerciseRecord | None:
    row = session.scalar(
        select(Exercise).where(
            *in_course(Exercise, scope), Exercise.resource_link_id == resource_link_id
        )
    )
    return _exercise_record(row) if row is not None else None


def get_exercise(session: Session, scope: CourseScope, exercise_id: int) -> ExerciseRecord:
    row = session.scalar(_exercise_query(scope, exercise_id))
    if row is None:
        raise ExerciseNotFound(f"exercise {exercise_id} not in {scope}")
    return _exercise_record(row)


def add_exercise(
    session: Session,
    scope: CourseScope,
    link: ExerciseLink,
    pseudonym_key: str,
    by_user: int | None,
    now: datetime,
) -> ExerciseRecord:
    """Store the exercise of a resource link; a second one at once for the same link meets
    the unique constraint in a savepoint and the first one is returned."""
    row = Exercise(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        resource_link_id=link.resource_link_id,
        title=link.title,
        lineitem_url=link.lineitem_url,
        activity_id=link.activity_id,
        pseudonym_key=pseudonym_key,
        created_by=by_user,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = find_exercise(session, scope, link.resource_link_id)
        if found is None:
            raise
        return found
    return _exercise_record(row)


def update_link(session: Session, scope: CourseScope, exercise_id: int, link: ExerciseLink) -> None:
    session.execute(
        update(Exercise)
        .where(*in_course(Exercise, scope), Exercise.id == exercise_id)
        .values(title=link.title, lineitem_url=link.lineitem_url, activity_id=link.activity_id)
        .execution_options(synchronize_session=False)
    )


def lock_exercise(session: Session, scope: CourseScope, exercise_id: int) -> ExerciseRecord:
    row = session.scalar(
        locked(session, _exercise_query(scope, exercise_id)).execution_options(
            populate_existing=True
        )
    )
    if row is None:
        raise ExerciseNotFound(f"exercise {exercise_id} not in {scope}")
    return _exercise_record(row)


def save_settings(
    session: Session,
    scope: CourseScope,
    exercise_id: int,
    settings: ExerciseSettings,
    method_version_id: int,
    now: datetime,
) -> ExerciseRecord:
    row = session.scalar(_exercise_query(scope, exercise_id))
    if row is None:
        raise ExerciseNotFound(f"exercise {exercise_id} not in {scope}")
    _write_settings(row, settings)
    row.method_version_id = method_version_id
    row.updated_at = now
    session.flush()
    return _exercise_record(row)


def note_first_access(
    session: Session, scope: CourseScope, exercise_id: int, now: datetime
) -> None:
    """The first learner access, once (a guarded UPDATE: later accesses change nothing)."""
    session.execute(
        update(Exercise)
        .where(
            *in_course(Exercise, scope),
            Exercise.id == exercise_id,
            Exercise.first_learner_access_at.is_(None),
        )
        .values(first_learner_access_at=now)
        .execution_options(synchronize_session=False)
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


def _round(session: Session, scope: CourseScope, row: ExerciseGroup) -> LockedRound:
    exercise = get_exercise(session, scope, row.exercise_id)
    if exercise.method_version_id is None:  # pragma: no cover - groups need a configured one
        raise GroupNotFound(f"exercise {exercise.id} of group {row.id} is not configured")
    method = get_method_version(session, scope, exercise.method_version_id)
    group = _group_record(row, _members(session, scope, row.id))
    return LockedRound(exercise, method.adapted, group, _posted(session, scope, row.id))


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
    session: Session, scope: CourseScope, group_id: int, exercise_id: int | None = None
) -> LockedRound:
    """The same snapshot without a lock (pages)."""
    row = session.scalar(_group_query(scope, group_id, exercise_id))
    if row is None:
        raise GroupNotFound(f"group {group_id} not in {scope} (exercise {exercise_id})")
    return _round(session, scope, row)


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


def phase_row(session: Session, scope: CourseScope, group_id: int) -> PhaseRow:
    row = session.execute(
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
    ).one_or_none()
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


def person_subs(session: Session, scope: CourseScope, user_ids: Sequence[int]) -> dict[int, str]:
    """The platform's ``sub`` of these people (the AGS user id), only of the course's issuer."""
    if not user_ids:
        return {}
    issuer = select(Tenant.issuer).where(Tenant.id == scope.tenant_id).scalar_subquery()
    rows = session.execute(
        select(LtiUser.id, LtiUser.sub).where(
            LtiUser.id.in_(list(dict.fromkeys(user_ids))), LtiUser.issuer == issuer
        )
    )
    return {user_id: sub for user_id, sub in rows}
