"""The summary a sign-up is decided on, read in SQL under the session's lock
(``signups_repo.lock_for_signup``), is the summary the domain counts from every booking
(``SessionState.signup_view``), on SQLite and PostgreSQL, through a random history of
sign-ups, cancellations and overrides in both roles, with another session's and another
course's bookings beside it."""

from __future__ import annotations

import random

import pytest
from flask import Flask

from lti_app.domain.signups.booking import Intent
from lti_app.services import signups
from lti_app.storage import db, signups_repo
from lti_app.storage.signups_repo import signup_summary
from tests.support.signup_world import NOW, World, build_world, new_session


def _views_agree(world: World, session_id: int, people: tuple[int, ...]) -> int:
    """Compare the two summaries for everyone; how many people have a booking."""
    booked = 0
    with db.write_transaction() as session:
        state = signups_repo.lock_session(session, world.course, session_id, world.sheet).state
        for person in people:
            locked = signups_repo.lock_for_signup(
                session, world.course, session_id, world.sheet, person
            )
            assert locked.view == state.signup_view(person), person
            booked += locked.view.own is not None
    return booked


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_locked_summary_counts_what_every_booking_counts(db_app: Flask, seed: int) -> None:
    world = build_world(db_app, learners=10)
    session_id = new_session(db_app, world, seats=4, case_bringer_places=1)
    beside = new_session(db_app, world, seats=2)  # another session of the sheet, same people
    shuffle = random.Random(seed)
    with db_app.app_context():
        for person in world.learners[:6]:  # bookings of another session count for nothing
            signups.book(
                world.course, sheet_id=world.sheet, session_id=beside, user_id=person,
                intent=Intent.CONSULTANT, now=NOW,
            )  # fmt: skip
        seen_booked = 0
        for _step in range(30):
            person = shuffle.choice(world.learners)
            intent = shuffle.choice(list(Intent))
            action = shuffle.choice(["book", "book", "book", "cancel", "override"])
            where = {"sheet_id": world.sheet, "session_id": session_id, "user_id": person}
            if action == "book":
                signups.book(world.course, intent=intent, now=NOW, **where)
            elif action == "cancel":
                signups.cancel_booking(world.course, now=NOW, **where)
            else:
                signups.override(
                    world.course, intent=intent, instructor_id=world.instructor,
                    reason="needs the seat", now=NOW, **where,
                )  # fmt: skip
            seen_booked = max(seen_booked, _views_agree(world, session_id, world.learners))
    assert seen_booked >= 5  # the history reached a waitlist, not only an empty session


def test_the_counts_read_the_sessions_bookings_not_the_courses(db_app: Flask) -> None:
    """With no planner statistics (a new database, a new course), the summary's counts are
    read through ``ix_signup_booking_session_counts``: through the person index (tenant,
    course, user) they read every booking of the course, under the session's lock."""
    world = build_world(db_app, learners=3)
    session_id = new_session(db_app, world, seats=2)
    values = {
        "tenant_id": world.course.tenant_id,
        "course_id": world.course.course_id,
        "session_id": session_id,
        "user_id": world.learners[0],
    }
    with db_app.app_context(), db.get_engine().connect() as connection:
        dialect = connection.dialect
        compiled = signup_summary._summary().compile(dialect=dialect)
        parameters = {**compiled.params, **values}
        if dialect.name == "sqlite":
            explained = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + compiled.string,
                tuple(parameters[name] for name in compiled.positiontup or ()),
            )
            plan = [row[3] for row in explained]
        else:
            cursor = connection.connection.cursor()
            cursor.execute("EXPLAIN " + compiled.string, parameters)
            plan = [row[0] for row in cursor.fetchall()]
    assert any("ix_signup_booking_session_counts" in step for step in plan), plan
    assert not any("ix_signup_booking_person" in step for step in plan), plan
