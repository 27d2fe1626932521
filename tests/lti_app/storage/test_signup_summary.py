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
