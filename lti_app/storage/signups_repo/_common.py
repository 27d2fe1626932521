"""Helpers every sign-up repository module shares: the course filter, row-to-record conversion
and the scoped session lookup. Private to ``signups_repo``; nothing here is re-exported."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Booking, BookingStatus, Intent
from lti_app.domain.signups.plan import SessionPlan
from lti_app.storage.signup_models import (
    SESSION_CANCELLED,
    CalendarFeedToken,
    SignupAudit,
    SignupBooking,
    SignupGroup,
    SignupGroupMember,
    SignupSeries,
    SignupSession,
    SignupSheet,
)
from lti_app.storage.signups_repo.records import (
    BookingRecord,
    SessionNotFound,
    SessionRecord,
    SheetNotFound,
    SheetRecord,
)

_Scoped = (
    type[SignupSheet]
    | type[SignupGroup]
    | type[SignupGroupMember]
    | type[SignupSeries]
    | type[SignupSession]
    | type[SignupBooking]
    | type[SignupAudit]
    | type[CalendarFeedToken]
)


def _in_course(model: _Scoped, scope: CourseScope) -> tuple[ColumnElement[bool], ...]:
    tenant: InstrumentedAttribute[int] = model.tenant_id
    course: InstrumentedAttribute[int] = model.course_id
    return (tenant == scope.tenant_id, course == scope.course_id)


def _minutes(duration: timedelta) -> int:
    return int(duration.total_seconds() // 60)


def _session_record(row: Any) -> SessionRecord:
    """From a ``SignupSession`` object or a plain row of its table (the same names)."""
    plan = SessionPlan(
        title=row.title,
        method=row.method,
        starts_at=row.starts_at,
        duration=timedelta(minutes=row.duration_minutes),
        timezone=row.timezone,
        place=row.place,
        online_url=row.online_url,
        seats_max=row.seats_max,
        seats_min=row.seats_min,
        case_bringer_places=row.case_bringer_places,
        signup_opens_at=row.signup_opens_at,
        signup_closes_at=row.signup_closes_at,
        cancel_deadline=row.cancel_deadline,
        min_size_deadline=row.min_size_deadline,
    )
    return SessionRecord(
        id=row.id,
        sheet_id=row.sheet_id,
        plan=plan,
        cancelled=row.status == SESSION_CANCELLED,
        version=row.version,
        series_id=row.series_id,
        occurrence_key=row.occurrence_key,
        detached=row.detached,
        group_id=row.group_id,
        moderator_id=row.moderator_id,
        timekeeper_id=row.timekeeper_id,
        minimum_checked_at=row.minimum_checked_at,
    )


def _write_plan(row: SignupSession, plan: SessionPlan) -> None:
    row.title = plan.title
    row.method = plan.method
    row.starts_at = plan.starts_at
    row.duration_minutes = _minutes(plan.duration)
    row.timezone = plan.timezone
    row.place = plan.place
    row.online_url = plan.online_url
    row.seats_max = plan.seats_max
    row.seats_min = plan.seats_min
    row.case_bringer_places = plan.case_bringer_places
    row.signup_opens_at = plan.signup_opens_at
    row.signup_closes_at = plan.signup_closes_at
    row.cancel_deadline = plan.cancel_deadline
    row.min_size_deadline = plan.min_size_deadline
    row.minimum_checked_at = None  # a changed plan is judged again at its deadline


def _sheet_record(row: SignupSheet) -> SheetRecord:
    return SheetRecord(
        row.id, row.resource_link_id, row.activity_id, row.title, row.lineitem_url, row.timezone
    )


def _booking_record(row: SignupBooking) -> BookingRecord:
    return BookingRecord(
        id=row.id,
        session_id=row.session_id,
        user_id=row.user_id,
        intent=Intent(row.intent),
        status=BookingStatus(row.status),
        arrival=row.arrival,
        override_by=row.override_by,
        override_reason=row.override_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        cancelled_at=row.cancelled_at,
        cancelled_by=row.cancelled_by,
    )


def _session_query(
    scope: CourseScope, session_id: int, sheet_id: int | None
) -> Select[tuple[SignupSession]]:
    query = select(SignupSession).where(
        *_in_course(SignupSession, scope), SignupSession.id == session_id
    )
    if sheet_id is not None:
        query = query.where(SignupSession.sheet_id == sheet_id)
    return query


def _session_row(
    session: Session, scope: CourseScope, session_id: int, sheet_id: int | None = None
) -> SignupSession:
    row = session.scalar(_session_query(scope, session_id, sheet_id))
    if row is None:
        raise SessionNotFound(f"session {session_id} not in {scope} (sheet {sheet_id})")
    return row


def _require_sheet(session: Session, scope: CourseScope, sheet_id: int) -> None:
    found = session.scalar(
        select(SignupSheet.id).where(*_in_course(SignupSheet, scope), SignupSheet.id == sheet_id)
    )
    if found is None:
        raise SheetNotFound(f"sheet {sheet_id} not in {scope}")


def _domain_booking(row: Any) -> Booking:
    return Booking(
        booking_id=row.id,
        user_id=row.user_id,
        intent=Intent(row.intent),
        status=BookingStatus(row.status),
        arrival=row.arrival,
        override_by=row.override_by,
    )
