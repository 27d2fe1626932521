"""Sign-up sheets, sessions and bookings of one course: every query takes the ``CourseScope``.

Seats are never decided here. A service opens ``db.write_transaction()``, calls
:func:`lock_session` (the session row ``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
already holds the write lock), asks ``domain.signups.booking`` for a decision on the
:class:`LockedSession` it got, and hands that decision to :func:`apply_decision` in the same
transaction. Every writer of a session's bookings takes that lock first, so the snapshot the
domain decided on is still the truth when it is written. ``UNIQUE(session_id, user_id)`` is the
last line of defence: an insert that hits it (a writer that did not lock) is undone in its
savepoint and reported as :class:`BookingConflict`, and the service decides again on a fresh
snapshot, which finds the existing booking.

Rows stay in this package: callers get frozen records and the domain's own frozen values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from lti_app.domain.errors import IntervisionError, NotFound
from lti_app.domain.methods import CASE_BRINGER
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import (
    Booking,
    BookingStatus,
    Decision,
    Intent,
    SeatRules,
    SessionState,
    waitlist_position,
)
from lti_app.domain.signups.plan import SessionPlan
from lti_app.domain.signups.recurrence import Repeat, SeriesPlan, StoredOccurrence
from lti_app.domain.signups.rotation import RoleTaken
from lti_app.storage import outbox_repo
from lti_app.storage.locking import locked
from lti_app.storage.models import LtiUser, Tenant
from lti_app.storage.signup_models import (
    SESSION_CANCELLED,
    SESSION_SCHEDULED,
    CalendarFeedToken,
    SignupAudit,
    SignupBooking,
    SignupGroup,
    SignupGroupMember,
    SignupSeries,
    SignupSession,
    SignupSheet,
)

# --- errors -----------------------------------------------------------------------------------


class SheetNotFound(NotFound):
    message = "There is no such sign-up sheet in this course."


class SessionNotFound(NotFound):
    message = "There is no such session on this sign-up sheet."


class SeriesNotFound(NotFound):
    message = "There is no such series on this sign-up sheet."


class StaleSession(IntervisionError):
    """The session changed since the form was loaded (optimistic edit check)."""

    status = 409
    title = "The session was changed meanwhile"
    message = (
        "Someone else changed this session after you opened it. Reload the page, check the "
        "session and make your change again."
    )


class BookingConflict(RuntimeError):
    """An insert met UNIQUE(session, user) or UNIQUE(session, arrival): the decision was made
    on a snapshot that is no longer true. Decide again on a fresh :func:`lock_session`."""


# --- records (out) and values (in) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetLink:
    """What a launch says about a sheet: its resource link and what the platform sent with it."""

    resource_link_id: str
    title: str = ""
    activity_id: str | None = None
    lineitem_url: str | None = None
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class SheetRecord:
    id: int
    resource_link_id: str
    activity_id: str | None
    title: str
    lineitem_url: str | None
    timezone: str


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    sheet_id: int
    plan: SessionPlan
    cancelled: bool
    version: int
    series_id: int | None = None
    occurrence_key: str | None = None
    detached: bool = False
    group_id: int | None = None
    moderator_id: int | None = None
    timekeeper_id: int | None = None
    minimum_checked_at: datetime | None = None

    @property
    def rules(self) -> SeatRules:
        return SeatRules.from_plan(self.plan, cancelled=self.cancelled)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """A session with how many hold a seat and how many wait (for the sheet's list)."""

    session: SessionRecord
    seated: int
    waitlisted: int


DbSession: TypeAlias = Session
"""The transaction every function here takes, named for services' type hints (services do not
import SQLAlchemy)."""


@dataclass(frozen=True, slots=True)
class LockedSession:
    """One session and all its bookings, read under the session's lock; for a stable group's
    session also the group's members (``members_only``), read in the same transaction."""

    record: SessionRecord
    state: SessionState
    members_only: frozenset[int] | None = None

    @property
    def rules(self) -> SeatRules:
        return replace(self.record.rules, members_only=self.members_only)


@dataclass(frozen=True, slots=True)
class SeriesRecord:
    id: int
    sheet_id: int
    plan: SeriesPlan
    duration: timedelta
    cancelled_at: datetime | None


@dataclass(frozen=True, slots=True)
class BookingRecord:
    """A booking with its times, for rosters and a person's own list."""

    id: int
    session_id: int
    user_id: int
    intent: Intent
    status: BookingStatus
    arrival: int
    override_by: int | None
    override_reason: str | None
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    cancelled_by: int | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the log: who (``actor_id``) did ``action`` to whom, why, with which facts."""

    action: str
    session_id: int | None
    actor_id: int | None
    subject_user_id: int | None = None
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    action: str
    session_id: int | None
    actor_id: int | None
    subject_user_id: int | None
    reason: str
    detail: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GroupRecord:
    id: int
    sheet_id: int
    name: str
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DueSession:
    """A session whose minimum-size deadline has passed unjudged (for the worker)."""

    scope: CourseScope
    sheet_id: int
    session_id: int


@dataclass(frozen=True, slots=True)
class FeedTokenRecord:
    id: int
    scope: CourseScope
    user_id: int
    created_at: datetime
    revoked_at: datetime | None


# --- helpers ------------------------------------------------------------------------------------

_Scoped = (
    type[SignupSheet]
    | type[SignupGroup]
    | type[SignupGroupMember]
    | type[SignupSeries]
    | type[SignupSession]
    | type[SignupBooking]
    | type[SignupAudit]
    | type[CalendarFeedToken]
)


def _in_course(model: _Scoped, scope: CourseScope) -> tuple[ColumnElement[bool], ...]:
    tenant: InstrumentedAttribute[int] = model.tenant_id
    course: InstrumentedAttribute[int] = model.course_id
    return (tenant == scope.tenant_id, course == scope.course_id)


def _minutes(duration: timedelta) -> int:
    return int(duration.total_seconds() // 60)


def _session_record(row: SignupSession) -> SessionRecord:
    plan = SessionPlan(
        title=row.title,
        method=row.method,
        starts_at=row.starts_at,
        duration=timedelta(minutes=row.duration_minutes),
        timezone=row.timezone,
        place=row.place,
        online_url=row.online_url,
        seats_max=row.seats_max,
        seats_min=row.seats_min,
        case_bringer_places=row.case_bringer_places,
        signup_opens_at=row.signup_opens_at,
        signup_closes_at=row.signup_closes_at,
        cancel_deadline=row.cancel_deadline,
        min_size_deadline=row.min_size_deadline,
    )
    return SessionRecord(
        id=row.id,
        sheet_id=row.sheet_id,
        plan=plan,
        cancelled=row.status == SESSION_CANCELLED,
        version=row.version,
        series_id=row.series_id,
        occurrence_key=row.occurrence_key,
        detached=row.detached,
        group_id=row.group_id,
        moderator_id=row.moderator_id,
        timekeeper_id=row.timekeeper_id,
        minimum_checked_at=row.minimum_checked_at,
    )


def _write_plan(row: SignupSession, plan: SessionPlan) -> None:
    row.title = plan.title
    row.method = plan.method
    row.starts_at = plan.starts_at
    row.duration_minutes = _minutes(plan.duration)
    row.timezone = plan.timezone
    row.place = plan.place
    row.online_url = plan.online_url
    row.seats_max = plan.seats_max
    row.seats_min = plan.seats_min
    row.case_bringer_places = plan.case_bringer_places
    row.signup_opens_at = plan.signup_opens_at
    row.signup_closes_at = plan.signup_closes_at
    row.cancel_deadline = plan.cancel_deadline
    row.min_size_deadline = plan.min_size_deadline
    row.minimum_checked_at = None  # a changed plan is judged again at its deadline


def _sheet_record(row: SignupSheet) -> SheetRecord:
    return SheetRecord(
        row.id, row.resource_link_id, row.activity_id, row.title, row.lineitem_url, row.timezone
    )


def _booking_record(row: SignupBooking) -> BookingRecord:
    return BookingRecord(
        id=row.id,
        session_id=row.session_id,
        user_id=row.user_id,
        intent=Intent(row.intent),
        status=BookingStatus(row.status),
        arrival=row.arrival,
        override_by=row.override_by,
        override_reason=row.override_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        cancelled_at=row.cancelled_at,
        cancelled_by=row.cancelled_by,
    )


def _series_record(row: SignupSeries) -> SeriesRecord:
    plan = SeriesPlan(
        first_local=row.first_local_start,
        timezone=row.timezone,
        repeat=Repeat(row.repeat) if row.repeat else None,
        rrule=row.rule,
        count=row.count,
        until=row.until,
    )
    return SeriesRecord(
        row.id, row.sheet_id, plan, timedelta(minutes=row.duration_minutes), row.cancelled_at
    )


def _session_query(
    scope: CourseScope, session_id: int, sheet_id: int | None
) -> Select[tuple[SignupSession]]:
    query = select(SignupSession).where(
        *_in_course(SignupSession, scope), SignupSession.id == session_id
    )
    if sheet_id is not None:
        query = query.where(SignupSession.sheet_id == sheet_id)
    return query


def _session_row(
    session: Session, scope: CourseScope, session_id: int, sheet_id: int | None = None
) -> SignupSession:
    row = session.scalar(_session_query(scope, session_id, sheet_id))
    if row is None:
        raise SessionNotFound(f"session {session_id} not in {scope} (sheet {sheet_id})")
    return row


def _require_sheet(session: Session, scope: CourseScope, sheet_id: int) -> None:
    found = session.scalar(
        select(SignupSheet.id).where(*_in_course(SignupSheet, scope), SignupSheet.id == sheet_id)
    )
    if found is None:
        raise SheetNotFound(f"sheet {sheet_id} not in {scope}")


# --- sheets -------------------------------------------------------------------------------------


def _find_sheet_row(session: Session, scope: CourseScope, resource_link_id: str) -> Any:
    return session.scalar(
        select(SignupSheet).where(
            *_in_course(SignupSheet, scope), SignupSheet.resource_link_id == resource_link_id
        )
    )


def ensure_sheet(
    session: Session, scope: CourseScope, link: SheetLink, now: datetime
) -> SheetRecord:
    """The sheet of this resource link, created on its first launch; what the platform sends
    later (title, line item) replaces what it sent before. Two first launches at once make one
    sheet: the unique constraint decides inside a savepoint."""
    row: SignupSheet | None = _find_sheet_row(session, scope, link.resource_link_id)
    if row is None:
        row = SignupSheet(
            tenant_id=scope.tenant_id,
            course_id=scope.course_id,
            resource_link_id=link.resource_link_id,
            activity_id=link.activity_id,
            title=link.title,
            lineitem_url=link.lineitem_url,
            timezone=link.timezone,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
            return _sheet_record(row)
        except IntegrityError:
            row = _find_sheet_row(session, scope, link.resource_link_id)
            assert row is not None
    wanted = (link.title, link.activity_id, link.lineitem_url, link.timezone)
    if (row.title, row.activity_id, row.lineitem_url, row.timezone) != wanted:
        row.title, row.activity_id, row.lineitem_url, row.timezone = wanted
        row.updated_at = now
        session.flush()
    return _sheet_record(row)


def get_sheet(session: Session, scope: CourseScope, sheet_id: int) -> SheetRecord | None:
    row = session.scalar(
        select(SignupSheet).where(*_in_course(SignupSheet, scope), SignupSheet.id == sheet_id)
    )
    return _sheet_record(row) if row is not None else None


# --- sessions and series ------------------------------------------------------------------------


def add_session(
    session: Session,
    scope: CourseScope,
    sheet_id: int,
    plan: SessionPlan,
    now: datetime,
    *,
    series_id: int | None = None,
    occurrence_key: str | None = None,
    group_id: int | None = None,
) -> SessionRecord:
    """Store a session whose plan the domain accepted (``check_plan`` found nothing); with
    ``group_id`` it is that stable group's session (the group must be on the same sheet)."""
    _require_sheet(session, scope, sheet_id)
    row = SignupSession(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        sheet_id=sheet_id,
        series_id=series_id,
        occurrence_key=occurrence_key,
        group_id=group_id,
        detached=False,
        status=SESSION_SCHEDULED,
        version=1,
        created_at=now,
        updated_at=now,
    )
    _write_plan(row, plan)
    session.add(row)
    session.flush()
    return _session_record(row)


def get_session(
    session: Session, scope: CourseScope, session_id: int, sheet_id: int | None = None
) -> SessionRecord:
    """One session (not locked: for pages, not for decisions); :class:`SessionNotFound` when
    it is not in this course (and on this sheet, when given)."""
    return _session_record(_session_row(session, scope, session_id, sheet_id))


def save_plan(
    session: Session,
    scope: CourseScope,
    session_id: int,
    plan: SessionPlan,
    expected_version: int | None,
    now: datetime,
    *,
    detach: bool = False,
) -> SessionRecord:
    """Replace a session's plan and raise its version (the ICS SEQUENCE).

    ``expected_version`` is the version the editor saw; another edit in between raises
    :class:`StaleSession`. Seat limits change bookings: call it on a session locked with
    :func:`lock_session` and apply ``decide_capacity_change``'s promotions in the same
    transaction. ``detach`` marks an occurrence edited on its own.
    """
    row = _session_row(session, scope, session_id)
    if expected_version is not None and row.version != expected_version:
        raise StaleSession(f"session {session_id}: version {row.version}, form {expected_version}")
    _write_plan(row, plan)
    row.version += 1
    row.updated_at = now
    if detach and row.series_id is not None:
        row.detached = True
    session.flush()
    return _session_record(row)


def cancel_session(
    session: Session, scope: CourseScope, session_id: int, now: datetime, *, detach: bool = False
) -> SessionRecord:
    """Mark the session cancelled (bookings stay, for notices and calendars); idempotent."""
    row = _session_row(session, scope, session_id)
    if row.status != SESSION_CANCELLED:
        row.status = SESSION_CANCELLED
        row.cancelled_at = now
        row.version += 1
        row.updated_at = now
        if detach and row.series_id is not None:
            row.detached = True
        session.flush()
    return _session_record(row)


def assign_roles(
    session: Session,
    scope: CourseScope,
    session_id: int,
    moderator_id: int | None,
    timekeeper_id: int | None,
    now: datetime,
) -> SessionRecord:
    row = _session_row(session, scope, session_id)
    row.moderator_id, row.timekeeper_id = moderator_id, timekeeper_id
    row.updated_at = now
    session.flush()
    return _session_record(row)


def list_sessions(
    session: Session, scope: CourseScope, sheet_id: int
) -> tuple[SessionSummary, ...]:
    """The sheet's sessions by start, with seat and waitlist counts (two queries in all)."""
    rows = session.scalars(
        select(SignupSession)
        .where(*_in_course(SignupSession, scope), SignupSession.sheet_id == sheet_id)
        .order_by(SignupSession.starts_at, SignupSession.id)
    ).all()
    counts: dict[tuple[int, str], int] = {}
    if rows:
        counted = session.execute(
            select(SignupBooking.session_id, SignupBooking.status, func.count(SignupBooking.id))
            .where(
                *_in_course(SignupBooking, scope),
                SignupBooking.session_id.in_([row.id for row in rows]),
            )
            .group_by(SignupBooking.session_id, SignupBooking.status)
        )
        counts = {(sid, status): int(n) for sid, status, n in counted}
    seat_holding = [status for status in BookingStatus if status.holds_seat]
    return tuple(
        SessionSummary(
            _session_record(row),
            seated=sum(counts.get((row.id, status), 0) for status in seat_holding),
            waitlisted=counts.get((row.id, BookingStatus.WAITLISTED), 0),
        )
        for row in rows
    )


def add_series(
    session: Session,
    scope: CourseScope,
    sheet_id: int,
    plan: SeriesPlan,
    duration: timedelta,
    now: datetime,
) -> SeriesRecord:
    """Store a series as typed; its sessions are added with ``series_id`` and their key."""
    _require_sheet(session, scope, sheet_id)
    row = SignupSeries(tenant_id=scope.tenant_id, course_id=scope.course_id, sheet_id=sheet_id)
    _write_series(row, plan, duration, now)
    row.created_at = now
    session.add(row)
    session.flush()
    return _series_record(row)


def _write_series(row: SignupSeries, plan: SeriesPlan, duration: timedelta, now: datetime) -> None:
    row.repeat = plan.repeat.value if plan.repeat is not None else None
    row.rule = plan.rrule
    row.count = plan.count
    row.until = plan.until
    row.timezone = plan.timezone
    row.first_local_start = plan.first_local
    row.duration_minutes = _minutes(duration)
    row.updated_at = now


def _series_row(
    session: Session, scope: CourseScope, series_id: int, sheet_id: int | None
) -> SignupSeries:
    query = select(SignupSeries).where(
        *_in_course(SignupSeries, scope), SignupSeries.id == series_id
    )
    if sheet_id is not None:
        query = query.where(SignupSeries.sheet_id == sheet_id)
    row = session.scalar(query)
    if row is None:
        raise SeriesNotFound(f"series {series_id} not in {scope} (sheet {sheet_id})")
    return row


def get_series(
    session: Session, scope: CourseScope, series_id: int, sheet_id: int | None = None
) -> SeriesRecord:
    return _series_record(_series_row(session, scope, series_id, sheet_id))


def lock_series(
    session: Session, scope: CourseScope, series_id: int, sheet_id: int | None = None
) -> SeriesRecord:
    """The series row under lock, so two edits of one series run one after the other."""
    query = select(SignupSeries).where(
        *_in_course(SignupSeries, scope), SignupSeries.id == series_id
    )
    if sheet_id is not None:
        query = query.where(SignupSeries.sheet_id == sheet_id)
    row = session.scalar(locked(session, query).execution_options(populate_existing=True))
    if row is None:
        raise SeriesNotFound(f"series {series_id} not in {scope} (sheet {sheet_id})")
    return _series_record(row)


def update_series(
    session: Session,
    scope: CourseScope,
    series_id: int,
    plan: SeriesPlan,
    duration: timedelta,
    now: datetime,
) -> SeriesRecord:
    row = _series_row(session, scope, series_id, None)
    _write_series(row, plan, duration, now)
    session.flush()
    return _series_record(row)


def mark_series_cancelled(
    session: Session, scope: CourseScope, series_id: int, now: datetime
) -> SeriesRecord:
    row = _series_row(session, scope, series_id, None)
    if row.cancelled_at is None:
        row.cancelled_at = now
        row.updated_at = now
        session.flush()
    return _series_record(row)


def series_sessions(
    session: Session, scope: CourseScope, series_id: int
) -> tuple[SessionRecord, ...]:
    """The series' sessions by occurrence key (cancelled ones included)."""
    rows = session.scalars(
        select(SignupSession)
        .where(*_in_course(SignupSession, scope), SignupSession.series_id == series_id)
        .order_by(SignupSession.occurrence_key)
    ).all()
    return tuple(_session_record(row) for row in rows)


def stored_occurrences(sessions: Iterable[SessionRecord]) -> tuple[StoredOccurrence, ...]:
    """What ``recurrence.replan`` needs to know of a series' sessions; a cancelled one counts
    as detached (it is not revived or moved by a series edit)."""
    return tuple(
        StoredOccurrence(s.occurrence_key, s.plan.starts_at, detached=s.detached or s.cancelled)
        for s in sessions
        if s.occurrence_key is not None
    )


# --- the locked snapshot and applying decisions ------------------------------------------------


def _domain_booking(row: Any) -> Booking:
    return Booking(
        booking_id=row.id,
        user_id=row.user_id,
        intent=Intent(row.intent),
        status=BookingStatus(row.status),
        arrival=row.arrival,
        override_by=row.override_by,
    )


def _read_state(session: Session, scope: CourseScope, session_id: int) -> SessionState:
    rows = session.execute(
        select(
            SignupBooking.id,
            SignupBooking.user_id,
            SignupBooking.intent,
            SignupBooking.status,
            SignupBooking.arrival,
            SignupBooking.override_by,
        )
        .where(*_in_course(SignupBooking, scope), SignupBooking.session_id == session_id)
        .order_by(SignupBooking.arrival)
    )
    return SessionState(tuple(_domain_booking(row) for row in rows))


def lock_session(
    session: Session, scope: CourseScope, session_id: int, sheet_id: int | None = None
) -> LockedSession:
    """Lock the session row and read it with all its bookings: the snapshot to decide on.

    Must run inside ``db.write_transaction()`` (``locking.locked`` refuses otherwise on
    SQLite). :class:`SessionNotFound` when the session is not in this course, or not on
    ``sheet_id`` when given; nothing is locked then.
    """
    query = locked(session, _session_query(scope, session_id, sheet_id))
    row = session.scalar(query.execution_options(populate_existing=True))
    if row is None:
        raise SessionNotFound(f"session {session_id} not in {scope} (sheet {sheet_id})")
    members = group_members(session, scope, row.group_id) if row.group_id is not None else None
    return LockedSession(_session_record(row), _read_state(session, scope, session_id), members)


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
    session: Session,
    scope: CourseScope,
    target: LockedSession,
    decision: Decision,
    now: datetime,
) -> Decision:
    """Write ``decision.changes`` to the session ``target`` (locked in this transaction); the
    decision comes back with the new bookings' ids filled in. Nothing decided here.

    A change with ``booking_id`` None is inserted in a savepoint: meeting the unique
    constraints raises :class:`BookingConflict` with the transaction still usable.
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
    session: Session,
    scope: CourseScope,
    session_id: int,
    change: Booking,
    decision: Decision,
    now: datetime,
) -> Booking:
    cancelled = change.status is BookingStatus.CANCELLED
    row = SignupBooking(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        session_id=session_id,
        user_id=change.user_id,
        intent=change.intent.value,
        status=change.status.value,
        arrival=change.arrival,
        override_by=change.override_by,
        override_reason=_override_reason(change, decision),
        created_at=now,
        updated_at=now,
        cancelled_at=now if cancelled else None,
        cancelled_by=decision.by if cancelled else None,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as error:
        raise BookingConflict(
            f"user {change.user_id} or arrival {change.arrival} already in session {session_id}"
        ) from error
    return replace(change, booking_id=row.id)


def _update_booking(
    session: Session,
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


# --- rosters, a person's bookings, audit --------------------------------------------------------


def roster(session: Session, scope: CourseScope, session_id: int) -> tuple[BookingRecord, ...]:
    """Every booking of one session in arrival order (the instructor's view; cancelled too)."""
    rows = session.scalars(
        select(SignupBooking)
        .where(*_in_course(SignupBooking, scope), SignupBooking.session_id == session_id)
        .order_by(SignupBooking.arrival)
    ).all()
    return tuple(_booking_record(row) for row in rows)


def bookings_of(
    session: Session, scope: CourseScope, user_id: int, sheet_id: int | None = None
) -> tuple[BookingRecord, ...]:
    """One person's bookings in this course (on one sheet when given)."""
    query = select(SignupBooking).where(
        *_in_course(SignupBooking, scope), SignupBooking.user_id == user_id
    )
    if sheet_id is not None:
        query = query.join(
            SignupSession,
            (SignupSession.id == SignupBooking.session_id) & (SignupSession.sheet_id == sheet_id),
        )
    rows = session.scalars(query.order_by(SignupBooking.session_id)).all()
    return tuple(_booking_record(row) for row in rows)


def person_sessions(
    session: Session, scope: CourseScope, user_id: int
) -> tuple[tuple[SessionRecord, BookingRecord], ...]:
    """Every session this person booked in this course with their booking, by start (for
    their calendar feed: their own bookings only, nobody else's)."""
    rows = session.execute(
        select(SignupSession, SignupBooking)
        .join(SignupBooking, SignupBooking.session_id == SignupSession.id)
        .where(
            *_in_course(SignupBooking, scope),
            *_in_course(SignupSession, scope),
            SignupBooking.user_id == user_id,
        )
        .order_by(SignupSession.starts_at, SignupSession.id)
    ).all()
    return tuple((_session_record(s), _booking_record(b)) for s, b in rows)


def waitlist_positions(
    session: Session, scope: CourseScope, sheet_id: int, user_id: int
) -> dict[int, int]:
    """This person's place on each waitlist of the sheet (session id → 1-based), as
    ``booking.waitlist_position`` counts it; a read for pages, not locked."""
    waiting = select(SignupBooking.session_id).where(
        *_in_course(SignupBooking, scope),
        SignupBooking.user_id == user_id,
        SignupBooking.status == BookingStatus.WAITLISTED.value,
    )
    rows = session.execute(
        select(
            SignupBooking.session_id,
            SignupBooking.id,
            SignupBooking.user_id,
            SignupBooking.intent,
            SignupBooking.status,
            SignupBooking.arrival,
            SignupBooking.override_by,
        )
        .join(SignupSession, SignupSession.id == SignupBooking.session_id)
        .where(
            *_in_course(SignupBooking, scope),
            SignupSession.sheet_id == sheet_id,
            SignupBooking.session_id.in_(waiting),
        )
    )
    by_session: dict[int, list[Booking]] = {}
    for row in rows:
        by_session.setdefault(row.session_id, []).append(_domain_booking(row))
    positions = {
        sid: waitlist_position(SessionState(tuple(bookings)), user_id)
        for sid, bookings in by_session.items()
    }
    return {sid: place for sid, place in positions.items() if place is not None}


def person_names(session: Session, scope: CourseScope, user_ids: Sequence[int]) -> dict[int, str]:
    """Shared names of these people, by id; only people of the course's platform (the
    tenant's issuer) are looked up, and people without a shared name are left out."""
    if not user_ids:
        return {}
    issuer = select(Tenant.issuer).where(Tenant.id == scope.tenant_id).scalar_subquery()
    rows = session.execute(
        select(LtiUser.id, LtiUser.name).where(
            LtiUser.id.in_(list(dict.fromkeys(user_ids))),
            LtiUser.issuer == issuer,
            LtiUser.name.is_not(None),
        )
    )
    return {user_id: name for user_id, name in rows if name and name.strip()}


def enqueue_attendance_score(
    session: Session,
    scope: CourseScope,
    sheet_id: int,
    user_id: int,
    score_given: float,
    score_maximum: float,
    comment: str,
    now: datetime,
) -> int | None:
    """Queue an attendance grade for the sheet's line item in this transaction (the outbox
    supersedes the person's older pending one); None when the sheet has no line item or the
    person is not of the course's platform."""
    sheet = get_sheet(session, scope, sheet_id)
    if sheet is None or not sheet.lineitem_url:
        return None
    sub = session.scalar(
        select(LtiUser.sub).where(
            LtiUser.id == user_id,
            LtiUser.issuer
            == select(Tenant.issuer).where(Tenant.id == scope.tenant_id).scalar_subquery(),
        )
    )
    if sub is None:
        return None
    entry = outbox_repo.enqueue(
        session,
        outbox_repo.NewScore(
            tenant_id=scope.tenant_id,
            course_id=scope.course_id,
            user_sub=sub,
            lineitem_url=sheet.lineitem_url,
            score_given=score_given,
            score_maximum=score_maximum,
            activity_progress="Completed",
            grading_progress="FullyGraded",
            comment=comment,
            now=now,
        ),
    )
    return entry.id


def record_audit(
    session: Session, scope: CourseScope, entry: AuditEntry, now: datetime
) -> AuditRecord:
    row = SignupAudit(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        session_id=entry.session_id,
        action=entry.action,
        actor_id=entry.actor_id,
        subject_user_id=entry.subject_user_id,
        reason=entry.reason,
        detail=dict(entry.detail),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _audit_record(row)


def _audit_record(row: SignupAudit) -> AuditRecord:
    return AuditRecord(
        row.id,
        row.action,
        row.session_id,
        row.actor_id,
        row.subject_user_id,
        row.reason,
        dict(row.detail),
        row.created_at,
    )


def audit_log(
    session: Session, scope: CourseScope, session_id: int | None = None
) -> tuple[AuditRecord, ...]:
    """The course's log (one session's, when given), oldest first."""
    query = select(SignupAudit).where(*_in_course(SignupAudit, scope))
    if session_id is not None:
        query = query.where(SignupAudit.session_id == session_id)
    rows = session.scalars(query.order_by(SignupAudit.created_at, SignupAudit.id)).all()
    return tuple(_audit_record(row) for row in rows)


# --- minimum size (worker) -------------------------------------------------------------------


def sessions_due_for_minimum(
    session: Session, now: datetime, limit: int = 100
) -> tuple[DueSession, ...]:
    """Scheduled sessions with a minimum whose deadline (``minimum.minimum_deadline``: its own,
    else sign-up closing, else the start) has passed and that were not judged since their
    last edit. Across courses: the worker serves all of them, each then under its own scope."""
    deadline = func.coalesce(
        SignupSession.min_size_deadline, SignupSession.signup_closes_at, SignupSession.starts_at
    )
    rows = session.execute(
        select(
            SignupSession.tenant_id,
            SignupSession.course_id,
            SignupSession.sheet_id,
            SignupSession.id,
        )
        .where(
            SignupSession.minimum_checked_at.is_(None),
            SignupSession.status == SESSION_SCHEDULED,
            SignupSession.seats_min > 0,
            deadline <= now,
        )
        .order_by(deadline, SignupSession.id)
        .limit(limit)
    )
    return tuple(
        DueSession(CourseScope(tenant, course), sheet, sid) for tenant, course, sheet, sid in rows
    )


def mark_minimum_checked(
    session: Session, scope: CourseScope, session_id: int, now: datetime
) -> None:
    _session_row(session, scope, session_id).minimum_checked_at = now
    session.flush()


# --- roles over the term ----------------------------------------------------------------------


def role_history(
    session: Session, scope: CourseScope, sheet_id: int, except_session: int | None = None
) -> tuple[RoleTaken, ...]:
    """Who took which role in the sheet's sessions that were not cancelled (moderator and
    timekeeper as assigned, case-bringer as seated), for ``rotation.choose_roles``."""
    sessions = select(SignupSession).where(
        *_in_course(SignupSession, scope),
        SignupSession.sheet_id == sheet_id,
        SignupSession.status == SESSION_SCHEDULED,
    )
    if except_session is not None:
        sessions = sessions.where(SignupSession.id != except_session)
    taken: list[RoleTaken] = []
    rows = session.scalars(sessions).all()
    for row in rows:
        if row.moderator_id is not None:
            taken.append(RoleTaken(row.moderator_id, "moderator", row.starts_at))
        if row.timekeeper_id is not None:
            taken.append(RoleTaken(row.timekeeper_id, "timekeeper", row.starts_at))
    starts = {row.id: row.starts_at for row in rows}
    if starts:
        seated = [status.value for status in BookingStatus if status.holds_seat]
        bringers = session.execute(
            select(SignupBooking.session_id, SignupBooking.user_id).where(
                *_in_course(SignupBooking, scope),
                SignupBooking.session_id.in_(list(starts)),
                SignupBooking.intent == Intent.CASE_BRINGER.value,
                SignupBooking.status.in_(seated),
            )
        )
        taken += [RoleTaken(user, CASE_BRINGER, starts[sid]) for sid, user in bringers]
    return tuple(sorted(taken, key=lambda t: (t.at, t.role, t.user_id)))


# --- stable groups ------------------------------------------------------------------------------


def lock_sheet(session: Session, scope: CourseScope, sheet_id: int) -> SheetRecord:
    """The sheet row under lock: edits of its groups run one after the other."""
    row = session.scalar(
        locked(
            session,
            select(SignupSheet).where(*_in_course(SignupSheet, scope), SignupSheet.id == sheet_id),
        ).execution_options(populate_existing=True)
    )
    if row is None:
        raise SheetNotFound(f"sheet {sheet_id} not in {scope}")
    return _sheet_record(row)


def sheet_groups(session: Session, scope: CourseScope, sheet_id: int) -> tuple[GroupRecord, ...]:
    """The sheet's stable groups in creation order, members in the order they were added."""
    groups = session.scalars(
        select(SignupGroup)
        .where(*_in_course(SignupGroup, scope), SignupGroup.sheet_id == sheet_id)
        .order_by(SignupGroup.id)
    ).all()
    members: dict[int, list[int]] = {group.id: [] for group in groups}
    for group_id, user_id in session.execute(
        select(SignupGroupMember.group_id, SignupGroupMember.user_id)
        .where(*_in_course(SignupGroupMember, scope), SignupGroupMember.sheet_id == sheet_id)
        .order_by(SignupGroupMember.id)
    ):
        members[group_id].append(user_id)
    return tuple(
        GroupRecord(group.id, group.sheet_id, group.name, tuple(members[group.id]))
        for group in groups
    )


def group_members(session: Session, scope: CourseScope, group_id: int) -> frozenset[int]:
    """The user ids of one stable group of this course."""
    return frozenset(
        session.scalars(
            select(SignupGroupMember.user_id).where(
                *_in_course(SignupGroupMember, scope), SignupGroupMember.group_id == group_id
            )
        )
    )


def save_groups(
    session: Session,
    scope: CourseScope,
    sheet_id: int,
    groups: Sequence[tuple[str, Sequence[int]]],
    now: datetime,
) -> tuple[GroupRecord, ...]:
    """Make the sheet's groups exactly ``groups`` (name, members): a group keeps its id (and
    its sessions) by name; a group no longer named is deleted unless it has sessions, which
    keep it, empty. Call it with the sheet locked (:func:`lock_sheet`)."""
    _require_sheet(session, scope, sheet_id)
    existing = {
        group.name: group
        for group in session.scalars(
            select(SignupGroup).where(
                *_in_course(SignupGroup, scope), SignupGroup.sheet_id == sheet_id
            )
        )
    }
    session.execute(
        delete(SignupGroupMember)
        .where(*_in_course(SignupGroupMember, scope), SignupGroupMember.sheet_id == sheet_id)
        .execution_options(synchronize_session=False)
    )
    wanted = {name for name, _ in groups}
    for name, group in existing.items():
        if name in wanted:
            continue
        in_use = session.scalar(
            select(func.count(SignupSession.id)).where(
                *_in_course(SignupSession, scope), SignupSession.group_id == group.id
            )
        )
        if not in_use:
            session.delete(group)
    for name, people in groups:
        found = existing.get(name)
        if found is not None:
            group = found
        else:
            group = SignupGroup(
                tenant_id=scope.tenant_id,
                course_id=scope.course_id,
                sheet_id=sheet_id,
                name=name,
                created_at=now,
            )
            session.add(group)
            session.flush()
        session.add_all(
            SignupGroupMember(
                tenant_id=scope.tenant_id,
                course_id=scope.course_id,
                sheet_id=sheet_id,
                group_id=group.id,
                user_id=user_id,
                created_at=now,
            )
            for user_id in people
        )
    session.flush()
    return sheet_groups(session, scope, sheet_id)


# --- calendar feed tokens -------------------------------------------------------------------


def add_feed_token(
    session: Session, scope: CourseScope, user_id: int, token_hash: str, now: datetime
) -> FeedTokenRecord:
    """Store the hash of a new feed token (the token itself is shown once, never stored)."""
    row = CalendarFeedToken(
        tenant_id=scope.tenant_id,
        course_id=scope.course_id,
        user_id=user_id,
        token_hash=token_hash,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _feed_record(row)


def _feed_record(row: CalendarFeedToken) -> FeedTokenRecord:
    return FeedTokenRecord(
        row.id,
        CourseScope(row.tenant_id, row.course_id),
        row.user_id,
        row.created_at,
        row.revoked_at,
    )


def find_feed_token(session: Session, token_hash: str, now: datetime) -> FeedTokenRecord | None:
    """The live token with this hash (a feed request carries no launch: the token *is* the
    scope), noting its use; None when unknown or revoked."""
    row = session.scalar(
        select(CalendarFeedToken).where(
            CalendarFeedToken.token_hash == token_hash, CalendarFeedToken.revoked_at.is_(None)
        )
    )
    if row is None:
        return None
    row.last_used_at = now
    session.flush()
    return _feed_record(row)


def revoke_feed_tokens(session: Session, scope: CourseScope, user_id: int, now: datetime) -> int:
    """Revoke every live feed token of this person in this course; how many were live."""
    result = session.execute(
        update(CalendarFeedToken)
        .where(
            *_in_course(CalendarFeedToken, scope),
            CalendarFeedToken.user_id == user_id,
            CalendarFeedToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
