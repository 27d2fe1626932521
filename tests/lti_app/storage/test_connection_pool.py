"""The PostgreSQL pool keeps a connection per thread that used one (``db.CONNECTIONS_KEPT``),
on a real server: busy threads do not open a new connection (a new backend process) per
request, which a pool smaller than the worker's threads did."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import event, text

from lti_app.storage import db

pytestmark = pytest.mark.postgres

THREADS = 12  # more than the old pool of 5, as a worker of 8 or more threads has
ROUNDS = 5


@pytest.fixture
def storage(migrated_postgres_database: str) -> Iterator[db.Storage]:
    storage = db.create_storage(migrated_postgres_database)
    yield storage
    storage.engine.dispose()


def _backends_opened(storage: db.Storage, rounds: int) -> tuple[int, set[int]]:
    """Every round, THREADS threads each hold a connection at the same time (a barrier)
    and then give it back; the count of connections the pool opened, and their backends."""
    opened = 0
    backends: set[int] = set()
    lock = threading.Lock()

    @event.listens_for(storage.engine, "connect")
    def count(*_: object) -> None:
        nonlocal opened
        with lock:
            opened += 1

    all_holding = threading.Barrier(THREADS)

    def hold_one() -> None:
        with storage.engine.connect() as connection:
            pid = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
            all_holding.wait(timeout=30)
        with lock:
            backends.add(pid)

    for _ in range(rounds):
        threads = [threading.Thread(target=hold_one) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    event.remove(storage.engine, "connect", count)
    return opened, backends


def test_busy_threads_reuse_their_connections_round_after_round(storage: db.Storage) -> None:
    opened, backends = _backends_opened(storage, ROUNDS)
    assert opened == THREADS, f"{opened} connections opened for {THREADS} threads"
    assert len(backends) == THREADS
    assert THREADS <= db.CONNECTIONS_KEPT


def test_serve_accepts_no_more_threads_than_the_pool_keeps() -> None:
    from lti_app.cli_commands import serve

    threads = next(option for option in serve.params if option.name == "threads")
    assert getattr(threads.type, "max", None) == db.CONNECTIONS_KEPT
