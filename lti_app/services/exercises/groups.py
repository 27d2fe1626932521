"""Forming the groups of an exercise: given by the instructor, from a sign-up session or
stable group, or self-formed by learners; roles (``roles.assign_roles``) and, async or hybrid,
deadlines (``phases.check_schedule``) are checked before anything is stored. Without deadlines
given, a round takes the exercise's phase plan counted from when it is made."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises import visibility
from lti_app.domain.exercises.outcomes import ALLOWED, Reason, Refused, Verdict
from lti_app.domain.exercises.phases import Schedule, check_schedule
from lti_app.domain.exercises.roles import RoleAssignment, assign_roles
from lti_app.domain.exercises.settings import ExerciseSettings, GroupSource, Mode
from lti_app.domain.methods import MethodSpec
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import BookingStatus, Intent
from lti_app.domain.signups.problems import Problem
from lti_app.services.exercises._common import _configured
from lti_app.services.exercises.schedule import new_round_schedule
from lti_app.storage import db, exercise_groups_repo, exercises_repo, signups_repo
from lti_app.storage.exercise_groups_repo import GroupRecord
from lti_app.storage.exercises_repo import DbSession, ExerciseRecord


@dataclass(frozen=True, slots=True)
class GroupSaved:
    group: GroupRecord | None
    problems: tuple[Problem, ...] = ()


def _schedule_problems(
    settings: ExerciseSettings, method: MethodSpec, schedule: Schedule | None
) -> tuple[Problem, ...]:
    if settings.mode is Mode.LIVE:
        return ()
    if schedule is None:
        return (Problem("deadlines", "Give each phase a deadline (asynchronous and hybrid)."),)
    problems = check_schedule(method, schedule)
    late = next((i for i, at in enumerate(schedule.deadlines) if at <= schedule.opens_at), None)
    if late is not None and late < len(method.phases):
        return (
            Problem(
                "deadlines",
                f"The deadline of '{method.phases[late].name}' has already passed, so a new "
                "group could not take part. The instructor moves it on the exercise's "
                "schedule page.",
            ),
        )
    return problems


def _schedule_for(
    exercise: ExerciseRecord,
    settings: ExerciseSettings,
    method: MethodSpec,
    given: Schedule | None,
    now: datetime,
) -> Schedule | None:
    """The deadlines given, else the exercise's plan counted from now (async and hybrid)."""
    return given if given is not None else new_round_schedule(exercise, settings, method, now)


def _store_group(
    session: DbSession,
    scope: CourseScope,
    exercise: ExerciseRecord,
    name: str,
    members: Sequence[int],
    assignment: RoleAssignment | None,
    now: datetime,
    *,
    schedule: Schedule | None,
    signup_session_id: int | None = None,
    session_ends_at: datetime | None = None,
    stable_group_id: int | None = None,
) -> GroupRecord:
    rows = [
        (
            user,
            assignment.role_of(user) if assignment is not None else None,
            assignment.duties_of(user) if assignment is not None else (),
        )
        for user in members
    ]
    group = exercise_groups_repo.add_group(
        session,
        scope,
        exercise.id,
        name,
        rows,
        now,
        schedule=schedule,
        signup_session_id=signup_session_id,
        session_ends_at=session_ends_at,
        stable_group_id=stable_group_id,
    )
    _give_pseudonyms(session, scope, exercise, group)
    return exercise_groups_repo.read_group(session, scope, group.id).group


def _give_pseudonyms(
    session: DbSession, scope: CourseScope, exercise: ExerciseRecord, group: GroupRecord
) -> None:
    existing = {m.user_id: m.pseudonym for m in group.members if m.pseudonym is not None}
    names = visibility.pseudonyms(exercise.pseudonym_key, group.member_ids, existing)
    exercise_groups_repo.save_pseudonyms(session, scope, group.id, names)


def form_group(
    scope: CourseScope,
    exercise_id: int,
    members: Sequence[int],
    *,
    case_bringer: int,
    moderator: int | None = None,
    duties: Mapping[str, int] | None = None,
    accept_size: bool = False,
    name: str = "",
    schedule: Schedule | None = None,
    now: datetime,
    signup_session_id: int | None = None,
    session_ends_at: datetime | None = None,
    stable_group_id: int | None = None,
) -> GroupSaved:
    """A group with its roles (``roles.assign_roles``) and, async or hybrid, its deadlines
    (``phases.check_schedule``); or every problem. Someone already in a group of this
    exercise raises :class:`AlreadyInGroup`."""
    with db.write_transaction() as session:
        exercise = exercises_repo.lock_exercise(session, scope, exercise_id)
        settings = _configured(exercise)
        assert exercise.method_version_id is not None
        method = exercises_repo.get_method_version(
            session, scope, exercise.method_version_id
        ).adapted.spec
        result = assign_roles(
            method, members, case_bringer, moderator, duties, accept_size=accept_size
        )
        schedule = _schedule_for(exercise, settings, method, schedule, now)
        problems = (result if isinstance(result, tuple) else ()) + _schedule_problems(
            settings, method, schedule
        )
        if problems or not isinstance(result, RoleAssignment):
            return GroupSaved(None, problems)
        return GroupSaved(
            _store_group(
                session,
                scope,
                exercise,
                name,
                members,
                result,
                now,
                schedule=schedule,
                signup_session_id=signup_session_id,
                session_ends_at=session_ends_at,
                stable_group_id=stable_group_id,
            )
        )


