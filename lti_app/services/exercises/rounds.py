"""Opening and advancing a round's phases (live and hybrid by hand, async by its
schedule), and the cheap state a live page polls. Closing the last phase dates the purge and
queues completion in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises.outcomes import ALLOWED, Actor, Reason, Refused, Verdict
from lti_app.domain.exercises.phases import (
    Advanced,
    current_phase,
    live_phase,
    phase_now,
    sync_hybrid,
)
from lti_app.domain.exercises.phases import advance as advance_rule
from lti_app.domain.exercises.phases import start as start_rule
from lti_app.domain.exercises.schedule import end_phase_now
from lti_app.domain.exercises.settings import Mode
from lti_app.domain.scope import CourseScope
from lti_app.services.exercises._common import _configured
from lti_app.services.exercises.grading import _enqueue_completion
from lti_app.services.exercises.retention import _set_purge_date
from lti_app.storage import db, exercise_groups_repo
from lti_app.storage.exercise_groups_repo import LockedRound
from lti_app.storage.exercises_repo import DbSession


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
        if settings.mode is Mode.ASYNC and not starting and snapshot.group.schedule is not None:
            return _end_async_phase(session, scope, snapshot, actor, now, from_index)
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


def _end_async_phase(
    session: DbSession,
    scope: CourseScope,
    snapshot: LockedRound,
    actor: Actor,
    now: datetime,
    from_index: int | None,
) -> Verdict:
    """An instructor's "next phase" in an asynchronous round: the current phase's deadline
    becomes now (``schedule.end_phase_now``); after the last one the round closes."""
    assert snapshot.group.schedule is not None
    method = snapshot.method.spec
    decision = end_phase_now(method, snapshot.group.schedule, actor, now, from_index)
    if isinstance(decision, Refused):
        return decision
    exercise_groups_repo.save_schedule(session, scope, snapshot.group.id, decision, now)
    if current_phase(method, decision, now).closed:
        _on_close(session, scope, snapshot.group.id, now)
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


def _on_close(session: DbSession, scope: CourseScope, group_id: int, now: datetime) -> None:
    """A round closed: its purge date and completion grades, in the closing transaction."""
    snapshot = exercise_groups_repo.read_group(session, scope, group_id)
    _set_purge_date(session, scope, snapshot)
    _enqueue_completion(session, scope, snapshot, now)
