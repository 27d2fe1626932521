"""Exercises and the course's method versions: every query takes the ``CourseScope``.

An exercise is one resource link of a course; its settings (``domain.exercises.settings``) are
columns, None until configured. A method version is a snapshot of the catalogue's method plus
the course's phase changes, never edited: an exercise keeps the version it started with.
Groups and their rounds are in ``exercise_groups_repo``, posts in ``exercise_posts_repo``.

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

from lti_app.domain.errors import NotFound
from lti_app.domain.exercises.adaptation import AdaptedMethod, PhaseChange, adapt, as_shipped
from lti_app.domain.exercises.schedule import PhasePlan, plan_from_json, plan_to_json
from lti_app.domain.exercises.settings import (
    Anonymity,
    CaseAccess,
    ExerciseSettings,
    Grading,
    GroupSource,
    Mode,
)
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
    ExerciseFollowUp,
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
    phase_plan: PhasePlan | None = None
    """Async and hybrid: when each phase is due (None: not set, two days per phase)."""
    phase_plan_zone: str | None = None


@dataclass(frozen=True, slots=True)
class MethodVersionRecord:
    id: int
    method_slug: str
    version: int
    adapted: AdaptedMethod
    created_by: int | None
    created_at: datetime


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
    | type[ExerciseFollowUp]
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
        phase_plan=plan_from_json(row.phase_plan),
        phase_plan_zone=row.phase_plan_zone,
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
) -> MethodVersionRecord | None:
    """Store a snapshot the domain accepted; None when the version number was taken meanwhile
    (two adaptations at once meet the unique constraint in a savepoint): decide again."""
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
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return _version_record(row)


# --- exercises ----------------------------------------------------------------------------------


def _exercise_query(scope: CourseScope, exercise_id: int) -> Select[tuple[Exercise]]:
    return select(Exercise).where(*in_course(Exercise, scope), Exercise.id == exercise_id)


def _exercise_row(session: Session, scope: CourseScope, exercise_id: int) -> Exercise:
    """The exercise of this course; another course's id is not found, never read."""
    row = session.scalar(_exercise_query(scope, exercise_id))
    if row is None:
        raise ExerciseNotFound(f"exercise {exercise_id} not in {scope}")
    return row


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
    row = _exercise_row(session, scope, exercise_id)
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
    row = _exercise_row(session, scope, exercise_id)
    _write_settings(row, settings)
    row.method_version_id = method_version_id
    row.updated_at = now
    session.flush()
    return _exercise_record(row)


def save_phase_plan(
    session: Session,
    scope: CourseScope,
    exercise_id: int,
    plan: PhasePlan,
    zone: str,
    now: datetime,
) -> ExerciseRecord:
    row = _exercise_row(session, scope, exercise_id)
    row.phase_plan = plan_to_json(plan)
    row.phase_plan_zone = zone
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
