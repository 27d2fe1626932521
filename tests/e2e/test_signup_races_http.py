"""Seats under real concurrency over real HTTP: the tool served by ``intervision serve``
(gunicorn, 2 workers x 8 threads), on SQLite and on PostgreSQL; on PostgreSQL by TWO serve
processes sharing one database, the clients split between them.

Each client is a distinct learner with their own launch (written by the tool's own launch
storage, as ``launch_as`` does) and their own browser: a ``requests.Session`` holding the signed
session cookie of that launch. CSRF stays on: each browser GETs a session page and takes the token
from its form (once: the token belongs to the browser session, not to one form), then all posts
of a round are released together by a barrier, each on a new connection. What the
server did is read back from the database afterwards: exactly the seats confirmed, the rest
waitlisted in the order the server took the session lock (``arrival``, which is also the insert
order), nobody twice, and every response a redirect (no 4xx, no 5xx). What each browser was told
(the outcome its redirect carries to the next page, ``web/signups/outcomes.py``) must agree with the
database.

A round is one new session on the same sheet; servers, launches and browsers are reused for the
whole module. Nothing waits for a fixed time: readiness is ``/healthz`` polled with a deadline.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import requests
from flask import Flask

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import BookingStatus
from lti_app.services import signups
from lti_app.services.signups import BookingRecord
from lti_app.web.signups.context import sheet_link
from tests.support.databases import PostgresServer
from tests.support.launches import registered_platform
from tests.support.platforms import running_key_server
from tests.support.signup_clients import (
    Browser,
    ServedTool,
    launch_people,
    serving,
    tool_app,
)
from tests.support.signup_world import plan

pytestmark = pytest.mark.e2e

SEATS = 8
CLIENTS = 60
ROUNDS = 50
SMALL_ROUNDS = 5  # cancel-and-promote and override races
BARRIER_WAIT = 60.0  # upper bound for the racers to line up; nothing waits a fixed time
WAITLIST_SAID = re.compile(r"you are number (\d+) on the waitlist")
SEAT_SAID = "You have a seat as"


@dataclass
class Deployment:
    """The tool served by ``servers`` on one database, a course with one sheet, and the people
    who launched into it (each browser on one of the servers, in turn)."""

    name: str
    app: Flask
    servers: list[ServedTool]
    scope: CourseScope
    sheet_id: int
    learners: list[Browser]
    instructor: Browser
    pool: ThreadPoolExecutor

    def new_session(self, seats: int = SEATS) -> int:
        now = datetime.now(UTC)
        with self.app.app_context():
            saved = signups.create_session(
                self.scope,
                sheet_id=self.sheet_id,
                plan=plan(seats=seats, starts_at=now + timedelta(days=7)),
                now=now,
            )
        assert saved.session is not None, saved.problems
        return saved.session.id

    def roster(self, session_id: int) -> tuple[BookingRecord, ...]:
        with self.app.app_context():
            _, roster = signups.session_roster(
                self.scope, sheet_id=self.sheet_id, session_id=session_id
            )
        return roster

    def server_logs(self) -> str:
        return "\n".join(f"--- {s.base_url}\n{s.log_tail()}" for s in self.servers)


def _new_postgres_database(server: PostgresServer) -> tuple[str, Callable[[], None]]:
    name = f"races_{uuid.uuid4().hex[:12]}"
    with server.admin_connect() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with server.admin_connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return server.url(name), drop


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """SQLite: one ``intervision serve``; PostgreSQL: two, sharing the database."""
    workdir = tmp_path_factory.mktemp(f"races-{request.param}")
    with ExitStack() as stack:
        if request.param == "sqlite":
            database_url, server_count = f"sqlite:///{workdir / 'races.sqlite3'}", 1
        else:
            # postgres_server FAILS (never skips) when PostgreSQL cannot be started.
            pg: PostgresServer = request.getfixturevalue("postgres_server")
            database_url, drop = _new_postgres_database(pg)
            stack.callback(drop)
            server_count = 2
        key_server = stack.enter_context(running_key_server())
        app = tool_app(workdir, database_url, "http://127.0.0.1")  # migrates before serving
        stack.callback(lambda: _dispose(app))
        platform = registered_platform(app, key_server)
        people = [f"learner-{n}" for n in range(CLIENTS + SMALL_ROUNDS)]
        learners = launch_people(app, platform, "learner", people)
        (trainer,) = launch_people(app, platform, "instructor", ["trainer"])
        launch = trainer.launched.launch
        assert launch.scope is not None
        with app.app_context():
            sheet = signups.open_sheet(launch.scope, sheet_link(launch), datetime.now(UTC))
        servers = [
            stack.enter_context(serving(workdir / f"server-{n}", database_url))
            for n in range(server_count)
        ]
        browsers = [
            Browser(app, person, servers[n % server_count].base_url)
            for n, person in enumerate(learners)
        ]
        instructor = Browser(app, trainer, servers[0].base_url)
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=CLIENTS + 1))
        yield Deployment(
            request.param, app, servers, launch.scope, sheet.id, browsers, instructor, pool
        )
        for browser in [*browsers, instructor]:
            browser.close()


def _dispose(app: Flask) -> None:
    from lti_app.storage import db

    db.get_engine(app).dispose()


# --- racing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    browser: Browser
    status: int
    sent: float  # perf_counter when the request was sent, and when its answer was read
    answered: float
    said: tuple[str, ...]  # what the page after the redirect says about the post
    body: str


def _tokens(deployment: Deployment, browsers: Sequence[Browser], session_id: int) -> list[str]:
    """Each browser's CSRF token, from the form of the first session page it GETs (all at
    once); see ``Browser.form_token`` for why a token is fetched once per browser."""
    return list(deployment.pool.map(lambda b: b.form_token(session_id), browsers))


def race(
    deployment: Deployment, posts: Sequence[tuple[Browser, Callable[[], requests.Response]]]
) -> list[Answer]:
    """Each post on its own pool thread and connection, all released together by a barrier."""
    barrier = threading.Barrier(len(posts))

    def run(browser: Browser, post: Callable[[], requests.Response]) -> Answer:
        browser.fresh_connection()
        barrier.wait(BARRIER_WAIT)
        sent = time.perf_counter()
        response = post()
        answered = time.perf_counter()
        said = tuple(browser.said()) if response.status_code == 303 else ()
        body = response.text[:3000] if response.status_code >= 400 else ""
        return Answer(browser, response.status_code, sent, answered, said, body)

    futures = [deployment.pool.submit(run, browser, post) for browser, post in posts]
    answers = [future.result(timeout=BARRIER_WAIT * 2) for future in futures]
    bad = [a for a in answers if not 200 <= a.status < 400]
    assert not bad, (
        f"{len(bad)} of {len(answers)} answers were not 2xx/3xx: "
        f"{sorted({a.status for a in bad})}\n{bad[0].body}\n{deployment.server_logs()}"
    )
    return answers


def _assert_fifo(roster: Sequence[BookingRecord], seats: int) -> None:
    """Among active bookings, the earliest arrivals hold the seats and the rest wait."""
    active = sorted(
        (r for r in roster if r.status is not BookingStatus.CANCELLED), key=lambda r: r.arrival
    )
    seated = min(seats, len(active))
    assert [r.status for r in active] == [BookingStatus.CONFIRMED] * seated + [
        BookingStatus.WAITLISTED
    ] * (len(active) - seated)


def _assert_real_time_order(answers: Sequence[Answer], arrival_of: dict[int, int]) -> None:
    """A post answered before another was sent arrived before it (the server's order is one
    the clients could have seen)."""
    for later in answers:
        earlier = [a for a in answers if a.answered < later.sent]
        if earlier:
            assert (
                max(arrival_of[a.browser.user_id] for a in earlier)
                < arrival_of[later.browser.user_id]
            )


def _last_said(answer: Answer) -> str:
    assert answer.said, f"no outcome said to user {answer.browser.user_id}"
    return answer.said[-1]


# --- the tests -------------------------------------------------------------------------------


def test_sixty_clients_at_once_fill_exactly_eight_seats_and_wait_in_arrival_order(
    deployment: Deployment,
) -> None:
    racers = deployment.learners[:CLIENTS]
    for _ in range(ROUNDS):
        session_id = deployment.new_session()
        tokens = _tokens(deployment, racers, session_id)
        answers = race(
            deployment,
            [(b, partial(b.book, session_id, t)) for b, t in zip(racers, tokens, strict=True)],
        )
        assert {a.status for a in answers} == {303}

        roster = deployment.roster(session_id)
        by_arrival = sorted(roster, key=lambda r: r.arrival)
        assert sorted(r.user_id for r in roster) == sorted(b.user_id for b in racers)  # once each
        assert [r.arrival for r in by_arrival] == list(range(1, CLIENTS + 1))
        confirmed = [r for r in by_arrival if r.status is BookingStatus.CONFIRMED]
        waitlisted = [r for r in by_arrival if r.status is BookingStatus.WAITLISTED]
        assert (len(confirmed), len(waitlisted)) == (SEATS, CLIENTS - SEATS)
        assert [r.arrival for r in confirmed] == list(range(1, SEATS + 1))
        # Insert order is arrival order: the bookings were made one after the other. (Not
        # ``created_at``: that is the ``now`` each request took before waiting for the lock.)
        assert [r.id for r in by_arrival] == sorted(r.id for r in roster)
        arrival_of = {r.user_id: r.arrival for r in roster}
        _assert_real_time_order(answers, arrival_of)
        # Each browser was told its true outcome: a seat, or its place 1..52 in arrival order.
        position_of = {r.user_id: n for n, r in enumerate(waitlisted, start=1)}
        told = {}
        for answer in answers:
            message = _last_said(answer)
            found = WAITLIST_SAID.search(message)
            told[answer.browser.user_id] = int(found.group(1)) if found else None
            if found is None:
                assert message.startswith(SEAT_SAID), message
        assert {u for u, p in told.items() if p is None} == {r.user_id for r in confirmed}
        assert {u: p for u, p in told.items() if p is not None} == position_of
        assert sorted(position_of.values()) == list(range(1, CLIENTS - SEATS + 1))


def test_cancellations_racing_new_sign_ups_promote_in_arrival_order_and_lose_nobody(
    deployment: Deployment,
) -> None:
    first, newcomers = deployment.learners[:11], deployment.learners[11:31]
    leaving = first[:4]
    for _ in range(SMALL_ROUNDS):
        session_id = deployment.new_session()
        for browser in first:  # 8 seated, 3 waiting, one after the other over HTTP
            response = browser.book(session_id, browser.form_token(session_id))
            assert response.status_code == 303, response.text[:2000]
        tokens = _tokens(deployment, [*leaving, *newcomers], session_id)
        posts: list[tuple[Browser, Callable[[], requests.Response]]] = [
            (b, partial(b.leave, session_id, t)) for b, t in zip(leaving, tokens, strict=False)
        ]
        posts += [
            (b, partial(b.book, session_id, t))
            for b, t in zip(newcomers, tokens[len(leaving) :], strict=True)
        ]
        answers = race(deployment, posts)

        roster = deployment.roster(session_id)
        status = {r.user_id: r.status for r in roster}
        assert all(status[b.user_id] is BookingStatus.CANCELLED for b in leaving)
        assert all(_last_said(a) == "Your booking is cancelled." for a in answers[:4])
        assert sum(s is BookingStatus.CONFIRMED for s in status.values()) == SEATS
        # The three who waited before the race were promoted: they arrived before any newcomer.
        assert all(status[b.user_id] is BookingStatus.CONFIRMED for b in first[8:])
        _assert_fifo(roster, SEATS)
        # Nobody lost: 11 - 4 + 20 active bookings, each newcomer once.
        assert sum(s is not BookingStatus.CANCELLED for s in status.values()) == 27
        assert len(roster) == 31 and len(status) == 31
        # Whoever was told "a seat" has it (a seat is never taken back by a racing request).
        for answer in answers[4:]:
            if _last_said(answer).startswith(SEAT_SAID):
                assert status[answer.browser.user_id] is BookingStatus.CONFIRMED


def test_an_instructor_override_racing_learners_is_the_only_seat_beyond_capacity(
    deployment: Deployment,
) -> None:
    racers = deployment.learners[:20]
    instructor = deployment.instructor
    for round_number in range(SMALL_ROUNDS):
        favoured = deployment.learners[60 + round_number]  # not among the racers
        session_id = deployment.new_session()
        tokens = _tokens(deployment, [instructor, *racers], session_id)
        reason = f"needs it for the exam ({round_number})"
        posts: list[tuple[Browser, Callable[[], requests.Response]]] = [
            (
                instructor,
                partial(instructor.override, session_id, tokens[0], favoured.user_id, reason),
            )
        ]
        posts += [
            (b, partial(b.book, session_id, t)) for b, t in zip(racers, tokens[1:], strict=True)
        ]
        answers = race(deployment, posts)

        roster = deployment.roster(session_id)
        mine = next(r for r in roster if r.user_id == favoured.user_id)
        assert (mine.status, mine.override_by, mine.override_reason) == (
            BookingStatus.CONFIRMED, instructor.user_id, reason,
        )  # fmt: skip
        confirmed = [r for r in roster if r.status is BookingStatus.CONFIRMED]
        learners_seated = [r for r in confirmed if r.user_id != favoured.user_id]
        with deployment.app.app_context():
            log = signups.session_log(
                deployment.scope, sheet_id=deployment.sheet_id, session_id=session_id
            )
        (entry,) = log
        assert (entry.action, entry.actor_id, entry.subject_user_id, entry.reason) == (
            signups.OVERRIDE, instructor.user_id, favoured.user_id, reason,
        )  # fmt: skip
        beyond = entry.detail["overrode_capacity"]
        told = _last_said(answers[0])
        if beyond:  # after the learners took every seat: the one seat beyond capacity
            assert (len(learners_seated), len(confirmed)) == (SEATS, SEATS + 1)
            assert told.startswith("Seat given beyond the session's capacity"), told
        else:  # a free seat was left when the override ran
            assert (len(learners_seated), len(confirmed)) == (SEATS - 1, SEATS)
            assert told.startswith("Seat given;"), told
        _assert_fifo([r for r in roster if r.user_id != favoured.user_id], len(learners_seated))
        assert len(roster) == 21 and len({r.user_id for r in roster}) == 21
