"""Reads of bookings for pages and feeds: a session's roster, one person's bookings and
sessions, their waitlist places. Not locked: nothing here is decided on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Booking, BookingStatus, SessionState, waitlist_position
from lti_app.storage.signup_models import SignupBooking, SignupSession
from lti_app.storage.signups_repo._common import (
    _booking_record,
    _domain_booking,
    _in_course,
    _session_record,
)
from lti_app.storage.signups_repo.records import BookingRecord, SessionRecord


def roster(session: Session, scope: CourseScope, session_id: int) -> tuple[BookingRecord, ...]:
    """Every booking of one session in arrival order (the instructor's view; cancelled too)."""
    rows = session.scalars(
        select(SignupBooking)
        .where(*_in_course(SignupBooking, scope), SignupBooking.session_id == session_id)
        .order_by(SignupBooking.arrival)
    ).all()
    return tuple(_booking_record(row) for row in rows)


def bookings_of(
    session: Session, scope: CourseScope, user_id: int, sheet_id: int | None = None
) -> tuple[BookingRecord, ...]:
    """One person's bookings in this course (on one sheet when given)."""
    query = select(SignupBooking).where(
        *_in_course(SignupBooking, scope), SignupBooking.user_id == user_id
    )
    if sheet_id is not None:
        query = query.join(
            SignupSession,
            (SignupSession.id == SignupBooking.session_id) & (SignupSession.sheet_id == sheet_id),
        )
    rows = session.scalars(query.order_by(SignupBooking.session_id)).all()
    return tuple(_booking_record(row) for row in rows)


def person_sessions(
    session: Session, scope: CourseScope, user_id: int
) -> tuple[tuple[SessionRecord, BookingRecord], ...]:
    """Every session this person booked in this course with their booking, by start (for
    their calendar feed: their own bookings only, nobody else's)."""
    rows = session.execute(
        select(SignupSession, SignupBooking)
        .join(SignupBooking, SignupBooking.session_id == SignupSession.id)
        .where(
            *_in_course(SignupBooking, scope),
            *_in_course(SignupSession, scope),
            SignupBooking.user_id == user_id,
        )
        .order_by(SignupSession.starts_at, SignupSession.id)
    ).all()
    return tuple((_session_record(s), _booking_record(b)) for s, b in rows)


def waitlist_positions(
    session: Session, scope: CourseScope, sheet_id: int, user_id: int
) -> dict[int, int]:
    """This person's place on each waitlist of the sheet (session id → 1-based), as
    ``booking.waitlist_position`` counts it; a read for pages, not locked."""
    waiting = select(SignupBooking.session_id).where(
        *_in_course(SignupBooking, scope),
        SignupBooking.user_id == user_id,
        SignupBooking.status == BookingStatus.WAITLISTED.value,
    )
    rows = session.execute(
        select(
            SignupBooking.session_id,
            SignupBooking.id,
            SignupBooking.user_id,
            SignupBooking.intent,
            SignupBooking.status,
            SignupBooking.arrival,
            SignupBooking.override_by,
        )
        .join(SignupSession, SignupSession.id == SignupBooking.session_id)
        .where(
            *_in_course(SignupBooking, scope),
            SignupSession.sheet_id == sheet_id,
            SignupBooking.session_id.in_(waiting),
        )
    )
    by_session: dict[int, list[Booking]] = {}
    for row in rows:
        by_session.setdefault(row.session_id, []).append(_domain_booking(row))
    positions = {
        sid: waitlist_position(SessionState(tuple(bookings)), user_id)
        for sid, bookings in by_session.items()
    }
    return {sid: place for sid, place in positions.items() if place is not None}
