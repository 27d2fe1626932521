"""Lock contention is a friendly 503 with nothing saved, never a 500 (found by the sign-up
benchmark: 200 clients on SQLite outlasted the busy timeout and got error pages)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_app.storage import db
from lti_app.storage.models import Tenant


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The migrated SQLite app of tests/conftest, with a 50 ms busy timeout (not 5 s)."""
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 50}


@pytest.fixture
def busy_app(app: Flask) -> Flask:
    @app.get("/write-a-tenant")  # GET: no CSRF form needed for this probe
    def write_a_tenant() -> str:
        with db.write_transaction() as session:
            session.add(Tenant(issuer="https://lms.test", client_id="c", deployment_id="d"))
        return "written"

    return app


@pytest.fixture
def held_write_lock(busy_app: Flask) -> Iterator[None]:
    """Another process's writer holding SQLite's write lock (a real second connection)."""
    other = sqlite3.connect(db.get_engine(busy_app).url.database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield
    other.execute("ROLLBACK")
    other.close()


def _tenants(app: Flask) -> int:
    with app.app_context(), db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Tenant)) or 0)


def test_a_writer_that_cannot_get_the_lock_is_told_to_retry(
    busy_app: Flask, held_write_lock: None
) -> None:
    with busy_app.app_context(), pytest.raises(db.StorageBusy) as refused:
        with db.write_transaction():
            pass
    assert refused.value.status == 503 and "database is locked" in refused.value.detail


def test_the_page_is_a_503_that_says_nothing_was_saved(
    busy_app: Flask, held_write_lock: None
) -> None:
    response = busy_app.test_client().get("/write-a-tenant")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Nothing was saved" in page and "Traceback" not in page
    assert "database is locked" not in page  # the detail is for the log only


def test_once_the_lock_is_free_the_same_request_goes_through(busy_app: Flask) -> None:
    response = busy_app.test_client().get("/write-a-tenant")
    assert response.status_code == 200 and _tenants(busy_app) == 1
