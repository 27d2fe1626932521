"""Storage: migrations match the models; constraints and transactions hold on both databases."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from lti_app.storage import db, migrate, registrations_repo
from lti_app.storage.models import (
    Base,
    CourseContext,
    Deployment,
    Registration,
    Tenant,
    UsedNonce,
)


def _registration(issuer: str = "https://lms.test", client_id: str = "client-1") -> Registration:
    return Registration(
        issuer=issuer,
        client_id=client_id,
        auth_login_url=f"{issuer}/auth",
        auth_token_url=f"{issuer}/token",
        jwks_url=f"{issuer}/jwks",
        frame_origins=[issuer],
    )


def test_migrations_match_models(db_app: Flask) -> None:
    """A model change without a migration turns this red (autogenerate finds a difference)."""
    engine = db.get_engine(db_app)
    assert migrate.current_revision(engine) is not None
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrade_is_idempotent(db_app: Flask) -> None:
    engine = db.get_engine(db_app)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == before


def test_registration_is_unique_per_issuer_and_client(db_app: Flask) -> None:
    with db_app.app_context():
        with db.transaction() as session:
            session.add(_registration())
            session.add(_registration(client_id="client-2"))  # Canvas: one issuer, many keys
        with pytest.raises(IntegrityError), db.transaction() as session:
            session.add(_registration())
        count = db.get_session().scalar(select(func.count()).select_from(Registration))
        assert count == 2


def test_deployments_cascade_with_their_registration(db_app: Flask) -> None:
    with db_app.app_context():
        with db.transaction() as session:
            registration = _registration()
            registration.deployments = [
                Deployment(deployment_id="1"),
                Deployment(deployment_id="2"),
            ]
            session.add(registration)
        with db.transaction() as session:
            stored = session.scalars(select(Registration)).one()
            assert stored.deployment_ids == ["1", "2"]
            session.delete(stored)
        assert db.get_session().scalar(select(func.count()).select_from(Deployment)) == 0


def test_upsert_registration_adds_then_follows_its_when_known_rule(db_app: Flask) -> None:
    moodle = registrations_repo.PlatformRegistration(
        issuer="https://lms.test",
        client_id="client-1",
        auth_login_url="https://lms.test/auth",
        auth_token_url="https://lms.test/token",
        jwks_url="https://lms.test/jwks",
        deployment_ids=("1", "1", "2"),
        frame_origins=("https://lms.test",),
        title="Moodle",
    )
    moved = registrations_repo.PlatformRegistration(
        issuer="https://lms.test",
        client_id="client-1",
        auth_login_url="https://lms.test/v2/auth",
        auth_token_url="https://lms.test/v2/token",
        jwks_url="https://lms.test/v2/jwks",
        deployment_ids=("3", "1"),
        frame_origins=("https://school.test",),
        title="Renamed",
    )
    with db.write_transaction(db_app) as session:
        added = registrations_repo.upsert_registration(session, moodle, when_known="refuse")
    assert added.deployment_ids == ("1", "2") and added.title == "Moodle"
    with pytest.raises(registrations_repo.RegistrationExists), db.write_transaction(db_app) as s:
        registrations_repo.upsert_registration(s, moved, when_known="refuse")
    with db.write_transaction(db_app) as session:
        extended = registrations_repo.upsert_registration(
            session, moved, when_known="add_deployments"
        )
    assert extended.deployment_ids == ("1", "2", "3")
    assert extended.jwks_url == "https://lms.test/jwks"  # URLs kept
    with db.write_transaction(db_app) as session:
        updated = registrations_repo.upsert_registration(
            session, moved, when_known="update_endpoints"
        )
    assert (updated.auth_login_url, updated.auth_token_url, updated.jwks_url) == (
        "https://lms.test/v2/auth",
        "https://lms.test/v2/token",
        "https://lms.test/v2/jwks",
    )
    assert updated.frame_origins == ("https://school.test",)
    assert updated.title == "Moodle" and updated.id == added.id
    assert registrations_repo.cached_platform("https://lms.test", "client-1", app=db_app) == updated


def test_foreign_keys_are_enforced(db_app: Flask) -> None:
    """SQLite ignores foreign keys unless the pragma is on for every connection."""
    with db_app.app_context():
        with pytest.raises(IntegrityError), db.transaction() as session:
            session.add(CourseContext(tenant_id=999, context_id="course"))


def test_same_nonce_can_be_used_once(db_app: Flask) -> None:
    expires = datetime.now(UTC) + timedelta(minutes=5)
    with db_app.app_context():
        with db.write_transaction() as session:
            session.add(UsedNonce(issuer="https://lms.test", nonce="n-1", expires_at=expires))
        with pytest.raises(IntegrityError), db.write_transaction() as session:
            session.add(UsedNonce(issuer="https://lms.test", nonce="n-1", expires_at=expires))
        with db.write_transaction() as session:  # another platform may reuse the value
            session.add(UsedNonce(issuer="https://other.test", nonce="n-1", expires_at=expires))


def test_datetimes_come_back_aware_in_utc(db_app: Flask) -> None:
    with db_app.app_context():
        with db.transaction() as session:
            session.add(Tenant(issuer="i", client_id="c", deployment_id="d"))
        tenant = db.get_session().scalars(select(Tenant)).one()
        assert tenant.created_at.tzinfo is not None
        assert abs(datetime.now(UTC) - tenant.created_at) < timedelta(minutes=1)


def test_request_session_is_closed_on_teardown(app: Flask) -> None:
    with app.app_context():
        session = db.get_session()
        assert db.get_session() is session
        session.execute(text("SELECT 1"))
        assert session.in_transaction()
    assert not session.in_transaction()


def test_sqlite_connections_use_wal_and_a_busy_timeout(app: Flask) -> None:
    with db.get_engine(app).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_write_transaction_takes_the_sqlite_write_lock_at_begin(app: Flask) -> None:
    """While one write transaction is open, another writer waits instead of reading stale data."""
    holder_started = threading.Event()
    release_holder = threading.Event()
    order: list[str] = []

    def hold_lock() -> None:
        with db.write_transaction(app) as session:
            session.execute(text("SELECT 1"))  # no write yet: only BEGIN IMMEDIATE locks
            holder_started.set()
            release_holder.wait(timeout=10)
            order.append("holder-commit")

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert holder_started.wait(timeout=10)
    waiter_done = threading.Event()

    def second_writer() -> None:
        with db.write_transaction(app) as session:
            order.append("second-begin")
            session.add(Tenant(issuer="i", client_id="c", deployment_id="d"))
        waiter_done.set()

    waiter = threading.Thread(target=second_writer)
    waiter.start()
    # The second writer cannot begin while the first holds the lock.
    assert not waiter_done.wait(timeout=0.3)
    release_holder.set()
    holder.join(timeout=10)
    waiter.join(timeout=10)
    assert order == ["holder-commit", "second-begin"]
