"""Peer-feedback exercises: what the views, the worker and the tests call.

Each function opens one transaction, reads a snapshot, asks ``domain.exercises`` what the rules
say and has ``storage.exercises_repo`` / ``storage.exercise_posts_repo`` store the outcome.
Anything that changes a round locks the group row first (``exercise_groups_repo.lock_group`` inside
``db.write_transaction``), decides on the snapshot read under that lock and writes before
committing; a :class:`Refused` verdict means nothing was written. Time comes in as ``now``.

Every function takes the ``CourseScope``; a group or exercise of another course or tenant is
:class:`GroupNotFound` / :class:`ExerciseNotFound` (404), never touched. Pass ``exercise_id``
(the launched exercise) to group functions from views, so a group of another exercise of the
same course is not found either.

Case text never leaves here except in :func:`page_view` to someone the domain's
``visibility.sight`` lets read it: not in grades, AGS comments, logs, the dashboard or CSV.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from lti_app.domain.exercises import completion as completion_rules
from lti_app.domain.exercises import moderation, process, retention, visibility
from lti_app.domain.exercises.adaptation import AdaptedMethod, PhaseChange, adapt, as_shipped
from lti_app.domain.exercises.ground_rules import decide_accept, must_accept
from lti_app.domain.exercises.outcomes import ALLOWED, Actor, Allowed, Reason, Refused, Verdict
from lti_app.domain.exercises.phases import (
    Advanced,
    PhaseClock,
    PostType,
    Schedule,
    check_schedule,
    live_phase,
    may_advance,
    phase_now,
    postable,
    sync_hybrid,
)
from lti_app.domain.exercises.phases import (
    advance as advance_rule,
)
from lti_app.domain.exercises.phases import (
    start as start_rule,
)
from lti_app.domain.exercises.roles import RoleAssignment, assign_roles
from lti_app.domain.exercises.settings import (
    ExerciseSettings,
    Grading,
    GroupSource,
    Mode,
    announced_in_time,
    check_settings,
)
from lti_app.domain.exercises.validation import CaseStatus, Draft, Mark, Round, check_post
from lti_app.domain.methods import CASE_BRINGER, MethodSpec, PhaseSpec
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import BookingStatus, Intent
from lti_app.domain.signups.problems import Problem
from lti_app.storage import (
    db,
    exercise_groups_repo,
    exercise_posts_repo,
    exercises_repo,
    outbox_repo,
    signups_repo,
)
from lti_app.storage.db import StorageBusy

# Re-exported: callers import this module only.
from lti_app.storage.exercise_groups_repo import AlreadyInGroup as AlreadyInGroup
from lti_app.storage.exercise_groups_repo import GroupNotFound as GroupNotFound
from lti_app.storage.exercise_groups_repo import GroupRecord as GroupRecord
from lti_app.storage.exercise_groups_repo import LockedRound
from lti_app.storage.exercise_groups_repo import MemberRecord as MemberRecord
from lti_app.storage.exercise_posts_repo import DuplicatePost, PostRecord
from lti_app.storage.exercises_repo import DbSession
from lti_app.storage.exercises_repo import ExerciseLink as ExerciseLink
from lti_app.storage.exercises_repo import ExerciseNotFound as ExerciseNotFound
from lti_app.storage.exercises_repo import ExerciseRecord as ExerciseRecord
from lti_app.storage.exercises_repo import MethodVersionRecord as MethodVersionRecord

_VERSION_ATTEMPTS = 5
GROUND_RULES_VERSION = 1
"""The ground rules' current version; raise it when their text changes (everyone re-accepts)."""
PSEUDONYM_KEY_BYTES = 24
COMPLETION_COMMENT = {
    completion_rules.Status.COMPLETE: "Peer-feedback exercise: round completed",
    completion_rules.Status.INCOMPLETE: "Peer-feedback exercise: round not completed yet",
}
"""AGS comments: the status only, never content or names."""


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExerciseSaved:
    exercise: ExerciseRecord | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class MethodSaved:
    version: MethodVersionRecord | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupSaved:
    group: GroupRecord | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class PostAccepted(Allowed):
    """A post was saved (or, ``repeated``, had been: the same client token again, so nothing
    new was saved); ``post_id`` is the post."""

    post_id: int
    repeated: bool = False


PostOutcome = PostAccepted | Refused


# --- exercises and method versions ---------------------------------------------------------------


