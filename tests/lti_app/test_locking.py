"""Row locking (storage/locking.py) on real SQLite and PostgreSQL: two writers that read the
same row run one after the other, and a worker claim skips rows another transaction holds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection, event, select, text

from lti_app.storage import db
from lti_app.storage.locking import NotAWriteTransaction, locked
from lti_app.storage.models import CourseContext, Tenant

WAIT = 20.0  # generous upper bound for each event; the test never sleeps for a fixed time


def _course(app: Flask, *contexts: str) -> list[int]:
    with db.write_transaction(app) as session:
        tenant = Tenant(issuer="https://lms.test", client_id="c1", deployment_id="d1")
        session.add(tenant)
        session.flush()
        courses = [CourseContext(tenant_id=tenant.id, context_id=c, title="0") for c in contexts]
        session.add_all(courses)
        session.flush()
        return [course.id for course in courses]


def _count_of(course_id: int) -> Any:
    return select(CourseContext).where(CourseContext.id == course_id)


def _on_first_statement(app: Flask, thread: threading.Thread, reached: threading.Event) -> None:
    """Set ``reached`` when ``thread`` sends its first statement (BEGIN IMMEDIATE on SQLite,
    the locking SELECT on PostgreSQL): from then on it waits for the other transaction."""
    engine = db.get_engine(app)

    def before(connection: Connection, *_args: Any) -> None:
        if threading.current_thread() is thread:
            reached.set()

    event.listen(engine, "before_cursor_execute", before)


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def _postgres_lock_waiters(app: Flask) -> int:
    with db.get_engine(app).connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM pg_locks WHERE NOT granted")
        ).scalar_one()
        return int(count)


def test_two_writers_of_one_row_run_one_after_the_other(db_app: Flask) -> None:
    (course_id,) = _course(db_app, "course-1")
    order: list[str] = []
    first_holds_lock, release_first = threading.Event(), threading.Event()
    second_sent = threading.Event()
    seen_by: dict[str, str] = {}

    def book(name: str, hold: bool) -> None:
        with db.write_transaction(db_app) as session:
            course = session.scalars(locked(session, _count_of(course_id))).one()
            seen_by[name] = str(course.title)
            order.append(f"{name} read")
            if hold:
                first_holds_lock.set()
                assert release_first.wait(WAIT)
            course.title = str(int(course.title or "0") + 1)
            session.flush()
            order.append(f"{name} commits")  # still holding the lock here

    first = threading.Thread(target=book, args=("first", True))
    first.start()
    assert first_holds_lock.wait(WAIT)
    second = threading.Thread(target=book, args=("second", False))
    _on_first_statement(db_app, second, second_sent)
    second.start()
    assert second_sent.wait(WAIT)
    if db_app.config["DATABASE_URL"].startswith("postgresql"):
        _wait_for(lambda: _postgres_lock_waiters(db_app) >= 1)  # it is blocked on the row
    release_first.set()
    first.join(WAIT)
    second.join(WAIT)
    assert not first.is_alive() and not second.is_alive()

    assert order == ["first read", "first commits", "second read", "second commits"]
    assert seen_by == {"first": "0", "second": "1"}  # the second saw the first's write
    with db.transaction(db_app) as session:
        assert session.scalars(_count_of(course_id)).one().title == "2"


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_skip_locked_leaves_out_a_row_another_transaction_holds(db_app: Flask) -> None:
    held, other = _course(db_app, "held", "free")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.write_transaction(db_app) as session:
            session.scalars(locked(session, _count_of(held))).one()
            holding.set()
            assert release.wait(WAIT)

    holder = threading.Thread(target=hold)
    holder.start()
    every = select(CourseContext.id).order_by(CourseContext.id)
    try:
        assert holding.wait(WAIT)
        with db.write_transaction(db_app) as session:
            claimable = session.scalars(locked(session, every, skip_locked=True)).all()
        assert claimable == [other]
    finally:
        release.set()
        holder.join(WAIT)
    with db.write_transaction(db_app) as session:
        assert session.scalars(locked(session, every, skip_locked=True)).all() == [held, other]


def test_locking_on_sqlite_outside_a_write_transaction_is_refused(app: Flask) -> None:
    (course_id,) = _course(app, "course-1")
    with db.transaction(app) as session, pytest.raises(NotAWriteTransaction):
        locked(session, _count_of(course_id))
    with db.write_connection(app) as connection:
        assert connection.execute(locked(connection, _count_of(course_id))).one().title == "0"
