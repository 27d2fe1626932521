"""Lock the rows a write transaction reads, the same way on SQLite and PostgreSQL.

A rule such as "no more bookings than seats" reads rows and then writes based on what it read;
two requests doing that at once must run one after the other. Wrap the read in :func:`locked`
inside :func:`db.write_transaction` (or :func:`db.write_connection`):

- PostgreSQL: the statement becomes ``SELECT ... FOR UPDATE``; a second transaction reading the
  same rows waits until the first commits or rolls back, then gets their newest version. Under
  READ COMMITTED only the locked rows are re-read that way: read what else the decision needs
  (e.g. the bookings of a locked session) in statements *after* the locking one.
- SQLite has no row locks (the compiler drops ``FOR UPDATE``): the write transaction's
  ``BEGIN IMMEDIATE`` already holds the database's single write lock, so every other writer
  waits at its ``BEGIN`` (up to the busy timeout). :func:`locked` refuses a deferred SQLite
  transaction, where the read would not be protected.

``skip_locked=True`` (``FOR UPDATE SKIP LOCKED``) is for workers claiming queue rows: rows another
transaction holds are left out instead of waited for. On SQLite no other writer can hold a row
while the write lock is held, so it changes nothing there.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Connection, Select
from sqlalchemy.orm import Session

from lti_app.storage.db import SQLITE_BEGIN_OPTION

_Statement = TypeVar("_Statement", bound="Select[Any]")


class NotAWriteTransaction(RuntimeError):
    """Rows were to be locked outside ``db.write_transaction`` on SQLite."""


def require_write_transaction(bind: Session | Connection) -> None:
    """Refuse (on SQLite) a transaction whose reads the write lock does not protect. For hot
    paths that build their ``FOR UPDATE`` statement once instead of through :func:`locked`."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    if connection.dialect.name == "sqlite":
        if connection.get_execution_options().get(SQLITE_BEGIN_OPTION) != "IMMEDIATE":
            raise NotAWriteTransaction(
                "locked() on SQLite needs db.write_transaction() or db.write_connection(): "
                "a deferred transaction does not hold the write lock while it reads"
            )


def locked(
    bind: Session | Connection, statement: _Statement, *, skip_locked: bool = False
) -> _Statement:
    """``statement`` with ``FOR UPDATE`` (and ``SKIP LOCKED``), checked to run in a write
    transaction; execute it on ``bind``."""
    require_write_transaction(bind)
    return statement.with_for_update(skip_locked=skip_locked)