def open_exercise(
    scope: CourseScope, link: ExerciseLink, *, now: datetime, created_by: int | None = None
) -> ExerciseRecord:
    """The exercise of a launched resource link, made (unconfigured) on its first launch; what
    the platform sends later (title, line item) replaces what it sent before."""
    with db.write_transaction() as session:
        found = exercises_repo.find_exercise(session, scope, link.resource_link_id)
        if found is None:
            key = secrets.token_urlsafe(PSEUDONYM_KEY_BYTES)
            return exercises_repo.add_exercise(session, scope, link, key, created_by, now)
        if (found.title, found.lineitem_url, found.activity_id) != (
            link.title,
            link.lineitem_url,
            link.activity_id,
        ):
            exercises_repo.update_link(session, scope, found.id, link)
            found = replace(
                found,
                title=link.title,
                lineitem_url=link.lineitem_url,
                activity_id=link.activity_id,
            )
        return found


def get_exercise(scope: CourseScope, exercise_id: int) -> ExerciseRecord:
    with db.transaction() as session:
        return exercises_repo.get_exercise(session, scope, exercise_id)


def _current_version(
    session: DbSession, scope: CourseScope, method: MethodSpec, by_user: int | None, now: datetime
) -> MethodVersionRecord:
    """The course's newest copy of ``method``; a new snapshot when there is none yet (version 0,
    as shipped) or when the catalogue's method changed since (the course's changes applied to
    it again, or as shipped if they no longer fit). Two at once: the loser reads the winner's."""
    for _ in range(_VERSION_ATTEMPTS):
        latest = exercises_repo.latest_method_version(session, scope, method.slug)
        if latest is not None and latest.adapted.method == method:
            return latest
        if latest is None:
            added = exercises_repo.add_method_version(session, scope, method, {}, 0, by_user, now)
        else:
            readapted = adapt(method, latest.adapted.changes) if latest.adapted.changes else None
            changes = readapted.changes if isinstance(readapted, AdaptedMethod) else {}
            added = exercises_repo.add_method_version(
                session, scope, method, changes, latest.version + 1, by_user, now
            )
        if added is not None:
            return added
    raise StorageBusy(f"method versions of {method.slug} in {scope} kept changing")


def current_method(
    scope: CourseScope, method: MethodSpec, *, now: datetime, by_user: int | None = None
) -> MethodVersionRecord:
    """The course's current copy of a catalogue method (what a new exercise would run)."""
    with db.write_transaction() as session:
        return _current_version(session, scope, method, by_user, now)


def adapt_method(
    scope: CourseScope,
    method: MethodSpec,
    changes: Mapping[str, PhaseChange],
    *,
    by_user: int | None,
    now: datetime,
) -> MethodSaved:
    """A new version of the course's copy (``adaptation.adapt``), or every problem at once.
    Exercises already configured keep the version they started with."""
    with db.write_transaction() as session:
        for _ in range(_VERSION_ATTEMPTS):
            latest = exercises_repo.latest_method_version(session, scope, method.slug)
            previous = latest.adapted if latest is not None else as_shipped(method)
            result = adapt(method, changes, previous=previous)
            if isinstance(result, tuple):
                return MethodSaved(None, result)
            version = (latest.version + 1) if latest is not None else 1
            added = exercises_repo.add_method_version(
                session, scope, method, changes, version, by_user, now
            )
            if added is not None:
                return MethodSaved(added)
        raise StorageBusy(f"method versions of {method.slug} in {scope} kept changing")


def configure_exercise(
    scope: CourseScope,
    exercise_id: int,
    settings: ExerciseSettings,
    method: MethodSpec | None,
    *,
    now: datetime,
    by_user: int | None = None,
) -> ExerciseSaved:
    """Save the instructor's settings (``settings.check_settings``, with what learners already
    rely on); the exercise pins the course's current copy of the method the first time, and
    keeps it while the method stays the same."""
    with db.write_transaction() as session:
        current = exercises_repo.lock_exercise(session, scope, exercise_id)
        problems = check_settings(
            settings,
            method,
            previous=current.settings,
            first_learner_access=current.first_learner_access_at,
        )
        if problems or method is None:
            return ExerciseSaved(None, problems)
        keep = (
            current.method_version_id is not None
            and current.settings is not None
            and current.settings.method_slug == settings.method_slug
        )
        if keep and current.method_version_id is not None:
            version_id = current.method_version_id
        else:
            version_id = _current_version(session, scope, method, by_user, now).id
        return ExerciseSaved(
            exercises_repo.save_settings(session, scope, exercise_id, settings, version_id, now)
        )


