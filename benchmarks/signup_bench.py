"""Sign-ups per second under ``intervision serve``, against a bare Flask endpoint doing one insert.

    python -m benchmarks.signup_bench [--clients 200] [--requests 2000] [--cap 90]
                                      [--rounds 5] [--open-rate 100] [--waves 3]
                                      [--databases sqlite postgres] [--workers 2] [--threads 8]

For each database (a temporary SQLite file; a database in a throwaway PostgreSQL cluster,
``benchmarks/pg_cluster.py``), both servers up together, two measurements of each side:

* **saturation** (closed loop): ``--clients`` threads each post ``requests / clients``
  sign-ups one after the other, as fast as the server answers. The rate is the server's
  capacity; latency here is mostly queueing (Little's law: 200 clients at a rate R wait about
  200 / R seconds each), so the goal's p99 is not judged on it. ``--rounds`` rounds,
  alternating bare, ours, bare, ours...: a round lasts seconds and the shared machine's load
  drifts over that time, so each round's ratio compares two runs side by side, and the goal
  is judged on the median of the rounds' ratios.
* **sign-up opening** (open loop): the same clients arrive at a fixed offered rate
  (``--open-rate`` per second, the same for both sides), each sending one sign-up at its own
  scheduled moment, ``--waves`` times in a row (so ``clients`` learners arrive over
  ``clients / rate`` seconds, again and again); latency is from the scheduled moment to the
  last byte, so a server that falls behind pays for it. Each wave books fresh sessions, as a
  newly opened sheet would: client k books session k mod ``--open-sessions``.

* **ours**: ``intervision serve`` (gunicorn gthread, ``--workers`` x ``--threads``). An instructor
  launches (real OIDC login + launch, id_token signed by the platform key, as in
  ``serve_bench``) and plans the sessions through the session form; then ``--clients``
  learners each launch and GET the sheet (CSRF token). Timed: ``POST .../sessions/<id>/book``,
  the 303 is the answer (the redirect is not followed). In the closed loop client k books
  sessions k, k+1, ... of the round's own ``--sessions`` in turn (``--hot``: every client books
  session 1, then 2, ..., so all of them queue on one session's lock). Each sign-up locks its
  session, decides, inserts the booking (a seat or the waitlist), commits.
* **bare**: a Flask app with one route that INSERTs one row in its own transaction, on an
  engine made by the tool's ``db.create_storage`` (so the same pool, pre-ping and SQLite
  pragmas as ours), served by gunicorn with the options ``run_gunicorn`` uses, driven by the
  same clients with the same schedule.

Clients are threads on keep-alive ``http.client`` connections on the same machine (loopback
only), so the client's CPU is taken from the servers: the figures are lower bounds, and on a
machine shared with other jobs they move with its load (the load average is printed). Each
case stops at ``--cap`` seconds. p50 and p99 are over the requests that succeeded.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from benchmarks.lti_bench import CLIENT_ID, DEPLOYMENT_ID, ISSUER, percentile
from benchmarks.lti_platform import PlatformKey, id_token_claims, running_jwks_server
from benchmarks.pg_cluster import throwaway_cluster
from benchmarks.serve_bench import _free_port, _wait_until_ready

SECRET_KEY = "signup-bench-" + "s" * 40
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LAUNCH_IN_URL = re.compile(r"/launch/([A-Za-z0-9_-]+)/")
SESSION_ROW = re.compile(r'<tr data-session="(\d+)"')
GOAL_P99_MS = 100.0
GOAL_RATE_RATIO = 0.5
# wsgi_server.run_gunicorn's options; the bare app is served with exactly these.
GUNICORN_OPTIONS: dict[str, Any] = {
    "worker_class": "gthread",
    "timeout": 30,
    "graceful_timeout": 20,
    "keepalive": 5,
    "accesslog": "-",
    "forwarded_allow_ips": "127.0.0.1",
}


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: float = 0.0

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def failed(self, reason: str) -> None:
        with self.lock:
            self.failures[reason] = self.failures.get(reason, 0) + 1

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def ms(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000 if self.latencies else float("nan")


class Connection:
    """One client's keep-alive connection; reconnects after an error."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        try:
            self.http.request(method, path, body=body, headers=headers or {})
            response = self.http.getresponse()
            return response, response.read()
        except (OSError, http.client.HTTPException):
            self.http.close()
            raise


