"""The summary of a session's bookings that one person's sign-up is decided on
(``domain.signups.booking.SignupView``), read in two statements under the session's lock.

Every other sign-up of the session (on SQLite: of the whole database) waits while this runs,
so it reads what the rule needs, not every booking: the person's own booking (by the
``UNIQUE(session, user)`` index) and one row per intent and status with its count, its latest
arrival and how many of those arrived before the person. Which statuses hold a seat is the
domain's (``BookingStatus.holds_seat``); only the counting is here.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Connection, Table, bindparam, case, func, select

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
# Built once (a reused statement keeps its cache key), values bound per call.
_OWN = select(
    _BOOKINGS.c.id,
    _BOOKINGS.c.intent,
    _BOOKINGS.c.status,
    _BOOKINGS.c.arrival,
    _BOOKINGS.c.override_by,
).where(*_IN_SESSION, _BOOKINGS.c.user_id == bindparam("user_id"))
_COUNTS = (
    select(
        _BOOKINGS.c.intent,
        _BOOKINGS.c.status,
        func.count().label("bookings"),
        func.max(_BOOKINGS.c.arrival).label("latest"),
        func.sum(case((_BOOKINGS.c.arrival < bindparam("before"), 1), else_=0)).label("earlier"),
    )
    .where(*_IN_SESSION)
    .group_by(_BOOKINGS.c.intent, _BOOKINGS.c.status)
)


def read_view(
    connection: Connection, scope: CourseScope, session_id: int, user_id: int
) -> SignupView:
    """The view of session ``session_id`` for ``user_id``; the caller holds the session's lock."""
    where = {"tenant_id": scope.tenant_id, "course_id": scope.course_id, "session_id": session_id}
    mine = connection.execute(_OWN, {**where, "user_id": user_id}).one_or_none()
    own = None
    if mine is not None:
        booking_id, intent, status, arrival, override_by = mine
        own = Booking(
            booking_id, user_id, Intent(intent), BookingStatus(status), arrival, override_by
        )
    before = own.arrival if own is not None else _NOBODY_BEFORE
    seated = dict.fromkeys(Intent, 0)
    waiting = dict.fromkeys(Intent, 0)
    waiting_before = dict.fromkeys(Intent, 0)
    latest = 0
    for intent, status, bookings, last, earlier in connection.execute(
        _COUNTS, {**where, "before": before}
    ):
        counted, state = Intent(intent), BookingStatus(status)
        latest = max(latest, last)
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
