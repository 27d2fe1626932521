"""A statement run on the DBAPI cursor (``storage.driver_statements``) returns what
``Connection.execute`` returns for it, with the columns' own conversions (UTC datetimes,
booleans, NULLs), raises SQLAlchemy's exception classes, and runs inside the connection's
transaction: on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from flask import Flask
from sqlalchemy import Table, bindparam, select
from sqlalchemy.exc import IntegrityError

from lti_app.domain.signups.booking import Intent
from lti_app.services import signups
from lti_app.storage import db
from lti_app.storage.driver_statements import DriverStatement
from lti_app.storage.signup_models import SignupBooking, SignupSession
from lti_app.storage.signups_repo import bookings, signup_summary
from tests.support.signup_world import NOW, STARTS, build_world, new_session

SESSIONS = cast(Table, SignupSession.__table__)
BOOKINGS = cast(Table, SignupBooking.__table__)
SESSION_ROW = select(SESSIONS).where(SESSIONS.c.id == bindparam("session_id"))


def _booked_world(app: Flask) -> tuple[Any, int]:
    world = build_world(app, learners=4)
    session_id = new_session(app, world, seats=1, signup_closes_at=STARTS - timedelta(hours=2))
    with app.app_context():
        for person in world.learners[:3]:  # one seat, two on the waitlist
            signups.book(
                world.course, sheet_id=world.sheet, session_id=session_id, user_id=person,
                intent=Intent.CONSULTANT, now=NOW,
            )  # fmt: skip
    return world, session_id


def test_rows_equal_what_execute_returns(db_app: Flask) -> None:
    world, session_id = _booked_world(db_app)
    summary_values = {
        "tenant_id": world.course.tenant_id,
        "course_id": world.course.course_id,
        "session_id": session_id,
        "user_id": world.learners[2],
    }
    cases = [
        (SESSION_ROW, {"session_id": session_id}),
        (signup_summary._summary(), summary_values),
        (select(BOOKINGS).where(BOOKINGS.c.session_id == bindparam("session_id")),
         {"session_id": session_id}),
    ]  # fmt: skip
    with db_app.app_context(), db.get_engine().connect() as connection:
        for statement, values in cases:
            expected = [tuple(row) for row in connection.execute(statement, values)]
            got = DriverStatement(statement).rows(connection, values)
            assert sorted(map(tuple, got), key=repr) == sorted(expected, key=repr)
            assert got and got[0]._fields == tuple(connection.execute(statement, values).keys())
        row = DriverStatement(SESSION_ROW).rows(connection, {"session_id": session_id})[0]
    assert row.starts_at == STARTS and row.starts_at.tzinfo is not None  # UTC, as stored
    assert row.signup_closes_at == STARTS - timedelta(hours=2)
    assert row.detached is False and row.min_size_deadline is None and row.group_id is None


def test_an_insert_runs_in_the_connections_transaction(db_app: Flask) -> None:
    world, session_id = _booked_world(db_app)
    values = {
        "tenant_id": world.course.tenant_id, "course_id": world.course.course_id,
        "session_id": session_id, "user_id": world.learners[3], "intent": "consultant",
        "status": "waitlisted", "arrival": 99, "override_by": None, "override_reason": None,
        "created_at": NOW, "updated_at": NOW, "cancelled_at": None, "cancelled_by": None,
    }  # fmt: skip
    with db_app.app_context():
        with db.get_engine().connect() as connection, connection.begin() as transaction:
            inserted = bookings._INSERT_BOOKING.rows(connection, values)
            assert len(inserted) == 1 and inserted[0].id > 0
            again = bookings._INSERT_BOOKING.rows(connection, values)  # UNIQUE(session, user)
            assert again == []
            # Stored exactly as SQLAlchemy stores the same values (its types' conversions).
            by_sqlalchemy = {**values, "user_id": world.instructor, "arrival": 100}
            connection.execute(BOOKINGS.insert(), by_sqlalchemy)
            stored = connection.exec_driver_sql(
                "SELECT created_at, updated_at FROM signup_booking WHERE arrival IN (99, 100) "
                "ORDER BY arrival"
            ).all()
            assert stored[0] == stored[1]
            read_back = connection.execute(
                select(BOOKINGS.c.created_at).where(BOOKINGS.c.id == inserted[0].id)
            ).scalar_one()
            assert read_back == NOW
            transaction.rollback()
        with db.get_engine().connect() as connection:
            kept = connection.execute(
                select(BOOKINGS.c.id).where(BOOKINGS.c.user_id == world.learners[3])
            ).all()
    assert kept == []  # rolled back with the connection's transaction


def test_a_driver_error_is_sqlalchemys_and_the_connection_stays_usable(db_app: Flask) -> None:
    world, session_id = _booked_world(db_app)
    values = {
        "tenant_id": world.course.tenant_id, "course_id": world.course.course_id,
        "session_id": session_id + 1000, "user_id": world.learners[3], "intent": "consultant",
        "status": "confirmed", "arrival": 1, "override_by": None, "override_reason": None,
        "created_at": NOW, "updated_at": NOW, "cancelled_at": None, "cancelled_by": None,
    }  # fmt: skip
    with db_app.app_context(), db.get_engine().connect() as connection:
        with pytest.raises(IntegrityError), connection.begin():  # no such session
            bookings._INSERT_BOOKING.rows(connection, values)
        rows = DriverStatement(SESSION_ROW).rows(connection, {"session_id": session_id})
    assert [row.id for row in rows] == [session_id]
