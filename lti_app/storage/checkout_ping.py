"""PostgreSQL's pool pre-ping, as a checkout event that the sign-up path can go without.

A connection leaving the pool is pinged (``SELECT 1``; SQLAlchemy's ``pool_pre_ping``, done
the same way: the dialect's ``do_ping``, and a lost connection invalidates the pool), so a
request after a database restart gets a new connection instead of an error page. On a
sign-up that ping was the costliest round trip of all: without it the benchmark's sign-ups
took 2.4-2.6 ms of server CPU instead of 3.8-4.2 ms (docs/testing.md, "fifth pass").

:func:`repeated_if_connection_lost` runs work that is safe to run twice on connections taken
without the ping; if one of them turns out to be lost, the work runs once more on pinged
ones. A sign-up is safe to run twice: the second finds the first's booking, if it was
committed, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, InvalidatePoolError

_T = TypeVar("_T")
_UNPINGED: ContextVar[bool] = ContextVar("intervision_unpinged_checkout", default=False)


def install(engine: Engine) -> None:
    """Ping every connection ``engine``'s pool hands out, unless :func:`unpinged` says not."""
    dialect = engine.dialect

    def ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if _UNPINGED.get():
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise InvalidatePoolError(str(error)) from error  # the pool retries
            raise

    event.listen(engine, "checkout", ping)


@contextmanager
def unpinged() -> Iterator[None]:
    """Connections checked out in this block are not pinged first."""
    token = _UNPINGED.set(True)
    try:
        yield
    finally:
        _UNPINGED.reset(token)


def repeated_if_connection_lost(work: Callable[[], _T]) -> _T:
    """``work()`` on unpinged connections; if one was lost (the database restarted, a
    backend was ended), ``work()`` once more on pinged ones. Only for work that is safe to
    run twice."""
    try:
        with unpinged():
            return work()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return work()
