"""Queries for the score outbox: enqueue, claim due rows with a lease, record the outcome.

The service hands in a frozen :class:`NewScore` and reads back :class:`OutboxRecord` /
:class:`ClaimedScore` snapshots; the ``ScoreOutboxEntry`` rows stay in this package.

Claiming is a guarded UPDATE (``... WHERE lease_until IS NULL OR lease_until < now``), so on
SQLite and PostgreSQL alike two flushers never hold the same row; the network call happens
after the claiming transaction has committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from lti_app.storage.models import Tenant
from lti_app.storage.outbox_models import (
    STATUS_DELIVERED,
    STATUS_FAILED,
    STATUS_PENDING,
    STATUS_SUPERSEDED,
    ScoreOutboxEntry,
)


@dataclass(frozen=True)
class ClaimedScore:
    """A snapshot of a claimed row plus its tenant's platform identity (no ORM object)."""

    id: int
    issuer: str
    client_id: str
    user_sub: str
    lineitem_url: str
    score_given: float
    score_maximum: float
    activity_progress: str
    grading_progress: str
    comment: str | None
    scored_at: datetime
    attempts: int


@dataclass(frozen=True)
class NewScore:
    """A score to store; ``now`` is when it was given, first due and created."""

    tenant_id: int
    course_id: int | None
    user_sub: str
    lineitem_url: str
    score_given: float
    score_maximum: float
    activity_progress: str
    grading_progress: str
    comment: str | None
    now: datetime


@dataclass(frozen=True)
class OutboxRecord:
    """One outbox row, detached from any database session."""

    id: int
    tenant_id: int
    course_id: int | None
    user_sub: str
    lineitem_url: str
    score_given: float
    score_maximum: float
    activity_progress: str
    grading_progress: str
    comment: str | None
    scored_at: datetime
    status: str
    attempts: int
    next_attempt_at: datetime
    lease_until: datetime | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


def _record(entry: ScoreOutboxEntry) -> OutboxRecord:
    return OutboxRecord(
        id=entry.id,
        tenant_id=entry.tenant_id,
        course_id=entry.course_id,
        user_sub=entry.user_sub,
        lineitem_url=entry.lineitem_url,
        score_given=entry.score_given,
        score_maximum=entry.score_maximum,
        activity_progress=entry.activity_progress,
        grading_progress=entry.grading_progress,
        comment=entry.comment,
        scored_at=entry.scored_at,
        status=entry.status,
        attempts=entry.attempts,
        next_attempt_at=entry.next_attempt_at,
        lease_until=entry.lease_until,
        last_error=entry.last_error,
        created_at=entry.created_at,
        delivered_at=entry.delivered_at,
    )


def enqueue(session: Session, score: NewScore) -> OutboxRecord:
    """Add a score; older pending scores of the same learner and line item are superseded."""
    session.execute(
        update(ScoreOutboxEntry)
        .where(
            ScoreOutboxEntry.tenant_id == score.tenant_id,
            ScoreOutboxEntry.lineitem_url == score.lineitem_url,
            ScoreOutboxEntry.user_sub == score.user_sub,
            ScoreOutboxEntry.status == STATUS_PENDING,
        )
        .values(status=STATUS_SUPERSEDED)
    )
    entry = ScoreOutboxEntry(
        tenant_id=score.tenant_id,
        course_id=score.course_id,
        user_sub=score.user_sub,
        lineitem_url=score.lineitem_url,
        score_given=score.score_given,
        score_maximum=score.score_maximum,
        activity_progress=score.activity_progress,
        grading_progress=score.grading_progress,
        comment=score.comment,
        scored_at=score.now,
        next_attempt_at=score.now,
        created_at=score.now,
    )
    session.add(entry)
    session.flush()
    return _record(entry)


def claim_due(
    session: Session,
    now: datetime,
    lease: timedelta,
    limit: int,
    only_ids: Iterable[int] | None = None,
) -> list[ClaimedScore]:
    query = (
        select(ScoreOutboxEntry.id)
        .where(
            ScoreOutboxEntry.status == STATUS_PENDING,
            ScoreOutboxEntry.next_attempt_at <= now,
            or_(ScoreOutboxEntry.lease_until.is_(None), ScoreOutboxEntry.lease_until < now),
        )
        .order_by(ScoreOutboxEntry.next_attempt_at, ScoreOutboxEntry.id)
        .limit(limit)
    )
    if only_ids is not None:
        query = query.where(ScoreOutboxEntry.id.in_(list(only_ids)))
    claimed: list[ClaimedScore] = []
    for entry_id in session.scalars(query).all():
        result = session.execute(
            update(ScoreOutboxEntry)
            .where(
                ScoreOutboxEntry.id == entry_id,
                ScoreOutboxEntry.status == STATUS_PENDING,
                or_(ScoreOutboxEntry.lease_until.is_(None), ScoreOutboxEntry.lease_until < now),
            )
            .values(lease_until=now + lease)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(_snapshot(session, entry_id))
    return claimed


def _snapshot(session: Session, entry_id: int) -> ClaimedScore:
    entry, tenant = session.execute(
        select(ScoreOutboxEntry, Tenant)
        .join(Tenant, Tenant.id == ScoreOutboxEntry.tenant_id)
        .where(ScoreOutboxEntry.id == entry_id)
    ).one()
    return ClaimedScore(
        id=entry.id,
        issuer=tenant.issuer,
        client_id=tenant.client_id,
        user_sub=entry.user_sub,
        lineitem_url=entry.lineitem_url,
        score_given=entry.score_given,
        score_maximum=entry.score_maximum,
        activity_progress=entry.activity_progress,
        grading_progress=entry.grading_progress,
        comment=entry.comment,
        scored_at=entry.scored_at,
        attempts=entry.attempts,
    )


def mark_delivered(session: Session, entry_id: int, now: datetime) -> None:
    session.execute(
        update(ScoreOutboxEntry)
        .where(ScoreOutboxEntry.id == entry_id)
        .values(
            status=STATUS_DELIVERED,
            delivered_at=now,
            lease_until=None,
            attempts=ScoreOutboxEntry.attempts + 1,
            last_error=None,
        )
    )


def mark_attempt_failed(
    session: Session, entry_id: int, error: str, next_attempt_at: datetime | None
) -> None:
    """Record a failed attempt; ``next_attempt_at=None`` gives up for good."""
    values: dict[str, object] = {
        "lease_until": None,
        "attempts": ScoreOutboxEntry.attempts + 1,
        "last_error": error[:1000],
    }
    if next_attempt_at is None:
        values["status"] = STATUS_FAILED
    else:
        values["next_attempt_at"] = next_attempt_at
    session.execute(
        update(ScoreOutboxEntry).where(ScoreOutboxEntry.id == entry_id).values(**values)
    )


def entries(session: Session, tenant_id: int | None = None) -> list[OutboxRecord]:
    query = select(ScoreOutboxEntry).order_by(ScoreOutboxEntry.id)
    if tenant_id is not None:
        query = query.where(ScoreOutboxEntry.tenant_id == tenant_id)
    return [_record(entry) for entry in session.scalars(query)]


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(ScoreOutboxEntry.status, func.count()).group_by(ScoreOutboxEntry.status)
    )
    return {status: int(count) for status, count in rows}
