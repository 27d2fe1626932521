"""Notifications about sign-ups: made once per dedupe key, claimed with a lease, sent once.

- :func:`add_notices` inserts with ``ON CONFLICT DO NOTHING`` on the dedupe key
  (user, session, kind, version), so two workers that find the same due reminder make one row.
- :func:`claim_next` claims one due row inside ``db.write_transaction()``: the candidate is
  read ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (another worker's claim is skipped, not waited
  for), and on both databases the claim itself is a guarded UPDATE of ``claimed_until`` that
  only succeeds while nobody holds the row, so two workers never hold the same row.
- A row whose lease ran out without an outcome belonged to a worker that died while sending:
  :func:`claim_next` closes it as ``interrupted`` instead of sending again (at most once).
- The scans (:func:`reminder_candidates`, :func:`change_candidates`,
  :func:`cancellation_candidates`) list who should hear about what, across all courses, minus
  the notices already made. A change is told against a silent record of the version each
  person booked (:func:`unseen_bookings`), not against timestamps: a session's ``updated_at``
  also moves when roles are assigned, which is no change to tell.

Rows stay here: callers get frozen records (and the ``EMAIL_*`` outcomes, re-exported).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import BookingStatus
from lti_app.storage.locking import locked
from lti_app.storage.models import LtiUser
from lti_app.storage.notification_models import EMAIL_FAILED as EMAIL_FAILED
from lti_app.storage.notification_models import EMAIL_INTERRUPTED as EMAIL_INTERRUPTED
from lti_app.storage.notification_models import EMAIL_NONE as EMAIL_NONE
from lti_app.storage.notification_models import EMAIL_PENDING as EMAIL_PENDING
from lti_app.storage.notification_models import EMAIL_SENT as EMAIL_SENT
from lti_app.storage.notification_models import Notification
from lti_app.storage.signup_models import (
    SESSION_CANCELLED,
    SESSION_SCHEDULED,
    SignupBooking,
    SignupSession,
)

DEDUPE_KEY = ("user_id", "session_id", "kind", "version")


@dataclass(frozen=True, slots=True)
class NewNotice:
    scope: CourseScope
    user_id: int
    session_id: int
    kind: str
    version: int
    subject: str
    body: str
    scheduled_for: datetime
    # A record kept, not a message: closed and read when made (the version a person booked).
    silent: bool = False


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    id: int
    scope: CourseScope
    user_id: int
    session_id: int
    kind: str
    version: int
    subject: str
    body: str
    created_at: datetime
    scheduled_for: datetime
    email_status: str
    attempts: int
    sent_at: datetime | None
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClaimedNotice:
    """A claimed row and where to send it (the address the platform last shared, if any)."""

    id: int
    scope: CourseScope
    user_id: int
    session_id: int
    kind: str
    subject: str
    body: str
    email: str | None
    attempts: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """Someone who should hear about a session at its current version."""

    scope: CourseScope
    user_id: int
    session_id: int
    version: int


def _record(row: Notification) -> NoticeRecord:
    return NoticeRecord(
        id=row.id,
        scope=CourseScope(row.tenant_id, row.course_id),
        user_id=row.user_id,
        session_id=row.session_id,
        kind=row.kind,
        version=row.version,
        subject=row.subject,
        body=row.body,
        created_at=row.created_at,
        scheduled_for=row.scheduled_for,
        email_status=row.email_status,
        attempts=row.attempts,
        sent_at=row.sent_at,
        read_at=row.read_at,
    )


def add_notices(session: Session, notices: Iterable[NewNotice], now: datetime) -> int:
    """Insert the notices not made yet (dedupe key); how many were new."""
    rows: list[dict[str, Any]] = [
        {
            "tenant_id": n.scope.tenant_id,
            "course_id": n.scope.course_id,
            "user_id": n.user_id,
            "session_id": n.session_id,
            "kind": n.kind,
            "version": n.version,
            "subject": n.subject,
            "body": n.body,
            "created_at": now,
            "scheduled_for": n.scheduled_for,
            "attempts": 0,
            "email_status": EMAIL_NONE if n.silent else EMAIL_PENDING,
            "sent_at": now if n.silent else None,
            "read_at": now if n.silent else None,
        }
        for n in notices
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Notification)
        .values(rows)
        .on_conflict_do_nothing(index_elements=list(DEDUPE_KEY))
        .returning(Notification.id)
    )
    return len(session.scalars(statement).all())  # RETURNING lists only the rows inserted


def _free() -> Any:
    """Nobody holds the row and its email step is not over."""
    return and_(Notification.sent_at.is_(None), Notification.claimed_until.is_(None))


def close_interrupted(session: Session, now: datetime) -> int:
    """Rows whose lease passed without an outcome: their worker died mid-send. Closed, not
    sent again, so nobody gets an email twice (the in-tool notice stays)."""
    result = session.execute(
        update(Notification)
        .where(
            Notification.sent_at.is_(None),
            Notification.claimed_until.is_not(None),
            Notification.claimed_until < now,
        )
        .values(
            sent_at=now,
            claimed_until=None,
            email_status=EMAIL_INTERRUPTED,
            last_error="the worker stopped while sending; not sent again",
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim_next(session: Session, now: datetime, lease: timedelta) -> ClaimedNotice | None:
    """Claim the oldest due row nobody holds (call inside ``db.write_transaction()``)."""
    candidate = (
        select(Notification.id)
        .where(_free(), Notification.scheduled_for <= now)
        .order_by(Notification.scheduled_for, Notification.id)
        .limit(1)
    )
    for notice_id in session.scalars(locked(session, candidate, skip_locked=True)).all():
        result = session.execute(
            update(Notification)
            .where(Notification.id == notice_id, _free())
            .values(claimed_until=now + lease)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row, email = session.execute(
            select(Notification, LtiUser.email)
            .join(LtiUser, LtiUser.id == Notification.user_id)
            .where(Notification.id == notice_id)
            .execution_options(populate_existing=True)
        ).one()
        return ClaimedNotice(
            id=row.id,
            scope=CourseScope(row.tenant_id, row.course_id),
            user_id=row.user_id,
            session_id=row.session_id,
            kind=row.kind,
            subject=row.subject,
            body=row.body,
            email=email.strip() if email and email.strip() else None,
            attempts=row.attempts,
        )
    return None


def finish(
    session: Session, notice_id: int, status: str, now: datetime, error: str | None = None
) -> None:
    """The email step is over (sent, none possible, or failed for good)."""
    session.execute(
        update(Notification)
        .where(Notification.id == notice_id)
        .values(
            sent_at=now,
            claimed_until=None,
            email_status=status,
            attempts=Notification.attempts + 1,
            last_error=error[:1000] if error else None,
        )
        .execution_options(synchronize_session=False)
    )


def release(session: Session, notice_id: int, error: str, retry_at: datetime) -> None:
    """A failure worth retrying: give the row back, due again at ``retry_at``."""
    session.execute(
        update(Notification)
        .where(Notification.id == notice_id)
        .values(
            claimed_until=None,
            scheduled_for=retry_at,
            attempts=Notification.attempts + 1,
            last_error=error[:1000],
        )
        .execution_options(synchronize_session=False)
    )


def unread(session: Session, scope: CourseScope, user_id: int, now: datetime) -> list[NoticeRecord]:
    """A person's notices in this course that are due and not yet read, newest first."""
    rows = session.scalars(
        select(Notification)
        .where(
            Notification.tenant_id == scope.tenant_id,
            Notification.course_id == scope.course_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
            Notification.created_at <= now,
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    ).all()
    return [_record(row) for row in rows]


def mark_read(
    session: Session, scope: CourseScope, user_id: int, notice_ids: Sequence[int], now: datetime
) -> int:
    result = session.execute(
        update(Notification)
        .where(
            Notification.tenant_id == scope.tenant_id,
            Notification.course_id == scope.course_id,
            Notification.user_id == user_id,
            Notification.id.in_(list(notice_ids)),
            Notification.read_at.is_(None),
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def all_notices(session: Session, scope: CourseScope | None = None) -> list[NoticeRecord]:
    query = select(Notification).order_by(Notification.id)
    if scope is not None:
        query = query.where(
            Notification.tenant_id == scope.tenant_id, Notification.course_id == scope.course_id
        )
    return [_record(row) for row in session.scalars(query)]


# --- who should hear about what ----------------------------------------------------------------


ACTIVE = (BookingStatus.CONFIRMED.value, BookingStatus.WAITLISTED.value)


def _not_notified(kind: str) -> Any:
    return ~exists().where(
        Notification.user_id == SignupBooking.user_id,
        Notification.session_id == SignupSession.id,
        Notification.kind == kind,
        Notification.version == SignupSession.version,
    )


def _candidates(session: Session, *conditions: Any, limit: int) -> list[Candidate]:
    rows = session.execute(
        select(
            SignupSession.tenant_id,
            SignupSession.course_id,
            SignupBooking.user_id,
            SignupSession.id,
            SignupSession.version,
        )
        .join(
            SignupBooking,
            and_(
                SignupBooking.session_id == SignupSession.id,
                SignupBooking.tenant_id == SignupSession.tenant_id,
                SignupBooking.course_id == SignupSession.course_id,
            ),
        )
        .where(*conditions)
        .order_by(SignupSession.starts_at, SignupSession.id, SignupBooking.arrival)
        .limit(limit)
    )
    return [
        Candidate(CourseScope(tenant, course), user, sid, version)
        for tenant, course, user, sid, version in rows
    ]


def reminder_candidates(
    session: Session, kind: str, now: datetime, lead: timedelta, limit: int
) -> list[Candidate]:
    """Confirmed bookings of scheduled sessions that start within ``lead`` from ``now``."""
    return _candidates(
        session,
        SignupSession.status == SESSION_SCHEDULED,
        SignupSession.starts_at > now,
        SignupSession.starts_at <= now + lead,
        SignupBooking.status == BookingStatus.CONFIRMED.value,
        _not_notified(kind),
        limit=limit,
    )


def _recorded(kind: str) -> Any:
    """A notice of ``kind`` exists for this booking's person and session (any version)."""
    return exists().where(
        Notification.user_id == SignupBooking.user_id,
        Notification.session_id == SignupSession.id,
        Notification.kind == kind,
    )


def unseen_bookings(
    session: Session,
    seen: str,
    now: datetime,
    limit: int,
    statuses: Sequence[str] = ACTIVE,
) -> list[Candidate]:
    """Bookings (in ``statuses``) of upcoming sessions with no ``seen`` record yet: their
    current version is what the person booked (the baseline a later change is told against),
    or, recorded for the waitlisted, that they waited (a later seat is a promotion)."""
    return _candidates(
        session,
        SignupSession.status == SESSION_SCHEDULED,
        SignupSession.starts_at > now,
        SignupBooking.status.in_(list(statuses)),
        ~_recorded(seen),
        limit=limit,
    )


def promotion_candidates(
    session: Session, kind: str, waited: str, now: datetime, limit: int
) -> list[Candidate]:
    """Confirmed bookings of upcoming sessions whose person was recorded waiting and was not
    told of a seat yet (once per booking, whatever the version)."""
    return _candidates(
        session,
        SignupSession.status == SESSION_SCHEDULED,
        SignupSession.starts_at > now,
        SignupBooking.status == BookingStatus.CONFIRMED.value,
        _recorded(waited),
        ~_recorded(kind),
        limit=limit,
    )


def change_candidates(
    session: Session, kind: str, seen: str, now: datetime, limit: int
) -> list[Candidate]:
    """Active bookings of upcoming sessions whose version grew since the person booked (the
    ``seen`` record), each version told once."""
    booked_earlier = exists().where(
        Notification.user_id == SignupBooking.user_id,
        Notification.session_id == SignupSession.id,
        Notification.kind == seen,
        Notification.version < SignupSession.version,
    )
    return _candidates(
        session,
        SignupSession.status == SESSION_SCHEDULED,
        SignupSession.starts_at > now,
        SignupBooking.status.in_(ACTIVE),
        booked_earlier,
        _not_notified(kind),
        limit=limit,
    )


def cancellation_candidates(
    session: Session, kind: str, now: datetime, limit: int
) -> list[Candidate]:
    """Everyone who was booked (or waiting) when an upcoming session was cancelled, also when
    the cancellation cancelled their booking with it (the minimum-size check does)."""
    return _candidates(
        session,
        SignupSession.status == SESSION_CANCELLED,
        SignupSession.starts_at > now,
        SignupSession.cancelled_at.is_not(None),
        SignupBooking.created_at <= SignupSession.cancelled_at,
        or_(
            SignupBooking.status.in_(ACTIVE),
            and_(
                SignupBooking.status == BookingStatus.CANCELLED.value,
                SignupBooking.cancelled_at >= SignupSession.cancelled_at,
            ),
        ),
        _not_notified(kind),
        limit=limit,
    )
