"""Lock, decide, write, tell, log: the one transaction every single-session booking change runs
in, with one retry on a fresh snapshot after a :class:`BookingConflict`. Private to the
package."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Decision
from lti_app.services.signups._promotions import tell_promoted
from lti_app.storage import db, signups_repo
from lti_app.storage.signups_repo import AuditEntry, BookingConflict, DbSession, LockedSession

_ATTEMPTS = 2  # a BookingConflict is decided once more on a fresh snapshot

# SQLite has one writer at a time, and a writer that finds it taken sleeps in SQLite's busy
# handler (1, 2, 5, 10 ... 100 ms steps) before it looks again: under a class signing up at
# once, the threads of one process slept while the lock sat free. They queue here instead
# (woken the moment the previous one commits); only the other processes' writers meet the
# busy handler. Bounded by the busy timeout, after which SQLite's own wait decides as before.
_SQLITE_WRITERS = threading.Lock()
_QUEUE_SECONDS = db.SQLITE_BUSY_TIMEOUT_MS / 1000

_Decide = Callable[[LockedSession], Decision]
_Audit = Callable[[Decision], AuditEntry | None]


@contextmanager
def booking_transaction() -> Iterator[DbSession]:
    """``db.write_transaction``, behind this process's other sign-up writers on SQLite."""
    if db.get_engine().dialect.name != "sqlite":
        with db.write_transaction() as session:
            yield session
        return
    queued = _SQLITE_WRITERS.acquire(timeout=_QUEUE_SECONDS)
    try:
        with db.write_transaction() as session:
            yield session
    finally:
        if queued:
            _SQLITE_WRITERS.release()


def _decide_locked(
    scope: CourseScope,
    sheet_id: int,
    session_id: int,
    now: datetime,
    decide: _Decide,
    audit: _Audit | None = None,
) -> Decision:
    """Lock, decide, write (with the promoted people's notices), log, in one transaction;
    once more on a fresh snapshot after a :class:`BookingConflict` (which only a writer that
    skipped the lock can cause)."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with booking_transaction() as session:
                target = signups_repo.lock_session(session, scope, session_id, sheet_id)
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
