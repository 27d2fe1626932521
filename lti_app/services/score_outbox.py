"""Deliver scores to LMS gradebooks reliably: store first, then post, retry with backoff.

A completion writes an outbox row in its own transaction; the view then makes one delivery
attempt under a short total :class:`Deadline`, so a slow LMS costs the learner at most that
budget. Anything not delivered is retried by ``intervision outbox flush`` (cron or a timer),
with exponential backoff, until the LMS accepts it, refuses it for good (a 4xx other than
401/408/429) or :data:`MAX_ATTEMPTS` is reached.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import Flask

from lti_app.lti.services import ags
from lti_app.lti.services.http import DEFAULT_TIMEOUT, Deadline, ServiceError, Timeout
from lti_app.lti.services.tokens import ServiceClient, TokenCache, service_client, token_cache
from lti_app.storage import db, outbox_repo

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 20
LEASE = timedelta(minutes=2)
INLINE_BUDGET_SECONDS = 2.0


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failures: 30 s, 1 min, 2 min, ... 6 h."""
    exponent = max(attempts - 1, 0)
    if exponent >= 20:
        return BACKOFF_CAP
    delay: timedelta = BACKOFF_BASE * int(2**exponent)
    return min(delay, BACKOFF_CAP)


@dataclass(frozen=True)
class ScoreRequest:
    """What a feature view asks to send: no ORM, no LTI objects."""

    tenant_id: int
    course_id: int | None
    user_sub: str
    lineitem_url: str
    score_given: float
    score_maximum: float
    activity_progress: str = "Completed"
    grading_progress: str = "FullyGraded"
    comment: str | None = None


@dataclass
class FlushReport:
    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return len(self.delivered) + len(self.retrying) + len(self.failed)


def enqueue_score(
    request: ScoreRequest, app: Flask | None = None, now: datetime | None = None
) -> int:
    """Store the score (validated as AGS would); returns the outbox id."""
    moment = now or datetime.now(UTC)
    ags.Score(
        request.user_sub,
        request.score_given,
        request.score_maximum,
        request.activity_progress,
        request.grading_progress,
        moment,
    )  # validates
    with db.write_transaction(app) as session:
        entry = outbox_repo.enqueue(
            session,
            outbox_repo.NewScore(
                tenant_id=request.tenant_id,
                course_id=request.course_id,
                user_sub=request.user_sub,
                lineitem_url=request.lineitem_url,
                score_given=request.score_given,
                score_maximum=request.score_maximum,
                activity_progress=request.activity_progress,
                grading_progress=request.grading_progress,
                comment=request.comment,
                now=moment,
            ),
        )
        return entry.id


def _deliver(
    claimed: outbox_repo.ClaimedScore,
    timeout: Timeout,
    tokens: TokenCache,
    clients: dict[tuple[str, str], ServiceClient],
    app: Flask | None,
) -> None:
    key = (claimed.issuer, claimed.client_id)
    if key not in clients:
        clients[key] = service_client(claimed.issuer, claimed.client_id, app)
    score = ags.Score(
        user_id=claimed.user_sub,
        score_given=claimed.score_given,
        score_maximum=claimed.score_maximum,
        activity_progress=claimed.activity_progress,
        grading_progress=claimed.grading_progress,
        timestamp=claimed.scored_at,
        comment=claimed.comment,
    )
    ags.post_score(
        clients[key], claimed.lineitem_url, score, timeout=timeout, tokens=tokens, app=app
    )


def flush(
    app: Flask | None = None,
    *,
    timeout: Timeout = DEFAULT_TIMEOUT,
    limit: int = 100,
    only_ids: Iterable[int] | None = None,
    now: datetime | None = None,
    tokens: TokenCache = token_cache,
) -> FlushReport:
    """Try every due score once (or only ``only_ids``); record each outcome."""
    moment = now or datetime.now(UTC)
    with db.write_transaction(app) as session:
        claimed = outbox_repo.claim_due(session, moment, LEASE, limit, only_ids)
    report = FlushReport()
    clients: dict[tuple[str, str], ServiceClient] = {}
    for item in claimed:
        try:
            _deliver(item, timeout, tokens, clients, app)
        except ServiceError as problem:
            attempts = item.attempts + 1
            give_up = not problem.retryable or attempts >= MAX_ATTEMPTS
            retry_at = None if give_up else moment + backoff(attempts)
            log.warning(
                "score %s not delivered (attempt %s, %s): %s",
                item.id,
                attempts,
                "giving up" if give_up else f"retry at {retry_at}",
                problem,
            )
            with db.write_transaction(app) as session:
                outbox_repo.mark_attempt_failed(session, item.id, str(problem), retry_at)
            (report.failed if give_up else report.retrying).append(item.id)
            continue
        with db.write_transaction(app) as session:
            outbox_repo.mark_delivered(session, item.id, moment)
        report.delivered.append(item.id)
    return report


def send_score_now(
    request: ScoreRequest, app: Flask | None = None, budget_seconds: float = INLINE_BUDGET_SECONDS
) -> tuple[int, bool]:
    """Enqueue, then one delivery attempt within ``budget_seconds``; (outbox id, delivered)."""
    entry_id = enqueue_score(request, app)
    return entry_id, deliver_now(entry_id, app, budget_seconds)


def deliver_now(
    entry_id: int,
    app: Flask | None = None,
    budget_seconds: float = INLINE_BUDGET_SECONDS,
    now: datetime | None = None,
) -> bool:
    """One delivery attempt for a score already in the outbox (queued by a feature's own
    transaction), within ``budget_seconds``; the worker retries what this does not deliver.
    ``now`` is the caller's moment, so the entry it just queued is due and a retry is
    scheduled on the same clock as the queueing."""
    report = flush(
        app, timeout=Deadline.after(budget_seconds), only_ids=[entry_id], limit=1, now=now
    )
    return entry_id in report.delivered
