"""Repeating sessions: the series as typed and its occurrences. A series row is locked before an
edit so two edits of one series run one after the other; which occurrences to create, move or
cancel is ``domain.signups.recurrence``'s decision."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.recurrence import Repeat, SeriesPlan, StoredOccurrence
from lti_app.storage.locking import locked
from lti_app.storage.signup_models import SignupSeries, SignupSession
from lti_app.storage.signups_repo._common import (
    _in_course,
    _minutes,
    _require_sheet,
    _session_record,
)
from lti_app.storage.signups_repo.records import SeriesNotFound, SeriesRecord, SessionRecord


def _series_record(row: SignupSeries) -> SeriesRecord:
    plan = SeriesPlan(
        first_local=row.first_local_start,
        timezone=row.timezone,
        repeat=Repeat(row.repeat) if row.repeat else None,
        rrule=row.rule,
        count=row.count,
        until=row.until,
    )
    return SeriesRecord(
        row.id, row.sheet_id, plan, timedelta(minutes=row.duration_minutes), row.cancelled_at
    )


def add_series(
    session: Session,
    scope: CourseScope,
    sheet_id: int,
    plan: SeriesPlan,
    duration: timedelta,
    now: datetime,
) -> SeriesRecord:
    """Store a series as typed; its sessions are added with ``series_id`` and their key."""
    _require_sheet(session, scope, sheet_id)
    row = SignupSeries(tenant_id=scope.tenant_id, course_id=scope.course_id, sheet_id=sheet_id)
    _write_series(row, plan, duration, now)
    row.created_at = now
    session.add(row)
    session.flush()
    return _series_record(row)


def _write_series(row: SignupSeries, plan: SeriesPlan, duration: timedelta, now: datetime) -> None:
    row.repeat = plan.repeat.value if plan.repeat is not None else None
    row.rule = plan.rrule
    row.count = plan.count
    row.until = plan.until
    row.timezone = plan.timezone
    row.first_local_start = plan.first_local
    row.duration_minutes = _minutes(duration)
    row.updated_at = now


def _series_row(
    session: Session, scope: CourseScope, series_id: int, sheet_id: int | None
) -> SignupSeries:
    query = select(SignupSeries).where(
        *_in_course(SignupSeries, scope), SignupSeries.id == series_id
    )
    if sheet_id is not None:
        query = query.where(SignupSeries.sheet_id == sheet_id)
    row = session.scalar(query)
    if row is None:
        raise SeriesNotFound(f"series {series_id} not in {scope} (sheet {sheet_id})")
    return row


def get_series(
    session: Session, scope: CourseScope, series_id: int, sheet_id: int | None = None
) -> SeriesRecord:
    return _series_record(_series_row(session, scope, series_id, sheet_id))


def lock_series(
    session: Session, scope: CourseScope, series_id: int, sheet_id: int | None = None
) -> SeriesRecord:
    """The series row under lock, so two edits of one series run one after the other."""
    query = select(SignupSeries).where(
        *_in_course(SignupSeries, scope), SignupSeries.id == series_id
    )
    if sheet_id is not None:
        query = query.where(SignupSeries.sheet_id == sheet_id)
    row = session.scalar(locked(session, query).execution_options(populate_existing=True))
    if row is None:
        raise SeriesNotFound(f"series {series_id} not in {scope} (sheet {sheet_id})")
    return _series_record(row)


def update_series(
    session: Session,
    scope: CourseScope,
    series_id: int,
    plan: SeriesPlan,
    duration: timedelta,
    now: datetime,
) -> SeriesRecord:
    row = _series_row(session, scope, series_id, None)
    _write_series(row, plan, duration, now)
    session.flush()
    return _series_record(row)


def mark_series_cancelled(
    session: Session, scope: CourseScope, series_id: int, now: datetime
) -> SeriesRecord:
    row = _series_row(session, scope, series_id, None)
    if row.cancelled_at is None:
        row.cancelled_at = now
        row.updated_at = now
        session.flush()
    return _series_record(row)


def series_sessions(
    session: Session, scope: CourseScope, series_id: int
) -> tuple[SessionRecord, ...]:
    """The series' sessions by occurrence key (cancelled ones included)."""
    rows = session.scalars(
        select(SignupSession)
        .where(*_in_course(SignupSession, scope), SignupSession.series_id == series_id)
        .order_by(SignupSession.occurrence_key)
    ).all()
    return tuple(_session_record(row) for row in rows)


def stored_occurrences(sessions: Iterable[SessionRecord]) -> tuple[StoredOccurrence, ...]:
    """What ``recurrence.replan`` needs to know of a series' sessions; a cancelled one counts
    as detached (it is not revived or moved by a series edit)."""
    return tuple(
        StoredOccurrence(s.occurrence_key, s.plan.starts_at, detached=s.detached or s.cancelled)
        for s in sessions
        if s.occurrence_key is not None
    )
