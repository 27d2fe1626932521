"""Lock, decide, write, tell, log: the one transaction every single-session booking change runs
in, with one retry on a fresh snapshot after a :class:`BookingConflict`. Private to the
package."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Decision
from lti_app.services.signups._promotions import tell_promoted
from lti_app.storage import db, signups_repo, sqlite_writers
from lti_app.storage.signups_repo import (
    AuditEntry,
    BookingConflict,
    DbSession,
    LockedSession,
    LockedSignup,
)

_ATTEMPTS = 2  # a BookingConflict is decided once more on a fresh snapshot
_QUEUE_SECONDS = db.SQLITE_BUSY_TIMEOUT_MS / 1000  # then SQLite's own busy handler decides

_Locked = TypeVar("_Locked", LockedSession, LockedSignup)
_Audit = Callable[[Decision], AuditEntry | None]
_Read = Callable[[DbSession, CourseScope, int, int], _Locked]


@contextmanager
def booking_transaction() -> Iterator[DbSession]:
    """``db.write_transaction``; on SQLite after this database's other sign-up writers, of
    every process (``storage.sqlite_writers``), so nobody sleeps while the lock is free."""
    engine = db.get_engine()
    if engine.dialect.name != "sqlite":
        with db.write_transaction() as session:
            yield session
        return
    with (
        sqlite_writers.turn(engine.url.database, _QUEUE_SECONDS),
        db.write_transaction() as session,
    ):
        yield session


def _decide_locked(
    scope: CourseScope,
    sheet_id: int,
    session_id: int,
    now: datetime,
    decide: Callable[[_Locked], Decision],
    audit: _Audit | None = None,
    *,
    read: _Read[_Locked],
) -> Decision:
    """Lock, decide, write (with the promoted people's notices), log, in one transaction;
    once more on a fresh snapshot after a :class:`BookingConflict` (which only a writer that
    skipped the lock can cause). ``read`` locks the session and reads what ``decide`` needs:
    every booking (``lock_session``), or a sign-up's summary."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with booking_transaction() as session:
                target = read(session, scope, session_id, sheet_id)
                decision = decide(target)
                if not decision.changes:
                    return decision
                decision = signups_repo.apply_decision(session, scope, target, decision, now)
                tell_promoted(session, scope, target.record, decision.promoted, now)
                entry = audit(decision) if audit is not None else None
                if entry is not None:
                    signups_repo.record_audit(session, scope, entry, now)
                return decision
        except BookingConflict:
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")