def exercise_method(scope: CourseScope, exercise_id: int) -> AdaptedMethod | None:
    """The method snapshot the exercise runs (None until configured)."""
    with db.transaction() as session:
        exercise = exercises_repo.get_exercise(session, scope, exercise_id)
        if exercise.method_version_id is None:
            return None
        return exercises_repo.get_method_version(session, scope, exercise.method_version_id).adapted


def note_access(scope: CourseScope, exercise_id: int, actor: Actor, now: datetime) -> None:
    """Record a learner's first access (it fixes mode, anonymity and the announcement rule)."""
    if actor.instructor:
        return
    with db.write_transaction() as session:
        exercises_repo.note_first_access(session, scope, exercise_id, now)


# --- ground rules -------------------------------------------------------------------------------


def must_accept_ground_rules(
    scope: CourseScope, exercise_id: int, user_id: int, *, version: int = GROUND_RULES_VERSION
) -> bool:
    with db.transaction() as session:
        accepted = exercise_posts_repo.acceptances(session, scope, exercise_id, user_id)
    return must_accept(user_id, version, accepted)


def accept_ground_rules(
    scope: CourseScope,
    exercise_id: int,
    user_id: int,
    *,
    shown_version: int,
    now: datetime,
    current_version: int = GROUND_RULES_VERSION,
) -> Verdict:
    with db.write_transaction() as session:
        exercises_repo.get_exercise(session, scope, exercise_id)
        accepted = exercise_posts_repo.acceptances(session, scope, exercise_id, user_id)
        decision = decide_accept(user_id, current_version, shown_version, accepted, now)
        if isinstance(decision, Refused):
            return decision
        exercise_posts_repo.add_acceptance(session, scope, exercise_id, decision)
        return ALLOWED


# --- groups -------------------------------------------------------------------------------------


def _configured(exercise: ExerciseRecord) -> ExerciseSettings:
    if exercise.settings is None:
        raise ExerciseNotFound(f"exercise {exercise.id} is not configured yet")
    return exercise.settings


def _schedule_problems(
    settings: ExerciseSettings, method: MethodSpec, schedule: Schedule | None
) -> tuple[Problem, ...]:
    if settings.mode is Mode.LIVE:
        return ()
    if schedule is None:
        return (Problem("deadlines", "Give each phase a deadline (asynchronous and hybrid)."),)
    return check_schedule(method, schedule)


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


# --- running a round ----------------------------------------------------------------------------


def _clock(snapshot: LockedRound, now: datetime) -> PhaseClock:
    settings = _configured(snapshot.exercise)
    return phase_now(
        settings.mode,
        snapshot.method.spec,
        now,
        state=snapshot.group.state,
        schedule=snapshot.group.schedule,
    )


def _round(snapshot: LockedRound, now: datetime) -> Round:
    return Round(
        snapshot.method.spec,
        snapshot.group.assignment,
        _clock(snapshot, now),
        snapshot.group.case_status,
        snapshot.posts,
    )


def _move(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    now: datetime,
    exercise_id: int | None,
    from_index: int | None,
    starting: bool,
) -> Verdict:
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        settings = _configured(snapshot.exercise)
        method = snapshot.method.spec
        assignment = snapshot.group.assignment
        state = snapshot.group.state
        if settings.mode is Mode.HYBRID and snapshot.group.schedule is not None:
            state = sync_hybrid(method, state, snapshot.group.schedule, now)
        if starting:
            if settings.mode is Mode.ASYNC:
                return Refused(
                    Reason.LIVE_ONLY, "An asynchronous round opens by its schedule, not by hand."
                )
            decision: Advanced | Refused = start_rule(method, assignment, state, actor, now)
        else:
            decision = advance_rule(
                method, assignment, state, actor, now, mode=settings.mode, from_index=from_index
            )
        if isinstance(decision, Refused):
            return decision
        ends_at = live_phase(method, decision.state).ends_at
        exercise_groups_repo.save_run_state(session, scope, group_id, decision.state, ends_at, now)
        if decision.state.closed:
            _on_close(session, scope, group_id, now)
        return ALLOWED


def start(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    *,
    now: datetime,
    exercise_id: int | None = None,
) -> Verdict:
    """Open the first phase of a live or hybrid round (the moderator or an instructor)."""
    return _move(scope, group_id, actor, now, exercise_id, None, starting=True)


def advance(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    *,
    now: datetime,
    from_index: int | None = None,
    exercise_id: int | None = None,
) -> Verdict:
    """The moderator's (or an instructor's) "next phase"; after the last one the round closes
    and completion is sent. ``from_index`` is the phase the page showed (one press, one phase)."""
    return _move(scope, group_id, actor, now, exercise_id, from_index, starting=False)


