"""The seat rule's storage half: lock a session and read all its bookings (the snapshot the
domain decides on), then write that decision in the same transaction. Nothing is decided here;
``UNIQUE(session, user)`` and ``UNIQUE(session, arrival)`` catch a writer that skipped the lock
(:class:`BookingConflict`)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Integer,
    Table,
    TextualSelect,
    bindparam,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import (
    Booking,
    BookingStatus,
    Decision,
    Intent,
    SessionState,
)
from lti_app.storage.driver_statements import DriverStatement
from lti_app.storage.locking import require_write_transaction
from lti_app.storage.signup_models import SignupBooking, SignupSession
from lti_app.storage.signups_repo import signup_summary
from lti_app.storage.signups_repo._common import _in_course, _session_record
from lti_app.storage.signups_repo.groups import group_members
from lti_app.storage.signups_repo.records import (
    BookingConflict,
    LockedSession,
    LockedSignup,
    SessionNotFound,
)

_INTENTS = {intent.value: intent for intent in Intent}
_STATUSES = {status.value: status for status in BookingStatus}
_BOOKINGS = cast(Table, SignupBooking.__table__)
_SESSIONS = cast(Table, SignupSession.__table__)
_INSERTED = (
    "tenant_id", "course_id", "session_id", "user_id", "intent", "status", "arrival",
    "override_by", "override_reason", "created_at", "updated_at", "cancelled_at", "cancelled_by",
)  # fmt: skip


def _insert_statement() -> TextualSelect:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING id``, built once, as text: SQLAlchemy's
    dialect ``insert()`` that spells ON CONFLICT has no cache key, so it was compiled again
    on every sign-up (a fifth of a sign-up's CPU, under the session's lock). The syntax is the
    same on SQLite (3.35+) and PostgreSQL; each value is bound with its column's type."""
    columns = [_BOOKINGS.c[name] for name in _INSERTED]
    sql = (  # only our own table and column names go into the text; every value is bound
        f"INSERT INTO {_BOOKINGS.name} ({', '.join(_INSERTED)}) "  # noqa: S608
        f"VALUES ({', '.join(':' + name for name in _INSERTED)}) "
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    return (
        text(sql)
        .bindparams(*(bindparam(column.name, type_=column.type) for column in columns))
        .columns(id=Integer)
    )


_INSERT_BOOKING = DriverStatement(_insert_statement())


# Under the session's lock on every sign-up: built once (a statement object reused keeps its
# cache key, so SQLAlchemy neither rebuilds nor re-keys it), values bound per call.
_IN_SESSION = (
    _SESSIONS.c.tenant_id == bindparam("tenant_id"),
    _SESSIONS.c.course_id == bindparam("course_id"),
    _SESSIONS.c.id == bindparam("session_id"),
)
# These three (and the summary) run on the DBAPI cursor (``driver_statements``): a sign-up
# holds the lock through them.
_LOCK_SESSION = DriverStatement(select(_SESSIONS).where(*_IN_SESSION).with_for_update())
_LOCK_SESSION_ON_SHEET = DriverStatement(
    select(_SESSIONS)
    .where(*_IN_SESSION, _SESSIONS.c.sheet_id == bindparam("sheet_id"))
    .with_for_update()
)
_SESSION_BOOKINGS = (
    select(
        _BOOKINGS.c.id,
        _BOOKINGS.c.user_id,
        _BOOKINGS.c.intent,
        _BOOKINGS.c.status,
        _BOOKINGS.c.arrival,
        _BOOKINGS.c.override_by,
    )
    .where(
        _BOOKINGS.c.tenant_id == bindparam("tenant_id"),
        _BOOKINGS.c.course_id == bindparam("course_id"),
        _BOOKINGS.c.session_id == bindparam("session_id"),
    )
    .order_by(_BOOKINGS.c.arrival)
)

_BookingRow = tuple[int, int, str, str, int, int | None]


@functools.lru_cache(maxsize=16_384)  # a few MB at most
def _booking(row: _BookingRow) -> Booking:
    """One frozen ``Booking`` per distinct row, per process. Every sign-up reads all its
    session's bookings under the lock; building each anew (a frozen dataclass, two enums) cost
    ~3 µs, 0.6 ms for a waitlist of 200, while a lookup costs a tenth. A changed row is a new
    key, so what comes back is always what was read."""
    booking_id, user_id, intent, status, arrival, override_by = row
    return Booking(booking_id, user_id, _INTENTS[intent], _STATUSES[status], arrival, override_by)


def _read_state(session: Session, scope: CourseScope, session_id: int) -> SessionState:
    """All the session's bookings in arrival order, read as plain rows (no ORM objects: this
    runs under the session's lock on every sign-up, and grows with the waitlist)."""
    rows = session.connection().execute(
        _SESSION_BOOKINGS,
        {"tenant_id": scope.tenant_id, "course_id": scope.course_id, "session_id": session_id},
    )
    return SessionState(tuple([_booking(tuple(row)) for row in rows]))


def lock_session(
    session: Session, scope: CourseScope, session_id: int, sheet_id: int | None = None
) -> LockedSession:
    """Lock the session row and read it with all its bookings: the snapshot to decide on.

    Must run inside ``db.write_transaction()`` (``locking.require_write_transaction`` refuses
    otherwise on SQLite). :class:`SessionNotFound` when the session is not in this course, or
    not on ``sheet_id`` when given; nothing is locked then.
    """
    row = _locked_row(session, scope, session_id, sheet_id)
    members = group_members(session, scope, row.group_id) if row.group_id is not None else None
    return LockedSession(_session_record(row), _read_state(session, scope, session_id), members)


def lock_for_signup(
    bind: Session | Connection, scope: CourseScope, session_id: int, sheet_id: int, user_id: int
) -> LockedSignup:
    """:func:`lock_session` for one person's sign-up: the session row locked and, instead of
    every booking, the summary the sign-up is decided on (``signup_summary``): two short
    statements however long the waitlist, while the session's other sign-ups wait. ``bind``
    may be a plain connection (``db.write_connection``): a sign-up needs no ORM session."""
    row = _locked_row(bind, scope, session_id, sheet_id)
    members = group_members(bind, scope, row.group_id) if row.group_id is not None else None
    view = signup_summary.read_view(_connection(bind), scope, session_id, user_id)
    return LockedSignup(_session_record(row), view, members)


def _connection(bind: Session | Connection) -> Connection:
    return bind.connection() if isinstance(bind, Session) else bind


def _locked_row(
    bind: Session | Connection, scope: CourseScope, session_id: int, sheet_id: int | None
) -> Any:
    """The session's row, locked (``FOR UPDATE``; SQLite's write lock is the transaction's)."""
    require_write_transaction(bind)
    where = {"tenant_id": scope.tenant_id, "course_id": scope.course_id, "session_id": session_id}
    query = _LOCK_SESSION if sheet_id is None else _LOCK_SESSION_ON_SHEET
    if sheet_id is not None:
        where["sheet_id"] = sheet_id
    rows = query.rows(_connection(bind), where)  # a plain row, read fresh
    row = rows[0] if rows else None
    if row is None:
        raise SessionNotFound(f"session {session_id} not in {scope} (sheet {sheet_id})")
    if isinstance(bind, Session):
        _expire_loaded(bind, row.id)
    return row


def _expire_loaded(session: Session, session_id: int) -> None:
    """An ORM object of this session read before the lock (a series edit lists its sessions
    first) is reloaded on its next use, so what is written after the lock starts from the
    locked row, not from what was read before it."""
    key = SignupSession.__mapper__.identity_key_from_primary_key((session_id,))
    loaded = session.identity_map.get(key)
    if loaded is not None:
        session.expire(loaded)


def lock_sessions(
    session: Session, scope: CourseScope, session_ids: Sequence[int], sheet_id: int | None = None
) -> dict[int, LockedSession]:
    """Several sessions locked in id order (so two moves in opposite directions cannot
    deadlock), by id."""
    return {
        session_id: lock_session(session, scope, session_id, sheet_id)
        for session_id in sorted(set(session_ids))
    }


def apply_decision(
    session: Session | Connection,
    scope: CourseScope,
    target: LockedSession | LockedSignup,
    decision: Decision,
    now: datetime,
) -> Decision:
    """Write ``decision.changes`` to the session ``target`` (locked in this transaction); the
    decision comes back with the new bookings' ids filled in. Nothing decided here.

    A change with ``booking_id`` None is inserted with ``ON CONFLICT DO NOTHING``: meeting the
    unique constraints writes nothing and raises :class:`BookingConflict` with the transaction
    still usable (no savepoint: two fewer round trips while the session is locked).
    """
    session_id = target.record.id
    written: dict[int, Booking] = {}
    for change in decision.changes:
        if change.booking_id is None:
            written[change.user_id] = _insert_booking(
                session, scope, session_id, change, decision, now
            )
        else:
            _update_booking(session, scope, session_id, change, decision, now)

    def filled(booking: Booking) -> Booking:
        return written.get(booking.user_id, booking) if booking.booking_id is None else booking

    if not written:
        return decision
    return replace(
        decision,
        booking=filled(decision.booking) if decision.booking is not None else None,
        changes=tuple(filled(b) for b in decision.changes),
        promoted=tuple(filled(b) for b in decision.promoted),
    )


def _override_reason(change: Booking, decision: Decision) -> str | None:
    """The instructor's reason, on the booking they just placed; None leaves it as it was
    (a promotion, an attendance mark or a cancellation does not replace why it was placed)."""
    placed = (
        decision.by is not None
        and change.override_by == decision.by
        and change.status is not BookingStatus.CANCELLED
        and decision.booking is not None
        and decision.booking.user_id == change.user_id
    )
    return decision.reason if placed else None


def _insert_booking(
    session: Session | Connection,
    scope: CourseScope,
    session_id: int,
    change: Booking,
    decision: Decision,
    now: datetime,
) -> Booking:
    cancelled = change.status is BookingStatus.CANCELLED
    values = {
        "tenant_id": scope.tenant_id,
        "course_id": scope.course_id,
        "session_id": session_id,
        "user_id": change.user_id,
        "intent": change.intent.value,
        "status": change.status.value,
        "arrival": change.arrival,
        "override_by": change.override_by,
        "override_reason": _override_reason(change, decision),
        "created_at": now,
        "updated_at": now,
        "cancelled_at": now if cancelled else None,
        "cancelled_by": decision.by if cancelled else None,
    }
    try:
        inserted = _INSERT_BOOKING.rows(_connection(session), values)
    except IntegrityError as error:  # not a unique constraint: e.g. a session of another course
        raise BookingConflict(f"booking of user {change.user_id} refused: {error.orig}") from error
    booking_id = inserted[0].id if inserted else None
    if booking_id is None:  # UNIQUE(session, user) or UNIQUE(session, arrival) met: nothing written
        raise BookingConflict(
            f"user {change.user_id} or arrival {change.arrival} already in session {session_id}"
        )
    return replace(change, booking_id=booking_id)


def _update_booking(
    session: Session | Connection,
    scope: CourseScope,
    session_id: int,
    change: Booking,
    decision: Decision,
    now: datetime,
) -> None:
    cancelled = change.status is BookingStatus.CANCELLED
    values: dict[str, Any] = {
        "intent": change.intent.value,
        "status": change.status.value,
        "arrival": change.arrival,
        "override_by": change.override_by,
        "updated_at": now,
        "cancelled_at": now if cancelled else None,
        "cancelled_by": decision.by if cancelled else None,
    }
    reason = _override_reason(change, decision)
    if reason is not None:
        values["override_reason"] = reason
    elif change.override_by is None:
        values["override_reason"] = None
    result = session.execute(
        update(SignupBooking)
        .where(
            *_in_course(SignupBooking, scope),
            SignupBooking.session_id == session_id,
            SignupBooking.id == change.booking_id,
            SignupBooking.user_id == change.user_id,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise BookingConflict(f"booking {change.booking_id} is not in session {session_id}")
