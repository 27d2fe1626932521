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
from lti_app.storage.signup_models import SignupBooking

_BOOKINGS = cast(Table, SignupBooking.__table__)
_NOBODY_BEFORE = 2**31 - 1  # above any arrival: with no own booking, everyone came before
_IN_SESSION = (
    _BOOKINGS.c.tenant_id == bindparam("tenant_id"),
    _BOOKINGS.c.course_id == bindparam("course_id"),
    _BOOKINGS.c.session_id == bindparam("session_id"),
)
_MINE = _BOOKINGS.c.user_id == bindparam("user_id")
_OTHER = _BOOKINGS.alias("mine")


def _summary() -> CompoundSelect[Any]:
    """The person's own booking (a row marked ``own``, by the ``UNIQUE(session, user)``
    index) and one row per intent and status, in one statement: one round trip fewer on
    PostgreSQL while the session is locked. Built once (a reused statement keeps its cache
    key); values bound per call."""
    own_arrival = (
        select(_OTHER.c.arrival)
        .where(
            _OTHER.c.tenant_id == bindparam("tenant_id"),
            _OTHER.c.course_id == bindparam("course_id"),
            _OTHER.c.session_id == bindparam("session_id"),
            _OTHER.c.user_id == bindparam("user_id"),
        )
        .scalar_subquery()
    )
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
    ).where(*_IN_SESSION, _MINE)
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
        .where(*_IN_SESSION)
        .group_by(_BOOKINGS.c.intent, _BOOKINGS.c.status)
    )
    return union_all(own, counts)


_SUMMARY = _summary()


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
    ) in connection.execute(_SUMMARY, where):
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