def post(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    draft: Draft,
    client_token: str | None,
    now: datetime,
    *,
    exercise_id: int | None = None,
) -> PostOutcome:
    """Post a contribution (the case, a question, a mark, a rating ...): ``check_post`` on the
    locked round first, and nothing is saved when it refuses. The same ``client_token`` from
    the same author again returns the first post (a double submit posts once)."""
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        if client_token is not None:
            first = exercise_posts_repo.post_by_token(
                session, scope, group_id, actor.user_id, client_token
            )
            if first is not None:
                return PostAccepted(first, repeated=True)
        round_ = _round(snapshot, now)
        verdict = check_post(round_, actor, draft)
        if isinstance(verdict, Refused):
            return verdict
        if draft.kind is PostType.CASE and round_.case_status is not CaseStatus.NONE:
            # One case per round (UNIQUE(group_id) on the case table is the last defence).
            return Refused(Reason.ALREADY_DONE, "The case is already submitted for this round.")
        assert round_.clock.index is not None and round_.clock.phase is not None
        try:
            post_id = exercise_posts_repo.add_post(
                session,
                scope,
                group_id,
                actor.user_id,
                draft,
                round_.clock.index,
                round_.clock.phase.id,
                client_token,
                now,
            )
        except DuplicatePost as duplicate:
            return PostAccepted(duplicate.post_id, repeated=True)
        return PostAccepted(post_id)


def mark(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    question_id: int,
    value: Mark,
    *,
    now: datetime,
    client_token: str | None = None,
    exercise_id: int | None = None,
) -> PostOutcome:
    """The case-bringer marks a question warm / neutral / cold (again: replaces)."""
    draft = Draft(PostType.MARK, target_id=question_id, mark=value)
    return post(scope, group_id, actor, draft, client_token, now, exercise_id=exercise_id)


def answer(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    question_id: int,
    text: str,
    *,
    now: datetime,
    client_token: str | None = None,
    exercise_id: int | None = None,
) -> PostOutcome:
    draft = Draft(PostType.ANSWER, text=text, target_id=question_id)
    return post(scope, group_id, actor, draft, client_token, now, exercise_id=exercise_id)


def rate(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    post_id: int,
    score: int,
    tags: Iterable[str] = (),
    *,
    now: datetime,
    client_token: str | None = None,
    exercise_id: int | None = None,
) -> PostOutcome:
    """The case-bringer rates a hypothesis or advice 1–5 with tags (again: replaces)."""
    draft = Draft(PostType.RATING, target_id=post_id, score=score, tags=frozenset(tags))
    return post(scope, group_id, actor, draft, client_token, now, exercise_id=exercise_id)


# --- moderation and consent ---------------------------------------------------------------------


def flag(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    post_id: int,
    reason: str = "",
    *,
    now: datetime,
    exercise_id: int | None = None,
) -> Verdict:
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        flags = exercise_posts_repo.flags_of(session, scope, group_id)
        decision = moderation.decide_flag(_round(snapshot, now), flags, actor, post_id, reason, now)
        if isinstance(decision, Refused):
            return decision
        exercise_posts_repo.add_flag(session, scope, group_id, decision)
        return ALLOWED


def _moderate(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    now: datetime,
    exercise_id: int | None,
    decide: Callable[[Round], moderation.ModerationAction | Refused],
) -> Verdict:
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        decision = decide(_round(snapshot, now))
        if isinstance(decision, Refused):
            return decision
        exercise_posts_repo.apply_action(session, scope, group_id, decision)
        return ALLOWED


def hide(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    post_id: int,
    reason: str,
    *,
    now: datetime,
    exercise_id: int | None = None,
) -> Verdict:
    """The moderator or an instructor hides a post, with a reason (logged)."""
    return _moderate(
        scope,
        group_id,
        actor,
        now,
        exercise_id,
        lambda r: moderation.decide_hide(r, actor, post_id, reason, now),
    )


def restore(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    post_id: int,
    reason: str,
    *,
    now: datetime,
    exercise_id: int | None = None,
) -> Verdict:
    return _moderate(
        scope,
        group_id,
        actor,
        now,
        exercise_id,
        lambda r: moderation.decide_restore(r, actor, post_id, reason, now),
    )