def group_from_session(
    scope: CourseScope,
    exercise_id: int,
    *,
    schedule: Schedule | None = None,
    accept_size: bool = False,
    now: datetime,
) -> GroupSaved:
    """The group of the exercise's sign-up session: its seated people (confirmed or attended),
    the first case-bringer booking as case-bringer and the session's moderator and timekeeper."""
    with db.transaction() as session:
        exercise = exercises_repo.get_exercise(session, scope, exercise_id)
        settings = _configured(exercise)
        if settings.group_source is not GroupSource.SESSION or settings.session_id is None:
            return GroupSaved(None, (Problem("session", "This exercise takes no session."),))
        record = signups_repo.get_session(session, scope, settings.session_id)
        roster = signups_repo.roster(session, scope, settings.session_id)
    seated = [b for b in roster if b.status in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED)]
    bringers = [b.user_id for b in seated if b.intent is Intent.CASE_BRINGER]
    if not bringers:
        return GroupSaved(
            None, (Problem("case_bringer", "Nobody in this session signed up to bring a case."),)
        )
    duties = {"timekeeper": record.timekeeper_id} if record.timekeeper_id else {}
    return form_group(
        scope,
        exercise_id,
        [b.user_id for b in seated],
        case_bringer=bringers[0],
        moderator=record.moderator_id,
        duties=duties,
        accept_size=accept_size,
        name=record.plan.title,
        schedule=schedule,
        now=now,
        signup_session_id=record.id,
        session_ends_at=record.plan.ends_at,
    )


def group_from_stable_group(
    scope: CourseScope,
    exercise_id: int,
    *,
    case_bringer: int,
    moderator: int | None = None,
    duties: Mapping[str, int] | None = None,
    schedule: Schedule | None = None,
    accept_size: bool = False,
    now: datetime,
) -> GroupSaved:
    """The group of the exercise's stable sign-up group, with the roles given."""
    with db.transaction() as session:
        exercise = exercises_repo.get_exercise(session, scope, exercise_id)
        settings = _configured(exercise)
        if settings.group_source is not GroupSource.STABLE_GROUP or settings.group_id is None:
            return GroupSaved(None, (Problem("group", "This exercise takes no stable group."),))
        members = sorted(signups_repo.group_members(session, scope, settings.group_id))
    return form_group(
        scope,
        exercise_id,
        members,
        case_bringer=case_bringer,
        moderator=moderator,
        duties=duties,
        accept_size=accept_size,
        schedule=schedule,
        now=now,
        stable_group_id=settings.group_id,
    )


def create_self_group(
    scope: CourseScope,
    exercise_id: int,
    user_id: int,
    *,
    name: str = "",
    schedule: Schedule | None = None,
    now: datetime,
) -> GroupSaved:
    """A learner starts a self-formed group (roles are given once it is big enough)."""
    with db.write_transaction() as session:
        exercise = exercises_repo.lock_exercise(session, scope, exercise_id)
        settings = _configured(exercise)
        if settings.group_source is not GroupSource.SELF_FORMED:
            return GroupSaved(None, (Problem("group", "Groups of this exercise are given."),))
        assert exercise.method_version_id is not None
        method = exercises_repo.get_method_version(
            session, scope, exercise.method_version_id
        ).adapted.spec
        schedule = _schedule_for(exercise, settings, method, schedule, now)
        problems = _schedule_problems(settings, method, schedule)
        if problems:
            return GroupSaved(None, problems)
        return GroupSaved(
            _store_group(session, scope, exercise, name, [user_id], None, now, schedule=schedule)
        )


def join_group(
    scope: CourseScope, exercise_id: int, group_id: int, user_id: int, *, now: datetime
) -> Verdict:
    """Join a self-formed group that has room (``size_max``) and has not started."""
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        settings = _configured(snapshot.exercise)
        if settings.group_source is not GroupSource.SELF_FORMED:
            return Refused(Reason.NOT_ALLOWED, "Groups of this exercise are given.")
        if user_id in snapshot.group.member_ids:
            return Refused(Reason.ALREADY_DONE, "You are already in this group.")
        if snapshot.group.state.phase_index is not None or snapshot.group.assignment.roles:
            return Refused(Reason.NOT_ALLOWED, "This group has already begun; join another one.")
        if settings.size_max is not None and len(snapshot.group.members) >= settings.size_max:
            return Refused(Reason.NOT_ALLOWED, "This group is full; join or start another one.")
        exercise_groups_repo.add_member(session, scope, exercise_id, group_id, user_id, now)
        group = exercise_groups_repo.read_group(session, scope, group_id).group
        _give_pseudonyms(session, scope, snapshot.exercise, group)
        return ALLOWED


def assign_group_roles(
    scope: CourseScope,
    exercise_id: int,
    group_id: int,
    *,
    case_bringer: int,
    moderator: int | None = None,
    duties: Mapping[str, int] | None = None,
    accept_size: bool = False,
    now: datetime,
) -> GroupSaved:
    """Give a group's members their roles (before the round starts)."""
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        if snapshot.group.state.phase_index is not None or snapshot.posts:
            return GroupSaved(
                None, (Problem("members", "The round has begun; roles no longer change."),)
            )
        result = assign_roles(
            snapshot.method.spec,
            snapshot.group.member_ids,
            case_bringer,
            moderator,
            duties,
            accept_size=accept_size,
        )
        if isinstance(result, tuple):
            return GroupSaved(None, result)
        exercise_groups_repo.save_roles(session, scope, group_id, result, now)
        return GroupSaved(exercise_groups_repo.read_group(session, scope, group_id).group)


def groups(scope: CourseScope, exercise_id: int) -> tuple[GroupRecord, ...]:
    with db.transaction() as session:
        return exercise_groups_repo.groups_of(session, scope, exercise_id)


def my_group(scope: CourseScope, exercise_id: int, user_id: int) -> int | None:
    """The id of the person's group in this exercise, None if they have none."""
    with db.transaction() as session:
        return exercise_groups_repo.group_of_user(session, scope, exercise_id, user_id)