def drive(
    clients: list[Any], work: Callable[[Any, int], str | None], per_client: int, cap: float
) -> Tally:
    """Every client thread runs ``work(client, j)`` for j in 0..per_client-1, all released
    together; stops at the cap. ``work`` returns None on success, else what went wrong."""
    tally = Tally()
    barrier = threading.Barrier(len(clients) + 1)
    deadline: list[float] = []

    def loop(client: Any) -> None:
        # A connection idle since the last phase may be one gunicorn is closing (keep-alive
        # 2 s): start each phase on a new one, so no post meets a closing connection.
        getattr(client, "connection", client).http.close()
        barrier.wait()
        for j in range(per_client):
            if time.monotonic() > deadline[0]:
                tally.failed("time cap")
                return
            started = time.perf_counter()
            try:
                problem = work(client, j)
            except (OSError, http.client.HTTPException) as error:
                problem = type(error).__name__
            if problem is None:
                tally.ok(time.perf_counter() - started)
            else:
                tally.failed(problem)

    threads = [threading.Thread(target=loop, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    deadline.append(time.monotonic() + cap)
    started = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    tally.seconds = time.perf_counter() - started
    return tally


def drive_open(
    clients: list[Any], work: Callable[[Any, int], str | None], rate: float, waves: int, cap: float
) -> Tally:
    """Open loop: client i of n sends its request of wave w at ``start + (w * n + i) / rate``
    (so arrivals come at ``rate`` per second, whatever the server does); latency is measured
    from that scheduled moment. ``work(client, w)``; stops at the cap."""
    tally = Tally()
    barrier = threading.Barrier(len(clients) + 1)
    start: list[float] = []
    count = len(clients)

    def loop(index: int, client: Any) -> None:
        getattr(client, "connection", client).http.close()  # as in drive()
        barrier.wait()
        for wave in range(waves):
            due = start[0] + (wave * count + index) / rate
            if due - start[0] > cap:
                tally.failed("time cap")
                return
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)  # the arrival schedule itself, not a wait for the server
            # Each arrival on a new connection, as a learner's browser opening the sheet would
            # (and none meets a keep-alive connection the server closed while it was idle).
            getattr(client, "connection", client).http.close()
            try:
                problem = work(client, wave)
            except (OSError, http.client.HTTPException) as error:
                problem = type(error).__name__
            if problem is None:
                tally.ok(time.perf_counter() - due)
            else:
                tally.failed(problem)

    threads = [threading.Thread(target=loop, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    start.append(time.perf_counter() + 0.2)  # every thread is at the barrier by then
    barrier.wait()
    for thread in threads:
        thread.join()
    tally.seconds = time.perf_counter() - start[0]
    return tally


@dataclass
class Side:
    """One server's two measurements, and the server's CPU per closed-loop sign-up."""

    closed: Tally
    opened: Tally
    cpu_ms: float = float("nan")


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of a process and all its descendants so far (Linux ``/proc``): the
    gunicorn master and its workers. What a server spends per sign-up moves less with the
    machine's load than its rate does."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, family = 0.0, {root}
    grown = True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grown = True
    for pid in family:
        total += times.get(pid, 0.0)
    return total


def drive_counting_cpu(
    server: subprocess.Popen[bytes],
    clients: list[Any],
    work: Callable[[Any, int], str | None],
    per_client: int,
    cap: float,
) -> tuple[Tally, float]:
    """:func:`drive`, and the server tree's CPU milliseconds per successful request."""
    before = tree_cpu_seconds(server.pid)
    tally = drive(clients, work, per_client, cap)
    spent = tree_cpu_seconds(server.pid) - before
    return tally, (1000 * spent / len(tally.latencies) if tally.latencies else float("nan"))


# --- servers -----------------------------------------------------------------------------------


@contextmanager
def running(
    command: list[str], env: dict[str, str], port: int, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A server subprocess until the block ends; ready when /healthz answers (serve_bench)."""
    with log.open("wb") as log_file:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log_file)
        try:
            _wait_until_ready(server, port, log)
            yield server
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            _report_errors(log)


def _report_errors(log: Path) -> None:
    """A server error is part of the result: each kind of traceback (where in lti_app it was
    raised, and its exception), how often; the first one in full on stderr."""
    text = log.read_text(errors="replace")
    marker = "Traceback (most recent call last)"
    chunks = text.split(marker)[1:]
    if not chunks:
        return
    kinds: dict[str, int] = {}
    for chunk in chunks:
        lines = [line for line in chunk.splitlines()[1:] if line.strip()]
        frames = [line.strip() for line in lines if 'File "' in line and "/lti_app/" in line]
        views = [f for f in frames if "/lti_app/web/" in f or "/lti_app/services/" in f]
        ending = next((line for line in lines if not line.startswith(" ")), "?")
        where = (views or frames or ["(library frames only)"])[0].split("/lti_app/", 1)[-1]
        kind = f"{where} -> {ending[:160]}"
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{log.name}: {len(chunks)} tracebacks", file=sys.stderr)
    for kind, count in sorted(kinds.items(), key=lambda item: -item[1]):
        print(f"  {count:4d} x {kind}", file=sys.stderr)
    print(marker + chunks[0][:3000], file=sys.stderr)


def tool_env(workdir: Path, database_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "INTERVISION_INSTANCE_PATH": str(workdir / "instance"),
        "INTERVISION_DATABASE_URL": database_url,
        "INTERVISION_BASE_URL": f"http://127.0.0.1:{port}",
        "INTERVISION_SECRET_KEY": SECRET_KEY,
        # Every launch comes from 127.0.0.1; the limiter only guards /lti/login and /lti/launch.
        "INTERVISION_LTI_RATE_LIMIT": "1000000 per minute",
    }


def prepare_tool(workdir: Path, database_url: str, port: int, jwks_url: str) -> None:
    """Schema, signing key and the platform registration, before the server starts."""
    from lti_app import create_app
    from lti_app.cli_commands import apply_migrations
    from lti_app.storage import db, registrations_repo

    app = create_app(
        {
            "INSTANCE_PATH": str(workdir / "prepare"),
            "DATABASE_URL": database_url,
            "BASE_URL": f"http://127.0.0.1:{port}",
            "SECRET_KEY": SECRET_KEY,
        }
    )
    with app.app_context():
        apply_migrations(app)
        with db.transaction() as session:
            registrations_repo.add_registration(
                session, issuer=ISSUER, client_id=CLIENT_ID,
                auth_login_url=f"{ISSUER}/auth", auth_token_url=f"{ISSUER}/token",
                jwks_url=jwks_url, deployment_ids=[DEPLOYMENT_ID], frame_origins=[ISSUER],
            )  # fmt: skip
    db.get_engine(app).dispose()


# --- our tool's clients ------------------------------------------------------------------------


class Learner:
    """A browser that launched into the sheet: its session cookie, launch id, CSRF token."""

    def __init__(
        self, port: int, platform: PlatformKey, subject: str, roles: list[str], form_page: str
    ) -> None:
        self.connection = Connection(port)
        self.base = f"http://127.0.0.1:{port}"
        self.number = int(subject.rsplit("-", 1)[-1]) if subject[-1].isdigit() else 0
        self.cookie = ""
        self.launch_id = ""
        self._launch(platform, subject, roles)
        self.get("/signups/")  # the sheet: made on the first launch, then held in the cookie
        token = CSRF_FIELD.search(self.get(form_page))
        assert token, f"no CSRF token on {form_page}"
        self.token = token.group(1)

    def _launch(self, platform: PlatformKey, subject: str, roles: list[str]) -> None:
        query = urlencode({
            "iss": ISSUER, "login_hint": subject, "target_link_uri": f"{self.base}/lti/launch",
            "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT_ID, "lti1p3_new_window": "1",
        })  # fmt: skip
        login, _ = self.connection.request("GET", f"/lti/login?{query}")
        assert login.status == 302, f"login {login.status}"
        auth = dict(parse_qsl(urlsplit(login.getheader("Location", "")).query))
        cookies = [c.split(";", 1)[0] for c in login.msg.get_all("Set-Cookie") or []]
        claims = id_token_claims(
            ISSUER, CLIENT_ID, DEPLOYMENT_ID, auth["nonce"], f"{self.base}/lti/launch", subject
        )
        claims[CLAIM + "roles"] = roles
        claims[CLAIM + "custom"] = {"kind": "signup"}  # deep linking puts it on a sheet's link
        form = urlencode({"id_token": platform.sign(claims), "state": auth["state"]})
        launch, _ = self.connection.request(
            "POST", "/lti/launch", body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Cookie": "; ".join(cookies)},
        )  # fmt: skip
        assert launch.status == 303, f"launch {launch.status}"
        found = LAUNCH_IN_URL.search(launch.getheader("Location", ""))
        assert found, launch.getheader("Location")
        self.launch_id = found.group(1)
        self._keep_cookie(launch)

    def _keep_cookie(self, response: http.client.HTTPResponse) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == "__Host-intervision":
                self.cookie = f"{name}={rest.split(';', 1)[0]}"

    def get(self, path: str) -> str:
        response, body = self.connection.request(
            "GET", f"/launch/{self.launch_id}{path}", headers={"Cookie": self.cookie}
        )
        assert response.status == 200, f"GET {path}: {response.status}"
        self._keep_cookie(response)
        return body.decode()

    def post(self, path: str, fields: dict[str, str]) -> http.client.HTTPResponse:
        response, _ = self.connection.request(
            "POST", f"/launch/{self.launch_id}{path}",
            body=urlencode({"csrf_token": self.token, **fields}),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Cookie": self.cookie},
        )  # fmt: skip
        return response  # the post's cookie only adds the flashed message: not kept

    def book(self, session_id: int) -> str | None:
        response = self.post(
            f"/signups/sessions/{session_id}/book",
            {"session_id": str(session_id), "intent": "consultant", "back": "session"},
        )
        return None if response.status == 303 else f"book {response.status}"


def plan_sessions(instructor: Learner, count: int, seats: int) -> list[int]:
    """Sessions planned through the instructor's form, a week ahead; their ids."""
    start = (datetime.now(UTC) + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    for n in range(count):
        wall = (start + timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M")
        response = instructor.post(
            "/signups/sessions/new",
            {"title": f"Intervision {n + 1}", "method": "", "starts_at": wall, "timezone": "UTC",
             "duration": "90", "place": "Room 1", "online_url": "", "seats_max": str(seats),
             "seats_min": "0", "case_bringer_places": "0", "signup_opens_at": "",
             "signup_closes_at": "", "cancel_deadline": "", "repeat": "", "rrule": "",
             "count": "", "until": ""},
        )  # fmt: skip
        assert response.status == 303, f"new session: {response.status}"
    ids = [int(i) for i in SESSION_ROW.findall(instructor.get("/signups/"))]
    assert len(ids) == count, ids
    return ids


class OursUnderTest:
    """``intervision serve`` with its instructor, sessions and learners, up for the whole run
    of one database (so its closed-loop rounds can alternate with bare's)."""

    def __init__(
        self,
        stack: ExitStack,
        workdir: Path,
        database_url: str,
        args: argparse.Namespace,
        platform: PlatformKey,
        jwks: str,
    ) -> None:
        port = _free_port()
        prepare_tool(workdir, database_url, port, jwks)
        command = [str(Path(sys.executable).parent / "intervision"), "serve", "--port", str(port),
                   "--workers", str(args.workers), "--threads", str(args.threads)]  # fmt: skip
        self.server = stack.enter_context(
            running(command, tool_env(workdir, database_url, port), port, workdir / "ours.log")
        )
        self.args = args
        instructor = Learner(port, platform, "trainer", [INSTRUCTOR], "/signups/sessions/new")
        per_round, opening = args.sessions, args.waves * args.open_sessions
        planned = plan_sessions(instructor, 1 + args.rounds * per_round + opening, args.seats)
        warm_up = planned[0]
        # Each round books sessions of its own: a second sign-up for the same session is the
        # cheaper "already booked" answer, not a sign-up.
        self.rounds = [
            planned[1 + r * per_round : 1 + (r + 1) * per_round] for r in range(args.rounds)
        ]
        self.fresh = planned[1 + args.rounds * per_round :]
        self.learners = [
            Learner(port, platform, f"learner-{n}", [LEARNER], "/signups/")
            for n in range(args.clients)
        ]
        drive(self.learners, lambda learner, _j: learner.book(warm_up), 1, args.cap)  # untimed

    def closed_round(self, number: int) -> tuple[Tally, float]:
        sessions, args = self.rounds[number], self.args

        def work(learner: Learner, j: int) -> str | None:
            offset = 0 if args.hot else learner.number
            return learner.book(sessions[(offset + j) % len(sessions)])

        return drive_counting_cpu(
            self.server, self.learners, work, args.requests // args.clients, args.cap
        )

    def opening(self) -> Tally:
        args = self.args

        def arrive(learner: Learner, wave: int) -> str | None:
            first = wave * args.open_sessions
            return learner.book(self.fresh[first + learner.number % args.open_sessions])

        return drive_open(self.learners, arrive, args.open_rate, args.waves, args.cap)


# --- the bare endpoint -------------------------------------------------------------------------


def bare_app(database_url: str) -> Any:
    """One route, one INSERT in its own transaction, on an engine made by the tool's own
    ``db.create_storage``: the same pool and pre-ping on PostgreSQL, the same pragmas on SQLite
    (WAL, busy timeout, ``synchronous=NORMAL``: before, bare fsynced every commit and ours did
    not) and the same ``BEGIN IMMEDIATE`` as ``db.write_connection``."""
    from flask import Flask, request
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

    from lti_app.storage.db import SQLITE_BEGIN_OPTION, create_storage

    metadata = MetaData()
    table = Table(
        "bare_signup", metadata,
        Column("id", Integer, primary_key=True), Column("user_id", String(64)),
        Column("session_id", Integer), Column("created_at", DateTime(timezone=True)),
    )  # fmt: skip
    engine = create_storage(database_url).engine

    app = Flask("bare_signup")

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.post("/signup")
    def signup() -> tuple[str, int]:
        with engine.connect() as connection:
            connection.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            with connection.begin():
                connection.execute(
                    table.insert().values(
                        user_id=request.form["user"], session_id=int(request.form["session"]),
                        created_at=datetime.now(UTC),
                    )
                )  # fmt: skip
        return "", 204

    app.extensions["bare_engine"] = (engine, metadata)
    return app


def serve_bare(database_url: str, port: int, workers: int, threads: int) -> None:
    """``python -m benchmarks.signup_bench --serve-bare ...``: gunicorn with ours' options."""
    from lti_app.wsgi_server import _GunicornApp

    app = bare_app(database_url)
    engine, metadata = app.extensions["bare_engine"]
    metadata.create_all(engine)
    engine.dispose()  # no connection across the fork
    options = {"bind": f"127.0.0.1:{port}", "workers": workers, "threads": threads}
    _GunicornApp(app, {**options, **GUNICORN_OPTIONS}).run()


class BareUnderTest:
    """The bare endpoint under gunicorn with its clients, up for the whole run of one
    database."""

    def __init__(
        self, stack: ExitStack, workdir: Path, database_url: str, args: argparse.Namespace
    ) -> None:
        port = _free_port()
        command = [sys.executable, "-m", "benchmarks.signup_bench", "--serve-bare", database_url,
                   "--port", str(port), "--workers", str(args.workers),
                   "--threads", str(args.threads)]  # fmt: skip
        self.server = stack.enter_context(
            running(command, dict(os.environ), port, workdir / "bare.log")
        )
        self.args = args
        self.clients = [Connection(port) for _ in range(args.clients)]
        drive(self.clients, lambda client, _j: self._post(client, -1), 1, args.cap)  # untimed

    @staticmethod
    def _post(client: Connection, session: int) -> str | None:
        body = urlencode({"user": f"learner-{id(client)}", "session": str(session)})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        response, _ = client.request("POST", "/signup", body=body, headers=headers)
        return None if response.status == 204 else f"bare {response.status}"

    def closed_round(self, _number: int) -> tuple[Tally, float]:
        args = self.args
        return drive_counting_cpu(
            self.server, self.clients, self._post, args.requests // args.clients, args.cap
        )

    def opening(self) -> Tally:
        args = self.args
        return drive_open(self.clients, self._post, args.open_rate, args.waves, args.cap)


@dataclass
class Rounds:
    """One side's closed-loop rounds: every round's tally and the server CPU it took."""

    tallies: list[Tally] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    def add(self, measured: tuple[Tally, float]) -> None:
        self.tallies.append(measured[0])
        self.cpu_ms.append(measured[1])

    def merged(self) -> Tally:
        """All rounds as one tally: every latency, the rounds' seconds added up."""
        merged = Tally(seconds=sum(t.seconds for t in self.tallies))
        for tally in self.tallies:
            merged.latencies += tally.latencies
            for reason, count in tally.failures.items():
                merged.failures[reason] = merged.failures.get(reason, 0) + count
        return merged


def measure(ours: OursUnderTest, bare: BareUnderTest, rounds: int) -> Measured:
    """Closed-loop rounds alternating bare and ours (the machine's load drifts over seconds, so
    each round's ratio compares two runs next to each other), then each side's opening."""
    ours_rounds, bare_rounds = Rounds(), Rounds()
    for number in range(rounds):
        bare_rounds.add(bare.closed_round(number))
        ours_rounds.add(ours.closed_round(number))
    bare_opened = bare.opening()
    ours_opened = ours.opening()

    def side(measured: Rounds, opened: Tally) -> Side:
        return Side(measured.merged(), opened, statistics.median(measured.cpu_ms))

    pairs = list(zip(ours_rounds.tallies, bare_rounds.tallies, strict=True))
    return Measured(side(ours_rounds, ours_opened), side(bare_rounds, bare_opened), pairs)


@dataclass
class Measured:
    """Both sides of one database, and each round's (ours, bare) pair, in order."""

    ours: Side
    bare: Side
    rounds: list[tuple[Tally, Tally]]

    @property
    def ratio(self) -> float:
        """The median of the rounds' rate ratios: the figure goal (a) is judged on."""
        return statistics.median(_ratio(o.rate, b.rate) for o, b in self.rounds)

    def round_figures(self) -> str:
        return ", ".join(
            f"{_ratio(o.rate, b.rate):.2f} ({o.rate:.0f}/{b.rate:.0f})" for o, b in self.rounds
        )


# --- the run -----------------------------------------------------------------------------------


def _row(label: str, tally: Tally) -> str:
    failed = sum(tally.failures.values())
    return (
        f"| {label:<18} | {tally.rate:8.1f} | {tally.ms(0.5):7.1f} | {tally.ms(0.99):7.1f} | "
        f"{len(tally.latencies):5d} | {failed:4d}{' ' + str(tally.failures) if failed else ''} |"
    )


def _ratio(ours: float, bare: float) -> float:
    return ours / bare if bare else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=2000, help="closed-loop sign-ups per case")
    parser.add_argument("--cap", type=float, default=90.0, help="seconds per case at most")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument(
        "--hot", action="store_true", help="every client books the sessions in the same order"
    )
    parser.add_argument(
        "--open-rate", type=float, default=100.0, help="open loop: arrivals per second, both sides"
    )
    parser.add_argument("--waves", type=int, default=3, help="open loop: arrivals per client")
    parser.add_argument("--open-sessions", type=int, default=4, help="open loop: sessions a wave")
    parser.add_argument(
        "--rounds", type=int, default=5, help="closed-loop rounds, alternating bare and ours"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--serve-bare", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare, args.port, args.workers, args.threads)
        return
    logging.basicConfig(level=logging.ERROR)
    platform = PlatformKey.generate(kid="signup-bench")
    results: dict[str, Measured] = {}
    load_before = os.getloadavg()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="signup-bench-")))
        jwks = stack.enter_context(running_jwks_server(platform.jwks))
        for database in args.databases:
            workdir = tmp / database
            workdir.mkdir()
            if database == "sqlite":
                ours_url = f"sqlite:///{workdir / 'ours.sqlite3'}"
                bare_url = f"sqlite:///{workdir / 'bare.sqlite3'}"
            else:
                cluster = stack.enter_context(throwaway_cluster())
                ours_url = cluster.create_database(f"ours_{uuid.uuid4().hex[:8]}")
                bare_url = cluster.create_database(f"bare_{uuid.uuid4().hex[:8]}")
            with ExitStack() as servers:  # both up together, stopped before the next database
                bare_server = BareUnderTest(servers, workdir, bare_url, args)
                ours_server = OursUnderTest(servers, workdir, ours_url, args, platform, jwks)
                results[database] = measure(ours_server, bare_server, args.rounds)
    window = args.clients / args.open_rate
    print(
        f"\nSign-ups, {args.clients} concurrent clients, gunicorn {args.workers} workers x "
        f"{args.threads} threads, loopback, {os.cpu_count()} cores (client on the same "
        f"machine); load average at the start {load_before[0]:.1f}, at the end "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    print(
        f"Saturation (closed loop{', hot: one session at a time' if args.hot else ''}, "
        f"{args.requests} requests a round, {args.rounds} rounds alternating bare and ours; "
        "latency is queueing here):\n"
    )
    print("| case               |  per s   | p50 ms  | p99 ms  |   ok  | fail |")
    print("|---|---|---|---|---|---|")
    for database, measured in results.items():
        print(_row(f"{database} ours", measured.ours.closed))
        print(_row(f"{database} bare", measured.bare.closed))
    print(
        f"\nSign-up opening (open loop: {args.open_rate:g} arrivals/s offered to both, "
        f"{args.clients} learners over {window:g} s, {args.waves} waves):\n"
    )
    print("| case               |  per s   | p50 ms  | p99 ms  |   ok  | fail |")
    print("|---|---|---|---|---|---|")
    for database, measured in results.items():
        print(_row(f"{database} ours", measured.ours.opened))
        print(_row(f"{database} bare", measured.bare.opened))
    print()
    rate_met = latency_met = True
    for database, measured in results.items():
        ours, bare, ratio = measured.ours, measured.bare, measured.ratio
        p99 = ours.opened.ms(0.99)
        rate_ok = ratio >= GOAL_RATE_RATIO and not ours.closed.failures
        latency_ok = p99 < GOAL_P99_MS and not ours.opened.failures
        rate_met, latency_met = rate_met and rate_ok, latency_met and latency_ok
        print(
            f"{database}: saturation rate ours/bare {ratio:.2f} (median of the rounds, "
            f"ours/bare per s: {measured.round_figures()}); at {args.open_rate:g}/s "
            f"p50 ours {ours.opened.ms(0.5):.0f} ms vs bare {bare.opened.ms(0.5):.0f} ms, "
            f"p99 ours {p99:.0f} ms vs bare {bare.opened.ms(0.99):.0f} ms "
            f"({_ratio(p99, bare.opened.ms(0.99)):.2f}x); server CPU per sign-up ours "
            f"{ours.cpu_ms:.2f} ms vs bare {bare.cpu_ms:.2f} ms (gunicorn tree"
            f"{'; PostgreSQL backends not counted' if database == 'postgres' else ''})"
        )
    print(
        f"goal (a) at least {GOAL_RATE_RATIO:g}x the bare endpoint's saturation rate: "
        + ("met" if rate_met else "NOT met")
    )
    print(
        f"goal (b) p99 under {GOAL_P99_MS:.0f} ms at {args.open_rate:g} arrivals/s: "
        + ("met" if latency_met else "NOT met")
    )


if __name__ == "__main__":
    main()
