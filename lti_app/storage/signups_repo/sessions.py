"""Sessions of a sheet: stored, read, re-planned, cancelled, given their roles, and listed with
their seat counts. Seats are decided elsewhere (``bookings``): a plan change that moves seat
limits runs on a session locked there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import BookingStatus
from lti_app.domain.signups.plan import SessionPlan
from lti_app.storage.signup_models import (
    SESSION_CANCELLED,
    SESSION_SCHEDULED,
    SignupBooking,
    SignupSession,
)
from lti_app.storage.signups_repo._common import (
    _in_course,
    _require_sheet,
    _session_record,
    _session_row,
    _write_plan,
)
from lti_app.storage.signups_repo.records import SessionRecord, SessionSummary, StaleSession


def add_session(
    session: Session,
    scope: CourseScope,
    sheet_id: int,
    plan: SessionPlan,
    now: datetime,
    *,
    series_id: int | None = None,
    occurrence_key: str | None = None,
    group_id: int | None = None,
) -> SessionRecord:
    """Store a session whose plan the domain accepted (``check_plan`` found nothing); with
    ``group_id`` it is that stable group's session (the group must be on the same sheet)."""
    _require_sheet(session, scope, sheet_id)
    row = SignupSession(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        sheet_id=sheet_id,
        series_id=series_id,
        occurrence_key=occurrence_key,
        group_id=group_id,
        detached=False,
        status=SESSION_SCHEDULED,
        version=1,
        created_at=now,
        updated_at=now,
    )
    _write_plan(row, plan)
    session.add(row)
    session.flush()
    return _session_record(row)


def get_session(
    session: Session, scope: CourseScope, session_id: int, sheet_id: int | None = None
) -> SessionRecord:
    """One session (not locked: for pages, not for decisions); :class:`SessionNotFound` when
    it is not in this course (and on this sheet, when given)."""
    return _session_record(_session_row(session, scope, session_id, sheet_id))


def save_plan(
    session: Session,
    scope: CourseScope,
    session_id: int,
    plan: SessionPlan,
    expected_version: int | None,
    now: datetime,
    *,
    detach: bool = False,
) -> SessionRecord:
    """Replace a session's plan and raise its version (the ICS SEQUENCE).

    ``expected_version`` is the version the editor saw; another edit in between raises
    :class:`StaleSession`. Seat limits change bookings: call it on a session locked with
    :func:`lock_session` and apply ``decide_capacity_change``'s promotions in the same
    transaction. ``detach`` marks an occurrence edited on its own.
    """
    row = _session_row(session, scope, session_id)
    if expected_version is not None and row.version != expected_version:
        raise StaleSession(f"session {session_id}: version {row.version}, form {expected_version}")
    _write_plan(row, plan)
    row.version += 1
    row.updated_at = now
    if detach and row.series_id is not None:
        row.detached = True
    session.flush()
    return _session_record(row)


def cancel_session(
    session: Session, scope: CourseScope, session_id: int, now: datetime, *, detach: bool = False
) -> SessionRecord:
    """Mark the session cancelled (bookings stay, for notices and calendars); idempotent."""
    row = _session_row(session, scope, session_id)
    if row.status != SESSION_CANCELLED:
        row.status = SESSION_CANCELLED
        row.cancelled_at = now
        row.version += 1
        row.updated_at = now
        if detach and row.series_id is not None:
            row.detached = True
        session.flush()
    return _session_record(row)


def assign_roles(
    session: Session,
    scope: CourseScope,
    session_id: int,
    moderator_id: int | None,
    timekeeper_id: int | None,
    now: datetime,
) -> SessionRecord:
    row = _session_row(session, scope, session_id)
    row.moderator_id, row.timekeeper_id = moderator_id, timekeeper_id
    row.updated_at = now
    session.flush()
    return _session_record(row)


def list_sessions(
    session: Session, scope: CourseScope, sheet_id: int
) -> tuple[SessionSummary, ...]:
    """The sheet's sessions by start, with seat and waitlist counts (two queries in all)."""
    rows = session.scalars(
        select(SignupSession)
        .where(*_in_course(SignupSession, scope), SignupSession.sheet_id == sheet_id)
        .order_by(SignupSession.starts_at, SignupSession.id)
    ).all()
    counts: dict[tuple[int, str], int] = {}
    if rows:
        counted = session.execute(
            select(SignupBooking.session_id, SignupBooking.status, func.count(SignupBooking.id))
            .where(
                *_in_course(SignupBooking, scope),
                SignupBooking.session_id.in_([row.id for row in rows]),
            )
            .group_by(SignupBooking.session_id, SignupBooking.status)
        )
        counts = {(sid, status): int(n) for sid, status, n in counted}
    seat_holding = [status for status in BookingStatus if status.holds_seat]
    return tuple(
        SessionSummary(
            _session_record(row),
            seated=sum(counts.get((row.id, status), 0) for status in seat_holding),
            waitlisted=counts.get((row.id, BookingStatus.WAITLISTED), 0),
        )
        for row in rows
    )