def withdraw_case(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    *,
    now: datetime,
    reason: str = "",
    exercise_id: int | None = None,
) -> Verdict:
    """The case-bringer withdraws the case (any time): a tombstone, purged at the next run."""
    return _moderate(
        scope,
        group_id,
        actor,
        now,
        exercise_id,
        lambda r: moderation.decide_withdraw(r, actor, now, reason),
    )


def set_consent(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    consent: bool,
    *,
    now: datetime,
    exercise_id: int | None = None,
) -> Verdict:
    """The case-bringer gives or takes back consent to instructors reading (logged)."""
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        settings = _configured(snapshot.exercise)
        decision = visibility.decide_consent(
            _round(snapshot, now), actor, settings.case_access, consent, now
        )
        if isinstance(decision, Refused):
            return decision
        exercise_posts_repo.apply_consent(session, scope, group_id, decision)
        return ALLOWED


def moderation_log(
    scope: CourseScope, group_id: int, *, exercise_id: int | None = None
) -> tuple[moderation.ModerationAction, ...]:
    """Every hide, restore and withdrawal of the group, oldest first (who, when, why)."""
    with db.transaction() as session:
        exercise_groups_repo.read_group(session, scope, group_id, exercise_id)
        return exercise_posts_repo.actions_of(session, scope, group_id)


def open_flags(
    scope: CourseScope, group_id: int, *, exercise_id: int | None = None
) -> tuple[moderation.Flag, ...]:
    """Flags raised since their post was last hidden or restored (``moderation.open_flags``)."""
    with db.transaction() as session:
        exercise_groups_repo.read_group(session, scope, group_id, exercise_id)
        flags = exercise_posts_repo.flags_of(session, scope, group_id)
        actions = exercise_posts_repo.actions_of(session, scope, group_id)
    return moderation.open_flags(flags, actions)


# --- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostView:
    """One post as the viewer sees it. ``body`` is raw learner Markdown (render it with
    ``web.learner_text``), None when the viewer sees metadata only or it was purged."""

    id: int
    kind: PostType
    phase_index: int
    phase_id: str
    author_id: int
    author_name: str
    own: bool
    body: str | None
    target_id: int | None
    created_at: datetime
    marked_hidden: bool = False
    tombstone: bool = False
    mark: Mark | None = None
    score: int | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseView:
    situation: str
    own_role: str
    key_question: str


@dataclass(frozen=True, slots=True)
class MemberView:
    user_id: int
    name: str
    role: str | None
    role_name: str | None
    duties: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PageView:
    """Everything the exercise page of one group shows to one viewer."""

    exercise_id: int
    group_id: int
    group_name: str
    revision: int
    mode: Mode
    method_name: str
    phases: tuple[PhaseSpec, ...]
    phase_index: int | None
    phase: PhaseSpec | None
    not_open: bool
    closed: bool
    ends_at: datetime | None
    time_left: timedelta | None
    overrun: bool
    my_role: str | None
    my_duties: tuple[str, ...]
    member: bool
    may_post: tuple[PostType, ...]
    may_advance: bool
    case_status: CaseStatus
    case: CaseView | None
    case_withdrawn: bool
    consent: bool
    posts: tuple[PostView, ...]
    members: tuple[MemberView, ...]
    open_flags: int


def _names(
    session: DbSession,
    scope: CourseScope,
    snapshot: LockedRound,
    viewer: Actor,
) -> dict[int, str]:
    settings = _configured(snapshot.exercise)
    authors = {p.author for p in snapshot.posts} | set(snapshot.group.member_ids)
    real = signups_repo.person_names(session, scope, sorted(authors))
    stored = {m.user_id: m.pseudonym for m in snapshot.group.members if m.pseudonym}
    pseudonym_of = visibility.pseudonyms(
        snapshot.exercise.pseudonym_key, snapshot.group.member_ids, stored
    )
    return {
        author: visibility.display_name(viewer, author, settings.anonymity, real, pseudonym_of)
        for author in authors
    }


