"""The score outbox: stored first, delivered to a real platform, retried with backoff on 5xx."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lti_app.demo_lms.context import EXTENSION_KEY
from lti_app.services import score_outbox
from lti_app.services.outbox_cli import outbox
from lti_app.services.score_outbox import ScoreRequest
from lti_app.storage import db, outbox_repo
from lti_app.storage.models import Tenant
from lti_app.storage.outbox_models import ScoreOutboxEntry
from tests.support.servers import (
    FailFirst,
    LoopbackServer,
    create_line_item,
    recorded_scores,
)

LEARNER = "demo-learner-bram"


@pytest.fixture
def app_config(app_config: dict[str, Any], tool_server: LoopbackServer) -> dict[str, Any]:
    return {**app_config, "BASE_URL": tool_server.url}


def _tenant(app: Flask, issuer: str = "https://lms.test", client_id: str = "c1") -> int:
    with app.app_context(), db.transaction() as session:
        tenant = Tenant(issuer=issuer, client_id=client_id, deployment_id="d1")
        session.add(tenant)
        session.flush()
        return tenant.id


def _lms_tenant(app: Flask, lms: Flask) -> int:
    settings = lms.extensions[EXTENSION_KEY].settings
    return _tenant(app, settings.issuer, settings.client_id)


def _status(app: Flask, entry_id: int) -> ScoreOutboxEntry:
    with app.app_context(), db.transaction() as session:
        entry = session.get(ScoreOutboxEntry, entry_id)
        assert entry is not None
        session.expunge(entry)
        return entry


def test_backoff_doubles_and_is_capped() -> None:
    assert [score_outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert score_outbox.backoff(50) == score_outbox.BACKOFF_CAP


def test_retries_after_5xx_until_the_platform_accepts(
    app: Flask, lms: Flask, lms_server: LoopbackServer
) -> None:
    flaky = FailFirst(lms, "/scores", failures=2)
    lms_server.switchboard.target = flaky
    lineitem = create_line_item(lms, "Module (completion)")
    tenant_id = _lms_tenant(app, lms)
    start = datetime.now(UTC)
    with app.app_context():
        entry_id = score_outbox.enqueue_score(
            ScoreRequest(tenant_id, None, LEARNER, lineitem, 1, 1), now=start
        )
        first = score_outbox.flush(now=start)
        assert first.retrying == [entry_id]
        entry = _status(app, entry_id)
        assert (entry.status, entry.attempts) == ("pending", 1)
        assert entry.next_attempt_at == start + timedelta(seconds=30)
        assert "HTTP 503" in (entry.last_error or "")
        assert score_outbox.flush(now=start + timedelta(seconds=10)).attempted == 0  # not due
        second = score_outbox.flush(now=start + timedelta(seconds=31))
        assert second.retrying == [entry_id]
        assert _status(app, entry_id).next_attempt_at == start + timedelta(seconds=91)
        third = score_outbox.flush(now=start + timedelta(seconds=92))
    assert third.delivered == [entry_id]
    assert flaky.seen == [503, 503, 201]  # 201 Created: the first score for this learner
    entry = _status(app, entry_id)
    assert (entry.status, entry.attempts, entry.last_error) == ("delivered", 3, None)
    assert recorded_scores(lms, lineitem)[LEARNER]["scoreGiven"] == 1.0


def test_a_score_the_platform_refuses_is_not_retried(app: Flask, lms: Flask) -> None:
    lineitem = create_line_item(lms, "Module (completion)")
    tenant_id = _lms_tenant(app, lms)
    with app.app_context():
        entry_id = score_outbox.enqueue_score(
            ScoreRequest(tenant_id, None, "not-a-member", lineitem, 1, 1)
        )
        report = score_outbox.flush()
    assert report.failed == [entry_id]
    entry = _status(app, entry_id)
    assert entry.status == "failed" and "HTTP 400" in (entry.last_error or "")
    assert recorded_scores(lms, lineitem) == {}


def test_send_now_delivers_within_the_request_budget(app: Flask, lms: Flask) -> None:
    lineitem = create_line_item(lms, "Module (completion)")
    tenant_id = _lms_tenant(app, lms)
    with app.app_context():
        entry_id, delivered = score_outbox.send_score_now(
            ScoreRequest(tenant_id, None, LEARNER, lineitem, 1, 1)
        )
    assert delivered
    assert _status(app, entry_id).status == "delivered"


def test_cli_flush_reports_what_happened(
    app: Flask, lms: Flask, lms_server: LoopbackServer
) -> None:
    lms_server.switchboard.target = FailFirst(lms, "/scores", failures=1)
    lineitem = create_line_item(lms, "Module (completion)")
    tenant_id = _lms_tenant(app, lms)
    with app.app_context():
        for user in (LEARNER, "demo-learner-chloe"):
            score_outbox.enqueue_score(ScoreRequest(tenant_id, None, user, lineitem, 1, 1))
    result = app.test_cli_runner().invoke(outbox, ["flush"])
    assert result.exit_code == 0, result.output
    assert "attempted 2: delivered 1, retrying later 1, given up 0" in result.output
    assert "delivered 1, pending 1" in result.output


def test_newer_score_supersedes_and_a_claimed_row_is_not_claimed_twice(db_app: Flask) -> None:
    tenant_id = _tenant(db_app)
    now = datetime.now(UTC)
    with db_app.app_context():
        old = score_outbox.enqueue_score(
            ScoreRequest(tenant_id, None, "u1", "https://lms.test/li/1", 0.5, 1), now=now
        )
        new = score_outbox.enqueue_score(
            ScoreRequest(tenant_id, None, "u1", "https://lms.test/li/1", 1, 1), now=now
        )
        other = score_outbox.enqueue_score(
            ScoreRequest(tenant_id, None, "u2", "https://lms.test/li/1", 1, 1), now=now
        )
        with db.write_transaction() as session:
            first = outbox_repo.claim_due(session, now, timedelta(minutes=2), 10)
        with db.write_transaction() as session:
            second = outbox_repo.claim_due(session, now, timedelta(minutes=2), 10)
        with db.write_transaction() as session:
            after_lease = outbox_repo.claim_due(
                session, now + timedelta(minutes=3), timedelta(minutes=2), 10
            )
        with db.transaction() as session:
            statuses = dict(
                session.execute(select(ScoreOutboxEntry.id, ScoreOutboxEntry.status)).all()
            )
    assert statuses[old] == "superseded"
    assert sorted(item.id for item in first) == sorted([new, other])
    assert second == []
    assert sorted(item.id for item in after_lease) == sorted([new, other])
    assert first[0].issuer == "https://lms.test"


def test_invalid_scores_are_refused_before_storing(app: Flask) -> None:
    tenant_id = _tenant(app)
    with app.app_context(), pytest.raises(ValueError, match="scoreGiven"):
        score_outbox.enqueue_score(ScoreRequest(tenant_id, None, "u1", "https://l/1", 2, 1))
    with app.app_context(), pytest.raises(ValueError, match="activityProgress"):
        score_outbox.enqueue_score(
            ScoreRequest(tenant_id, None, "u1", "https://l/1", 1, 1, activity_progress="Done")
        )
