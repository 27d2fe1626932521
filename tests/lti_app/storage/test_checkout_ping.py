"""PostgreSQL's pool ping on checkout (``storage.checkout_ping``), on a real server whose
backends are ended under the tool: a pinged checkout replaces a lost connection, an unpinged
one does not (so the skip is real), and a sign-up on unpinged connections is made once all
the same."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from lti_app.domain.signups.booking import Intent, Outcome
from lti_app.services import signups
from lti_app.storage import checkout_ping, db
from tests.conftest import _migrated_app
from tests.support.signup_world import NOW, build_world, new_session

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(
    app_config: dict[str, Any], migrated_postgres_database: str, migrated_sqlite_template: Path
) -> Iterator[Flask]:
    config = {**app_config, "DATABASE_URL": migrated_postgres_database}
    yield from _migrated_app(config, migrated_sqlite_template)


def _end_the_pools_backends(app: Flask) -> int:
    """What a database restart does to the pooled connections: their backends end."""
    with app.app_context():
        url = db.get_engine().url
    outside = create_engine(url, poolclass=NullPool)
    with outside.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    outside.dispose()
    return int(ended)


def _backend(app: Flask) -> int:
    with app.app_context(), db.get_engine().connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_pinged_checkout_replaces_a_lost_connection(pg_app: Flask) -> None:
    before = _backend(pg_app)
    assert _end_the_pools_backends(pg_app) >= 1
    assert _backend(pg_app) != before  # the ping found it lost; a new one answered


def test_an_unpinged_checkout_hands_out_the_lost_connection(pg_app: Flask) -> None:
    _backend(pg_app)  # one connection in the pool
    assert _end_the_pools_backends(pg_app) >= 1
    with pytest.raises(DBAPIError) as raised, checkout_ping.unpinged():
        _backend(pg_app)
    assert raised.value.connection_invalidated


def test_a_sign_up_on_a_lost_connection_is_made_once(pg_app: Flask) -> None:
    world = build_world(pg_app, learners=2)
    session_id = new_session(pg_app, world, seats=4)
    _backend(pg_app)
    assert _end_the_pools_backends(pg_app) >= 1
    with pg_app.app_context():
        decision = signups.book(
            world.course, sheet_id=world.sheet, session_id=session_id,
            user_id=world.learners[0], intent=Intent.CONSULTANT, now=NOW,
        )  # fmt: skip
        _, roster = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=session_id
        )
    assert decision.outcome is Outcome.CONFIRMED
    assert [(booking.user_id, booking.status.value) for booking in roster] == [
        (world.learners[0], "confirmed")
    ]
