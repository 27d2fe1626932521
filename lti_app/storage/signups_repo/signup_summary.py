"""The summary of a session's bookings that one person's sign-up is decided on
(``domain.signups.booking.SignupView``), read in one statement under the session's lock.

Every other sign-up of the session (on SQLite: of the whole database) waits while this runs,
so it reads what the rule needs, not every booking: the person's own booking (by the
``UNIQUE(session, user)`` index) and one row per intent and status with its count, its latest
arrival and how many of those arrived before the person. Which statuses hold a seat is the
domain's (``BookingStatus.holds_seat``); only the counting is here.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Table,
    bindparam,
    case,
    func,
    literal_column,
    null,
    select,
    union_all,
)

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Booking, BookingStatus, Intent, SignupView
from lti_app.storage.driver_statements import DriverStatement
from lti_app.storage.signup_models import SignupBooking

_BOOKINGS = cast(Table, SignupBooking.__table__)
_NOBODY_BEFORE = 2**31 - 1  # above any arrival: with no own booking, everyone came before
_OTHER = _BOOKINGS.alias("mine")


def _of_person(bookings: Any) -> tuple[ColumnElement[bool], ...]:
    """The person's booking of the session, in ``bookings`` (the table or an alias of it)."""
    return (*_in_session(bookings), bookings.c.user_id == bindparam("user_id"))


def _in_session(bookings: Any) -> tuple[ColumnElement[bool], ...]:
    return (
        bookings.c.tenant_id == bindparam("tenant_id"),
        bookings.c.course_id == bindparam("course_id"),
        bookings.c.session_id == bindparam("session_id"),
    )


def _summary() -> CompoundSelect[Any]:
    """The person's own booking (a row marked ``own``, by the ``UNIQUE(session, user)``
    index) and one row per intent and status, in one statement: one round trip fewer on
    PostgreSQL while the session is locked. Built once (a reused statement keeps its cache
    key); values bound per call."""
    own_arrival = select(_OTHER.c.arrival).where(*_of_person(_OTHER)).scalar_subquery()
    before = func.coalesce(own_arrival, _NOBODY_BEFORE)
    own = select(
        literal_column("1").label("own"),
        _BOOKINGS.c.id,
        _BOOKINGS.c.intent,
        _BOOKINGS.c.status,
        _BOOKINGS.c.arrival,
        _BOOKINGS.c.override_by,
        literal_column("1").label("bookings"),
        literal_column("0").label("earlier"),
    ).where(*_of_person(_BOOKINGS))
    counts = (
        select(
            literal_column("0"),
            null(),
            _BOOKINGS.c.intent,
            _BOOKINGS.c.status,
            func.max(_BOOKINGS.c.arrival),
            null(),
            func.count(),
            func.sum(case((_BOOKINGS.c.arrival < before, 1), else_=0)),
        )
        .where(*_in_session(_BOOKINGS))
        .group_by(_BOOKINGS.c.intent, _BOOKINGS.c.status)
    )
    return union_all(own, counts)


_SUMMARY = DriverStatement(_summary())  # on the DBAPI cursor: read under the lock


def read_view(
    connection: Connection, scope: CourseScope, session_id: int, user_id: int
) -> SignupView:
    """The view of session ``session_id`` for ``user_id``; the caller holds the session's lock."""
    where = {
        "tenant_id": scope.tenant_id,
        "course_id": scope.course_id,
        "session_id": session_id,
        "user_id": user_id,
    }
    own = None
    seated = dict.fromkeys(Intent, 0)
    waiting = dict.fromkeys(Intent, 0)
    waiting_before = dict.fromkeys(Intent, 0)
    latest = 0
    for (
        is_own,
        booking_id,
        intent,
        status,
        arrival,
        override_by,
        bookings,
        earlier,
    ) in _SUMMARY.rows(connection, where):
        counted, state = Intent(intent), BookingStatus(status)
        if is_own:
            own = Booking(booking_id, user_id, counted, state, arrival, override_by)
            continue
        latest = max(latest, arrival)
        if state.holds_seat:
            seated[counted] += bookings
        elif state is BookingStatus.WAITLISTED:
            waiting[counted] += bookings
            waiting_before[counted] += earlier
    return SignupView(
        user_id,
        own,
        tuple(seated.items()),
        tuple(waiting.items()),
        tuple(waiting_before.items()),
        latest + 1,
    )
