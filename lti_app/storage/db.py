"""Engine and session lifecycle: one engine per app, one session per request, short transactions.

SQLite gets WAL, a busy timeout and enforced foreign keys on every connection, and transactions
that will write can start with ``BEGIN IMMEDIATE`` (a deferred ``BEGIN`` that later writes fails
with "database is locked" under contention; research: security-and-performance.md §6).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from lti_app.domain.errors import IntervisionError
from lti_app.storage import checkout_ping
from lti_app.storage.platform_cache import RegistrationCache
from lti_app.storage.throttle import Throttle

EXTENSION_KEY = "intervision_storage"
SQLITE_BEGIN_OPTION = "intervision_sqlite_begin"
SQLITE_BUSY_TIMEOUT_MS = 5000
CONNECTIONS_KEPT = 64
"""PostgreSQL connections a process keeps open once it has used them, at most: one per thread
that needed one at the same time (``intervision serve --threads`` is capped at this). The pool
opens connections only on demand, so a worker of 8 threads keeps at most 8 or so. A smaller
pool closed every connection above it when it came back: at 8 threads and a pool of 5, the
sign-up benchmark opened a new connection (a new PostgreSQL backend process) every 35-70
sign-ups; with this one, 8 per worker for the whole run."""
CONNECTIONS_OVERFLOW = 10
"""Opened beyond :data:`CONNECTIONS_KEPT` when a process needs more at once, closed after use."""
# What SQLite and PostgreSQL say when a transaction lost a race for a lock and was given up on:
# nothing was written, and the same request a moment later will go through.
_CONTENTION_MESSAGES = (
    "database is locked",
    "database table is locked",
    "deadlock detected",
    "could not serialize access",
    "lock timeout",
)
_SESSION_ATTRIBUTE = "intervision_db_session"
# Set in ``session.info`` by code that changes registrations; clears the cache at commit.
REGISTRATIONS_CHANGED = "intervision_registrations_changed"
PRUNE_INTERVAL_SECONDS = 60.0


@dataclass(frozen=True)
class Storage:
    """One per app (and so per process): engine, sessions and the per-process caches."""

    engine: Engine
    sessions: sessionmaker[Session]
    registrations: RegistrationCache = field(default_factory=RegistrationCache)
    prune_schedule: Throttle = field(default_factory=lambda: Throttle(PRUNE_INTERVAL_SECONDS))


def normalise_database_url(raw_url: str) -> URL:
    """Accept the URL forms admins copy from hosting panels; pick the installed psycopg 3 driver."""
    if raw_url.startswith("postgres://"):
        raw_url = "postgresql://" + raw_url.removeprefix("postgres://")
    url = make_url(raw_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


class StorageBusy(IntervisionError):
    """Too many writers at once (SQLite's busy timeout ran out, a PostgreSQL deadlock): a 503
    page that says nothing was saved, instead of a 500 with a stack trace in the log."""

    status = 503
    title = "The tool is busy right now"
    message = (
        "Many people are doing the same thing at this moment, so your request could not be "
        "finished. Nothing was saved. Please try again in a few seconds."
    )


def _is_contention(problem: OperationalError) -> bool:
    text_of_problem = str(problem.orig).lower()
    return any(message in text_of_problem for message in _CONTENTION_MESSAGES)


@contextmanager
def _busy_as_refusal() -> Iterator[None]:
    try:
        yield
    except OperationalError as problem:
        if _is_contention(problem):
            raise StorageBusy(f"lock contention: {problem.orig}") from problem
        raise


def _configure_sqlite(engine: Engine, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
    database_path = engine.url.database

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not pysqlite) emit BEGIN, so we can choose BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        _restrict_file_mode(database_path)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def _restrict_file_mode(database_path: str | None) -> None:
    """The database holds the tool's private keys: keep it readable by the service user only."""
    if not database_path or database_path == ":memory:":
        return
    for path in (database_path, database_path + "-wal", database_path + "-shm"):
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(path, 0o600)


def create_storage(raw_url: str, sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Storage:
    """Build the engine (no connection is made here) and its session factory."""
    url = normalise_database_url(raw_url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
    else:
        engine = create_engine(url, pool_size=CONNECTIONS_KEPT, max_overflow=CONNECTIONS_OVERFLOW)
        checkout_ping.install(engine)  # pool_pre_ping, which the sign-up path can go without
    storage = Storage(engine, sessionmaker(engine, expire_on_commit=False))
    _invalidate_registrations_on_commit(storage)
    return storage


def _invalidate_registrations_on_commit(storage: Storage) -> None:
    @event.listens_for(storage.sessions, "after_commit")
    def after_commit(session: Session) -> None:
        if session.info.pop(REGISTRATIONS_CHANGED, False):
            storage.registrations.invalidate()

    @event.listens_for(storage.sessions, "after_rollback")
    def after_rollback(session: Session) -> None:
        session.info.pop(REGISTRATIONS_CHANGED, None)


def init_app(app: Flask) -> None:
    """Attach the storage to the app; sessions are closed when the app context ends."""
    storage = create_storage(
        app.config["DATABASE_URL"],
        int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)),
    )
    storage.registrations.ttl = float(
        app.config.get("LTI_REGISTRATION_CACHE_SECONDS", storage.registrations.ttl)
    )
    app.extensions[EXTENSION_KEY] = storage
    app.teardown_appcontext(_close_request_session)


def get_storage(app: Flask | None = None) -> Storage:
    target = app or current_app
    try:
        storage: Storage = target.extensions[EXTENSION_KEY]
    except KeyError:
        raise RuntimeError("storage is not initialised: call lti_app.storage.db.init_app") from None
    return storage


def get_engine(app: Flask | None = None) -> Engine:
    return get_storage(app).engine


def get_session() -> Session:
    """The request's session (reads and simple writes); closed, and rolled back, on teardown."""
    session: Session | None = g.get(_SESSION_ATTRIBUTE)
    if session is None:
        session = get_storage().sessions()
        setattr(g, _SESSION_ATTRIBUTE, session)
    return session


def _close_request_session(_error: BaseException | None) -> None:
    session: Session | None = g.pop(_SESSION_ATTRIBUTE, None)
    if session is not None:
        session.close()


@contextmanager
def _new_transaction(immediate: bool, app: Flask | None) -> Iterator[Session]:
    storage = get_storage(app)
    with _busy_as_refusal(), storage.sessions() as session:
        options = {SQLITE_BEGIN_OPTION: "IMMEDIATE"} if immediate else {}
        session.connection(execution_options=options)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def transaction(app: Flask | None = None) -> AbstractContextManager[Session]:
    """A fresh session in its own transaction: committed on success, rolled back on error."""
    return _new_transaction(immediate=False, app=app)


def write_transaction(app: Flask | None = None) -> AbstractContextManager[Session]:
    """Like :func:`transaction`, but takes SQLite's write lock up front (``BEGIN IMMEDIATE``).

    Use it when the transaction reads and then writes based on what it read (seats, nonces).
    On PostgreSQL it is a normal transaction: lock rows with ``SELECT ... FOR UPDATE`` or use a
    guarded ``UPDATE``. Keep it short and free of network calls.
    """
    return _new_transaction(immediate=True, app=app)


@contextmanager
def write_connection(
    app: Flask | None = None, before_begin: AbstractContextManager[object] | None = None
) -> Iterator[Connection]:
    """:func:`write_transaction` for hot paths: a Core connection, no ORM session.

    The login and launch run a handful of prepared statements; skipping the Session's unit of
    work and state machine saves a large share of their database time. ``before_begin`` is
    entered once the connection is out of the pool and left once it has committed (a queue
    of writers: ``sqlite_writers``), so what it serialises is only the transaction itself.
    """
    with _busy_as_refusal(), get_engine(app).connect() as connection:
        connection.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        with before_begin or nullcontext(), connection.begin():
            yield connection


@contextmanager
def read_connection(app: Flask | None = None) -> Iterator[Connection]:
    """A short Core connection for hot-path reads (returned to the pool at once)."""
    with get_engine(app).connect() as connection:
        yield connection


def check_database(app: Flask | None = None) -> None:
    """Raise if the database cannot answer a trivial query (used by /healthz)."""
    with get_engine(app).connect() as connection:
        connection.execute(text("SELECT 1"))