def page_view(
    scope: CourseScope,
    group_id: int,
    viewer: Actor,
    now: datetime,
    *,
    exercise_id: int | None = None,
) -> PageView:
    """The group's page for ``viewer``: the phase and time left, what they may post, and the
    posts the domain lets them see (``visibility.visible_posts``), with display names."""
    with db.transaction() as session:
        snapshot = exercise_groups_repo.read_group(session, scope, group_id, exercise_id)
        settings = _configured(snapshot.exercise)
        round_ = _round(snapshot, now)
        access = visibility.access_for(
            settings,
            snapshot.group.consent,
            announced_in_time(settings, snapshot.exercise.first_learner_access_at),
        )
        shown = visibility.visible_posts(round_, viewer, access)
        records = exercise_posts_repo.posts(session, scope, group_id)
        case = exercise_posts_repo.case_of(session, scope, group_id)
        names = _names(session, scope, snapshot, viewer)
        flags = exercise_posts_repo.flags_of(session, scope, group_id)
        actions = exercise_posts_repo.actions_of(session, scope, group_id)
    method = snapshot.method.spec
    views = tuple(_post_view(records[p.post_id], s, viewer, names) for p, s in shown)
    case_sight = next((s for p, s in shown if p.kind is PostType.CASE), None)
    case_view = (
        CaseView(case.situation, case.own_role, case.key_question)
        if case is not None and case_sight is not None and case_sight.text and not case.purged
        else None
    )
    role = round_.assignment.role_of(viewer.user_id)
    clock = round_.clock
    member = role is not None
    return PageView(
        exercise_id=snapshot.exercise.id,
        group_id=group_id,
        group_name=snapshot.group.name,
        revision=snapshot.group.revision,
        mode=settings.mode,
        method_name=method.name,
        phases=method.phases,
        phase_index=clock.index,
        phase=clock.phase,
        not_open=clock.index is None and not clock.closed,
        closed=clock.closed,
        ends_at=clock.ends_at,
        time_left=clock.time_left(now),
        overrun=clock.overrun(now),
        my_role=role,
        my_duties=round_.assignment.duties_of(viewer.user_id),
        member=member,
        may_post=_may_post(round_, viewer),
        may_advance=bool(
            settings.mode is not Mode.ASYNC
            and not clock.closed
            and may_advance(method, round_.assignment, viewer)
        ),
        case_status=snapshot.group.case_status,
        case=case_view,
        case_withdrawn=snapshot.group.case_status is CaseStatus.WITHDRAWN,
        consent=snapshot.group.consent,
        posts=views,
        members=tuple(
            MemberView(
                m.user_id,
                names.get(m.user_id, ""),
                m.role,
                (method.role(m.role).name if m.role and method.role(m.role) else None),  # type: ignore[union-attr]
                m.duties,
            )
            for m in snapshot.group.members
        ),
        open_flags=len(moderation.open_flags(flags, actions)),
    )


def _may_post(round_: Round, viewer: Actor) -> tuple[PostType, ...]:
    """What the page offers: the phase rules, and nothing on a closed or withdrawn round."""
    clock = round_.clock
    if clock.closed or clock.phase is None or round_.case_status is CaseStatus.WITHDRAWN:
        return ()
    role = round_.assignment.role_of(viewer.user_id)
    if role is None:
        return ()
    kinds = postable(round_.method, clock.phase, role)
    if round_.case_status is not CaseStatus.SUBMITTED:
        kinds = tuple(k for k in kinds if k is PostType.CASE)
    elif role == CASE_BRINGER:
        kinds = tuple(k for k in kinds if k is not PostType.CASE)
    return kinds


def _post_view(
    record: PostRecord, sight: visibility.Sight, viewer: Actor, names: Mapping[int, str]
) -> PostView:
    text = sight.text and not sight.tombstone and not record.purged
    return PostView(
        id=record.id,
        kind=record.kind,
        phase_index=record.phase_index,
        phase_id=record.phase_id,
        author_id=record.author,
        author_name=names.get(record.author, "A former member"),
        own=record.author == viewer.user_id,
        body=record.body if text else None,
        target_id=record.target_id,
        created_at=record.created_at,
        marked_hidden=sight.marked_hidden,
        tombstone=sight.tombstone,
        mark=record.mark if not sight.tombstone else None,
        score=record.score if not sight.tombstone else None,
        tags=record.tags if not sight.tombstone else (),
    )


def case_of(scope: CourseScope, group_id: int, viewer: Actor, now: datetime) -> CaseView | None:
    """The case text if the viewer may read it (``page_view(...).case``)."""
    return page_view(scope, group_id, viewer, now).case


# --- the live poll ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhaseState:
    """What a live page polls every 2 seconds: one indexed row read, nothing per process.
    ``revision`` grows with every change of the round (posts too): reload when it moves."""

    group_id: int
    revision: int
    phase_index: int | None
    phase_id: str | None
    phase_name: str | None
    ends_at: datetime | None
    seconds_left: int | None
    closed: bool
    withdrawn: bool


