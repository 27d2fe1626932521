"""Lock, decide, write, tell, log: the one transaction every single-session booking change runs
in, with one retry on a fresh snapshot after a :class:`BookingConflict`. Private to the
package."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TypeVar

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Decision
from lti_app.services.signups._promotions import tell_promoted
from lti_app.storage import signups_repo, sqlite_writers
from lti_app.storage.signups_repo import (
    AuditEntry,
    BookingConflict,
    DbConnection,
    DbSession,
    LockedSession,
)

_ATTEMPTS = 2  # a BookingConflict is decided once more on a fresh snapshot

_T = TypeVar("_T")
_Decide = Callable[[LockedSession], Decision]
_Audit = Callable[[Decision], AuditEntry | None]


def booking_transaction() -> AbstractContextManager[DbSession]:
    """``db.write_transaction``; on SQLite after this database's other sign-up writers, of
    every process (``storage.sqlite_writers``), so nobody sleeps while the lock is free."""
    return sqlite_writers.write_transaction_in_turn()


def signup_connection() -> AbstractContextManager[DbConnection]:
    """:func:`booking_transaction` on a plain connection (``db.write_connection``): a sign-up
    writes one booking and tells nobody, so it needs no ORM session, whose unit of work was
    a tenth of a sign-up's time, most of it while the session was locked."""
    return sqlite_writers.write_connection_in_turn()


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

    def attempt() -> Decision:
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

    return on_fresh_snapshot(attempt)


def on_fresh_snapshot(attempt: Callable[[], _T]) -> _T:
    """``attempt()``, once more after a :class:`BookingConflict`: its transaction wrote
    nothing, and a second one decides on what the other writer committed."""
    for number in range(1, _ATTEMPTS + 1):
        try:
            return attempt()
        except BookingConflict:
            if number == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")
