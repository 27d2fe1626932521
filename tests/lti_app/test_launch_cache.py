"""Per-process registration cache and pruning of expired LTI state (SQLite and PostgreSQL).

The cache's bound (``storage/platform_cache.py``): a platform removed by another process can
no longer *launch* at once (the launch re-checks its registration inside its write
transaction); that process's *login* may answer for at most the cache TTL.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_app.cli import main
from lti_app.storage import db, lti_state_repo, registrations_repo
from lti_app.storage.models import LaunchRecord, OidcState, UsedNonce, utc_now
from tests.support import state_scenarios
from tests.support.clock import Clock
from tests.support.launches import TOOL, registered_platform
from tests.support.platforms import KeySetServer, Platform
from tests.support.state_scenarios import login_status, signed_launch


@pytest.fixture
def clock(db_app: Flask) -> Clock:
    fake = Clock()
    db.get_storage(db_app).registrations.clock = fake
    return fake


@pytest.fixture
def platform(db_app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(db_app, key_server, client_id="client-1", deployment_ids=["dep-a"])


def test_platform_removed_by_another_process_cannot_launch(
    db_app: Flask, platform: Platform, clock: Clock, tmp_path: Path
) -> None:
    state_scenarios.platform_removed_by_another_process_cannot_launch(
        db_app, platform, clock, tmp_path
    )


def test_removal_in_this_process_is_seen_at_once(db_app: Flask, platform: Platform) -> None:
    client = db_app.test_client()
    assert login_status(client, platform) == 302
    with db_app.app_context(), db.write_transaction() as session:
        registrations_repo.remove_registration(session, platform.issuer, platform.client_id)
    assert login_status(client, platform) == 403


def test_deployment_added_by_another_process_launches_at_once(
    db_app: Flask, platform: Platform
) -> None:
    client = db_app.test_client()
    assert signed_launch(client, platform, platform.start_login(client)).status_code == 303
    other_process = db.create_storage(db_app.config["DATABASE_URL"])  # its own cache
    try:
        with other_process.sessions.begin() as session:
            found = registrations_repo.find_registration(
                session, platform.issuer, platform.client_id
            )
            assert found is not None
            registrations_repo.add_deployments(session, found, ["dep-new"])
    finally:
        other_process.engine.dispose()
    new_deployment = dataclasses.replace(platform, deployment_id="dep-new")  # same key
    response = signed_launch(client, new_deployment, new_deployment.start_login(client))
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


def _count(app: Flask, model: Any) -> int:
    with app.app_context(), db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _seed_state(app: Flask, lifetime: timedelta, tag: str) -> None:
    with app.test_request_context():
        lti_state_repo.save_login_state(
            state=f"state-{tag}", nonce=f"nonce-{tag}", issuer="https://lms.test",
            client_id="c1", target_link_uri=f"{TOOL}/lti/launch", browser_hash="h",
            deployment_hint=None, lifetime=lifetime,
        )  # fmt: skip
        login = lti_state_repo.load_login_state(f"state-{tag}")
        if login is not None:
            lti_state_repo.consume(login, "https://lms.test", f"nonce-{tag}", lifetime)
        lti_state_repo.save_launch(f"launch-{tag}", {"claims": {}}, lifetime)


def test_prune_removes_expired_rows_only(db_app: Flask) -> None:
    db.get_storage(db_app).prune_schedule.interval = 10**9  # no pruning on the way
    db.get_storage(db_app).prune_schedule.due()
    _seed_state(db_app, timedelta(minutes=5), "fresh")
    _seed_state(db_app, timedelta(minutes=5), "used-fresh")
    _seed_state(db_app, timedelta(seconds=-1), "old")
    live_login = _fake_login(db_app, "old-2")
    with db_app.app_context():  # the expired login could not be consumed: seed its nonce
        with db.write_connection() as connection:
            lti_state_repo.consume_in(
                connection,
                live_login,
                "https://lms.test",
                "nonce-old-2",
                utc_now() - timedelta(seconds=1),
            )
    before = {m: _count(db_app, m) for m in (OidcState, UsedNonce, LaunchRecord)}
    with db_app.app_context():
        counts = lti_state_repo.prune_now()
    assert counts == {"oidc_state": 1, "used_nonce": 1, "launch_record": 1}
    after = {m: _count(db_app, m) for m in (OidcState, UsedNonce, LaunchRecord)}
    assert after == {m: before[m] - 1 for m in before}
    assert after[UsedNonce] == 2 and after[LaunchRecord] == 3 - 1


def _fake_login(app: Flask, tag: str) -> lti_state_repo.LoginState:
    """A live state row to consume, so an already-expired nonce row can be written."""
    with app.test_request_context():
        lti_state_repo.save_login_state(
            state=f"state-{tag}", nonce=f"nonce-{tag}", issuer="https://lms.test",
            client_id="c1", target_link_uri=f"{TOOL}/lti/launch", browser_hash="h",
            deployment_hint=None, lifetime=timedelta(minutes=5),
        )  # fmt: skip
        login = lti_state_repo.load_login_state(f"state-{tag}")
    assert login is not None
    return login


def test_logins_prune_at_most_once_per_interval(db_app: Flask) -> None:
    schedule = db.get_storage(db_app).prune_schedule
    fake = Clock()
    schedule.clock = fake
    schedule.due()  # the interval starts now
    _seed_state(db_app, timedelta(seconds=-1), "old-a")
    _seed_state(db_app, timedelta(minutes=5), "next")  # a write before the interval is over
    assert _count(db_app, OidcState) == 1  # state-old-a is still there
    assert _count(db_app, LaunchRecord) == 2
    fake.now += schedule.interval
    _seed_state(db_app, timedelta(minutes=5), "later")  # this login prunes first
    assert _count(db_app, OidcState) == 0  # expired one pruned, fresh ones consumed
    assert _count(db_app, LaunchRecord) == 2  # launch-old-a gone; next and later stay


def test_cli_prune_reports_what_it_removed(app: Flask) -> None:
    _seed_state(app, timedelta(seconds=-1), "old")
    result = app.test_cli_runner().invoke(main, ["lti", "prune"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 expired login state(s), 0 used nonce(s) and 1 launch record(s)." in (
        result.output
    )