def phase_state(
    scope: CourseScope, group_id: int, now: datetime, *, exercise_id: int | None = None
) -> PhaseState:
    with db.transaction() as session:
        row = exercise_groups_repo.phase_row(session, scope, group_id, exercise_id)
    clock = phase_now(row.mode, row.method.spec, now, state=row.state, schedule=row.schedule)
    left = clock.time_left(now)
    return PhaseState(
        group_id=row.group_id,
        revision=row.revision,
        phase_index=clock.index,
        phase_id=clock.phase.id if clock.phase is not None else None,
        phase_name=clock.phase.name if clock.phase is not None else None,
        ends_at=clock.ends_at,
        seconds_left=int(left.total_seconds()) if left is not None else None,
        closed=clock.closed,
        withdrawn=row.withdrawn,
    )


# --- the dashboard (process, never content) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupDashboard:
    group_id: int
    name: str
    members: tuple[MemberRecord, ...]
    phase_index: int | None
    closed: bool
    process: process.GroupProcess
    completion: tuple[completion_rules.Completion, ...]


@dataclass(frozen=True, slots=True)
class Dashboard:
    exercise_id: int
    method_name: str
    phases: tuple[PhaseSpec, ...]
    groups: tuple[GroupDashboard, ...]
    names: Mapping[int, str]


def dashboard(scope: CourseScope, exercise_id: int, now: datetime) -> Dashboard:
    """Per group: ``process.group_process`` counts and ``completion``; no text at all."""
    with db.transaction() as session:
        exercise = exercises_repo.get_exercise(session, scope, exercise_id)
        rounds = [
            exercise_groups_repo.read_group(session, scope, g.id, exercise_id)
            for g in exercise_groups_repo.groups_of(session, scope, exercise_id)
        ]
        flags = {
            r.group.id: (
                exercise_posts_repo.flags_of(session, scope, r.group.id),
                exercise_posts_repo.actions_of(session, scope, r.group.id),
            )
            for r in rounds
        }
        people = sorted({u for r in rounds for u in r.group.member_ids})
        names = signups_repo.person_names(session, scope, people)
    method_name = (
        rounds[0].method.spec.name
        if rounds
        else (exercise.settings.method_slug if exercise.settings else "")
    )
    groups_out = []
    phases: tuple[PhaseSpec, ...] = rounds[0].method.spec.phases if rounds else ()
    for snapshot in rounds:
        round_ = _round(snapshot, now)
        group_flags, group_actions = flags[snapshot.group.id]
        counts = process.group_process(
            round_.method,
            round_.assignment,
            round_.posts,
            round_.clock,
            case_status=round_.case_status,
            open_flag_count=len(moderation.open_flags(group_flags, group_actions)),
        )
        done = completion_rules.completion(
            round_.method,
            round_.assignment,
            round_.posts,
            withdrawn=round_.case_status is CaseStatus.WITHDRAWN,
        )
        groups_out.append(
            GroupDashboard(
                snapshot.group.id,
                snapshot.group.name,
                snapshot.group.members,
                round_.clock.index,
                round_.clock.closed,
                counts,
                done,
            )
        )
    return Dashboard(exercise_id, method_name, phases, tuple(groups_out), names)


CSV_HEADER = (
    "group",
    "member",
    "role",
    "posts",
    "reflection_handed_in",
    "helpfulness_received",
    "completion",
    "group_questions_before_advice",
    "group_at_risk",
)


def dashboard_csv_rows(scope: CourseScope, exercise_id: int, now: datetime) -> list[list[str]]:
    """The dashboard as CSV rows (header first): counts, roles, names; never content."""
    board = dashboard(scope, exercise_id, now)
    rows = [list(CSV_HEADER)]
    for group in board.groups:
        status = {c.user_id: c.status.value for c in group.completion}
        for member in group.members:
            helpful = group.process.helpfulness_received.get(member.user_id)
            rows.append(
                [
                    group.name or f"Group {group.group_id}",
                    board.names.get(member.user_id, f"user {member.user_id}"),
                    member.role or "",
                    str(group.process.posts_per_member.get(member.user_id, 0)),
                    "yes" if member.user_id in group.process.reflections_by else "no",
                    f"{helpful:.2f}" if helpful is not None else "",
                    status.get(member.user_id, ""),
                    str(group.process.questions_before_advice),
                    " ".join(r.value for r in group.process.at_risk),
                ]
            )
    return rows


# --- completion (AGS) and retention (the worker) ------------------------------------------------


def _on_close(session: DbSession, scope: CourseScope, group_id: int, now: datetime) -> None:
    """A round closed: its purge date and completion grades, in the closing transaction."""
    snapshot = exercise_groups_repo.read_group(session, scope, group_id)
    _set_purge_date(session, scope, snapshot)
    _enqueue_completion(session, scope, snapshot, now)


