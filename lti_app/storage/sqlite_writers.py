"""One queue for the sign-up writers of every process on one SQLite database.

SQLite has one writer at a time. A writer that finds the lock taken sleeps in SQLite's busy
handler (1, 2, 5, 10 ... 100 ms steps) before it looks again, so under a class signing up at
once the lock sat free while writers slept. Here they queue instead: the threads of one
process on a lock, and one thread per process on an exclusive ``flock`` of a file beside the
database, which the kernel hands to the next process the moment the holder lets go. With two
``intervision serve`` workers this gave 1.4 times the sign-ups per second (docs/testing.md).

Only the writers that come through here queue; any other writer still meets SQLite's busy
handler, which decides as before. The holder only runs one short transaction (itself bounded
by the busy timeout), and the kernel drops the ``flock`` of a process that dies.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from lti_app.storage import db

_QUEUE_SECONDS = db.SQLITE_BUSY_TIMEOUT_MS / 1000  # then SQLite's own busy handler decides
_THREADS = threading.Lock()
_FILES_LOCK = threading.Lock()
_OPEN_FILES: dict[tuple[int, str], int] = {}


@contextmanager
def write_transaction_in_turn() -> Iterator[Session]:
    """``db.write_transaction``, on SQLite in this database's :func:`turn`."""
    engine = db.get_engine()
    if engine.dialect.name != "sqlite":
        with db.write_transaction() as session:
            yield session
        return
    with turn(engine.url.database, _QUEUE_SECONDS), db.write_transaction() as session:
        yield session


@contextmanager
def write_connection_in_turn() -> Iterator[Connection]:
    """``db.write_connection`` (no ORM session), on SQLite in this database's :func:`turn`,
    taken after the connection left the pool and given back at the commit, before it returns."""
    engine = db.get_engine()
    if engine.dialect.name != "sqlite":
        with db.write_connection() as connection:
            yield connection
        return
    with db.write_connection(before_begin=turn(engine.url.database, _QUEUE_SECONDS)) as connection:
        yield connection


def lock_file_path(database_path: str) -> str:
    """The file whose ``flock`` is the turn, beside the database (``<database>-writers``)."""
    return database_path + "-writers"


@contextmanager
def turn(database_path: str | None, wait_seconds: float) -> Iterator[None]:
    """This database's write turn: this process's other writers first (at most
    ``wait_seconds``, then SQLite's busy handler decides), then the other processes'."""
    queued = _THREADS.acquire(timeout=wait_seconds)
    try:
        if queued and database_path and database_path != ":memory:":
            descriptor = _descriptor(database_path)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        else:
            yield
    finally:
        if queued:
            _THREADS.release()


def _descriptor(database_path: str) -> int:
    """The lock file, opened once per process: a descriptor inherited through ``fork`` shares
    its lock with the parent, so each process opens its own."""
    key = (os.getpid(), database_path)
    with _FILES_LOCK:
        descriptor = _OPEN_FILES.get(key)
        if descriptor is None:
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
            descriptor = os.open(lock_file_path(database_path), flags, 0o600)
            _OPEN_FILES[key] = descriptor
    return descriptor
