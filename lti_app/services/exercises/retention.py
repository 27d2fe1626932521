"""Retention, run by the worker: ended rounds get their purge date (and async rounds
past their last deadline their completion grades), then case text and contribution bodies
past that date are blanked. Reflections, ratings, marks and metadata stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises import retention
from lti_app.domain.exercises.validation import CaseStatus
from lti_app.domain.scope import CourseScope
from lti_app.services.exercises._common import _clock, _configured
from lti_app.services.exercises.grading import _enqueue_completion
from lti_app.storage import db, exercise_groups_repo, exercise_posts_repo
from lti_app.storage.exercise_groups_repo import GroupRecord, LockedRound
from lti_app.storage.exercises_repo import DbSession


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