def _last_deadline(group: GroupRecord) -> datetime | None:
    return group.schedule.deadlines[-1] if group.schedule is not None else None


def _set_purge_date(
    session: DbSession, scope: CourseScope, snapshot: LockedRound
) -> datetime | None:
    settings = _configured(snapshot.exercise)
    group = snapshot.group
    due = retention.purge_at(
        settings.retention_days,
        closed_at=group.state.closed_at,
        session_ends_at=group.session_ends_at,
        last_deadline=_last_deadline(group),
        withdrawn_at=group.withdrawn_at,
    )
    if due != group.purge_at:
        exercise_posts_repo.set_purge_at(session, scope, group.id, due)
    return due


def _enqueue_completion(
    session: DbSession, scope: CourseScope, snapshot: LockedRound, now: datetime
) -> tuple[int, ...]:
    settings = _configured(snapshot.exercise)
    lineitem = snapshot.exercise.lineitem_url
    if settings.grading is not Grading.COMPLETION or not lineitem:
        exercise_groups_repo.mark_graded(session, scope, snapshot.group.id, now)
        return ()
    results = completion_rules.completion(
        snapshot.method.spec,
        snapshot.group.assignment,
        snapshot.posts,
        withdrawn=snapshot.group.case_status is CaseStatus.WITHDRAWN,
    )
    subs = exercises_repo.person_subs(session, scope, [r.user_id for r in results])
    ids = []
    for result in results:
        score, progress = result.score, result.ags_progress
        sub = subs.get(result.user_id)
        if score is None or progress is None or sub is None:
            continue
        entry = outbox_repo.enqueue(
            session,
            outbox_repo.NewScore(
                tenant_id=scope.tenant_id,
                course_id=scope.course_id,
                user_sub=sub,
                lineitem_url=lineitem,
                score_given=score[0],
                score_maximum=score[1],
                activity_progress=progress[0],
                grading_progress=progress[1],
                comment=COMPLETION_COMMENT[result.status],
                now=now,
            ),
        )
        ids.append(entry.id)
    exercise_groups_repo.mark_graded(session, scope, snapshot.group.id, now)
    return tuple(ids)


def grade_group(
    scope: CourseScope, group_id: int, *, now: datetime, exercise_id: int | None = None
) -> tuple[int, ...]:
    """Queue everyone's completion score for the exercise's line item (``completion``; excused
    when the case was withdrawn: nothing sent); the outbox ids. Scores carry no content."""
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        return _enqueue_completion(session, scope, snapshot, now)


@dataclass(frozen=True, slots=True)
class PurgeReport:
    purged: tuple[int, ...]
    dated: tuple[int, ...]
    graded: tuple[int, ...]


def purge_due(now: datetime, limit: int = 100) -> PurgeReport:
    """The worker's run: give ended rounds their purge date (and, async rounds past their last
    deadline, their completion grades), then purge what is due (``retention.decide_purge``:
    case text and bodies blanked; reflections, ratings, marks and metadata kept). Idempotent."""
    dated, graded = [], []
    with db.transaction() as session:
        pending = exercise_groups_repo.groups_for_worker(session, limit * 5)
    for scope, group_id in pending:
        with db.write_transaction() as session:
            snapshot = exercise_groups_repo.lock_group(session, scope, group_id)
            if snapshot.exercise.settings is None:
                continue
            if snapshot.group.purge_at is None and _set_purge_date(session, scope, snapshot):
                dated.append(group_id)
            closed = _clock(snapshot, now).closed or snapshot.group.withdrawn_at is not None
            if closed and snapshot.group.graded_at is None:
                _enqueue_completion(session, scope, snapshot, now)
                graded.append(group_id)
    purged = []
    with db.transaction() as session:
        due = exercise_groups_repo.groups_to_purge(session, now, limit)
    for scope, group_id in due:
        with db.write_transaction() as session:
            snapshot = exercise_groups_repo.lock_group(session, scope, group_id)
            decision = retention.decide_purge(
                snapshot.posts,
                snapshot.group.purge_at,
                now,
                withdrawn=snapshot.group.case_status is CaseStatus.WITHDRAWN,
            )
            if decision.case_text:
                exercise_posts_repo.apply_purge(session, scope, group_id, decision, now)
                purged.append(group_id)
    return PurgeReport(tuple(purged), tuple(dated), tuple(graded))
