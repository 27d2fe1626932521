"""Seats under real concurrency, on SQLite and PostgreSQL: every racing call runs on its own
thread with its own pooled connection, all released at once by a barrier (no sleeps).

``arrival`` is handed out under the session's lock, so it records the order in which the
racing transactions actually ran; FIFO is checked against it, and against the insert order.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import Flask

from lti_app.domain.signups.booking import BookingStatus, Decision, Intent, Outcome
from lti_app.services import signups
from lti_app.storage.signups_repo import BookingRecord
from tests.support.signup_world import NOW, World, build_world, new_session, race

SEATS = 8
# The app's pool holds 5 + 10 connections: 15 racing threads each get their own.
RACERS = 15
ROUNDS = 3


def _book(world: World, session_id: int, user_id: int) -> Decision:
    return signups.book(
        world.course,
        sheet_id=world.sheet,
        session_id=session_id,
        user_id=user_id,
        intent=Intent.CONSULTANT,
        now=NOW,
    )


def _cancel(world: World, session_id: int, user_id: int) -> Decision:
    return signups.cancel_booking(
        world.course, sheet_id=world.sheet, session_id=session_id, user_id=user_id, now=NOW
    )


def _roster(app: Flask, world: World, session_id: int) -> tuple[BookingRecord, ...]:
    with app.app_context():
        _, roster = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=session_id
        )
    return roster


def _assert_fifo(roster: tuple[BookingRecord, ...], seats: int) -> None:
    """Among active bookings, the earliest arrivals hold the seats and the rest wait."""
    active = sorted(
        (r for r in roster if r.status is not BookingStatus.CANCELLED), key=lambda r: r.arrival
    )
    statuses = [r.status for r in active]
    seated = min(seats, len(active))
    assert statuses == [BookingStatus.CONFIRMED] * seated + [BookingStatus.WAITLISTED] * (
        len(active) - seated
    )


def test_racing_sign_ups_fill_exactly_the_seats_and_wait_in_arrival_order(db_app: Flask) -> None:
    world = build_world(db_app, learners=RACERS)
    for _ in range(ROUNDS):
        session_id = new_session(db_app, world, seats=SEATS)
        calls: list[Callable[[], Decision]] = [
            partial(_book, world, session_id, user) for user in world.learners
        ]
        decisions = race(db_app, calls)

        outcomes = [d.outcome for d in decisions]
        assert outcomes.count(Outcome.CONFIRMED) == SEATS
        assert outcomes.count(Outcome.WAITLISTED) == RACERS - SEATS
        roster = _roster(db_app, world, session_id)
        assert sorted(r.user_id for r in roster) == sorted(world.learners)  # one each
        assert [r.arrival for r in roster] == list(range(1, RACERS + 1))
        # The first SEATS to take the lock got the seats; the rest wait in that order.
        assert {r.arrival for r in roster if r.status is BookingStatus.CONFIRMED} == set(
            range(1, SEATS + 1)
        )
        _assert_fifo(roster, SEATS)
        # Insert order (ids) is arrival order: the transactions ran one after the other.
        assert sorted(roster, key=lambda r: r.id) == list(roster)
        # Each waiting person was told their true place.
        arrival_of = {r.user_id: r.arrival for r in roster}
        for decision in decisions:
            assert decision.booking is not None and decision.booking.booking_id is not None
            if decision.outcome is Outcome.WAITLISTED:
                assert decision.position == arrival_of[decision.booking.user_id] - SEATS


def test_one_person_submitting_many_times_at_once_books_once(db_app: Flask) -> None:
    world = build_world(db_app, learners=1)
    session_id = new_session(db_app, world, seats=SEATS)
    (ann,) = world.learners
    decisions = race(db_app, [partial(_book, world, session_id, ann) for _ in range(10)])
    ids = {d.booking.booking_id for d in decisions if d.booking is not None}
    assert len(ids) == 1 and None not in ids
    assert [d.outcome for d in decisions] == [Outcome.CONFIRMED] * 10
    assert sum(1 for d in decisions if d.changes) == 1  # one wrote, nine found it
    assert len(_roster(db_app, world, session_id)) == 1


def test_cancellations_racing_new_sign_ups_promote_fifo_and_lose_nobody(db_app: Flask) -> None:
    world = build_world(db_app, learners=17)
    session_id = new_session(db_app, world, seats=SEATS)
    first, newcomers = world.learners[:11], world.learners[11:]
    with db_app.app_context():
        for user in first:  # 8 seated, 3 waiting
            _book(world, session_id, user)
    leaving = first[:4]
    calls: list[Callable[[], Decision]] = [partial(_cancel, world, session_id, u) for u in leaving]
    calls += [partial(_book, world, session_id, u) for u in newcomers]
    decisions = race(db_app, calls)

    roster = _roster(db_app, world, session_id)
    status = {r.user_id: r.status for r in roster}
    assert [decision.outcome for decision in decisions[: len(leaving)]] == [Outcome.CANCELLED] * 4
    assert all(status[u] is BookingStatus.CANCELLED for u in leaving)
    assert sum(1 for s in status.values() if s is BookingStatus.CONFIRMED) == SEATS
    # The three who waited before the race all got seats (they arrived before any newcomer).
    assert all(status[u] is BookingStatus.CONFIRMED for u in first[8:])
    _assert_fifo(roster, SEATS)
    # Nobody lost: every newcomer has a booking; 11 - 4 + 6 active.
    assert sum(1 for s in status.values() if s is not BookingStatus.CANCELLED) == 13
    # Every seat gained in the race is accounted for: promoted by a cancellation, or booked
    # straight into a seat that a cancellation had left with nobody waiting.
    promoted = {b.user_id for d in decisions for b in d.promoted}
    booked = {
        d.booking.user_id
        for d in decisions[len(leaving) :]
        if d.outcome is Outcome.CONFIRMED and d.booking is not None
    }
    gained = {u for u, s in status.items() if s is BookingStatus.CONFIRMED} - set(first[4:8])
    assert promoted | booked == gained and not promoted & booked
    assert set(first[8:]) <= promoted


def test_an_override_racing_learners_is_the_only_seat_beyond_capacity_and_is_logged(
    db_app: Flask,
) -> None:
    world = build_world(db_app, learners=13)
    session_id = new_session(db_app, world, seats=SEATS)
    favoured, learners = world.learners[0], world.learners[1:]

    def override() -> Decision:
        return signups.override(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=favoured,
            intent=Intent.CONSULTANT,
            instructor_id=world.instructor,
            reason="needs it for the exam",
            now=NOW,
        )

    calls: list[Callable[[], Decision]] = [override]
    calls += [partial(_book, world, session_id, u) for u in learners]
    decisions = race(db_app, calls)
    overridden = decisions[0]

    roster = _roster(db_app, world, session_id)
    confirmed = [r for r in roster if r.status is BookingStatus.CONFIRMED]
    learners_seated = [r for r in confirmed if r.user_id != favoured]
    assert overridden.outcome is Outcome.CONFIRMED
    mine = next(r for r in roster if r.user_id == favoured)
    assert (mine.status, mine.override_by) == (BookingStatus.CONFIRMED, world.instructor)
    # Before the seats ran out the override took a free seat; after, it is the one extra.
    if overridden.overrode_capacity:
        assert (len(learners_seated), len(confirmed)) == (SEATS, SEATS + 1)
    else:
        assert (len(learners_seated), len(confirmed)) == (SEATS - 1, SEATS)
    learner_roster = tuple(r for r in roster if r.user_id != favoured)
    _assert_fifo(learner_roster, len(learners_seated))
    with db_app.app_context():
        log = signups.session_log(world.course, sheet_id=world.sheet, session_id=session_id)
    (entry,) = log
    assert (entry.action, entry.actor_id, entry.subject_user_id, entry.reason) == (
        signups.OVERRIDE,
        world.instructor,
        favoured,
        "needs it for the exam",
    )
    assert entry.detail["overrode_capacity"] is overridden.overrode_capacity


def test_racing_case_bringers_and_consultants_keep_the_case_bringer_places(
    db_app: Flask,
) -> None:
    world = build_world(db_app, learners=RACERS)
    session_id = new_session(db_app, world, seats=SEATS, case_bringer_places=2)
    bringers = set(world.learners[:5])

    def sign_up(user: int) -> Decision:
        intent = Intent.CASE_BRINGER if user in bringers else Intent.CONSULTANT
        return signups.book(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=user,
            intent=intent,
            now=NOW,
        )

    decisions = race(db_app, [partial(sign_up, user) for user in world.learners])
    roster = _roster(db_app, world, session_id)
    for intent, places, count in ((Intent.CASE_BRINGER, 2, 5), (Intent.CONSULTANT, 6, 10)):
        mine = tuple(r for r in roster if r.intent is intent)
        assert len(mine) == count
        _assert_fifo(mine, places)  # the first to arrive in each role hold its places
    positions = sorted(
        (d.booking.intent, d.position)
        for d in decisions
        if d.outcome is Outcome.WAITLISTED and d.booking is not None
    )
    assert positions == [(Intent.CASE_BRINGER, n) for n in (1, 2, 3)] + [
        (Intent.CONSULTANT, n) for n in (1, 2, 3, 4)
    ]
