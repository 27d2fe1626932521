"""Server-side launch state on SQLite and PostgreSQL: single use is enforced by the database.

The checks live in ``tests/support/state_scenarios.py``, so ``test_redis_state`` runs the
same ones on Redis.
"""

from __future__ import annotations

from flask import Flask

from tests.support import state_scenarios


def test_state_and_nonce_are_used_once(db_app: Flask) -> None:
    state_scenarios.state_and_nonce_are_used_once(db_app)


def test_a_nonce_cannot_be_reused_under_a_new_state(db_app: Flask) -> None:
    state_scenarios.a_nonce_cannot_be_reused_under_a_new_state(db_app)


def test_expired_state_is_not_found(db_app: Flask) -> None:
    state_scenarios.expired_state_is_not_found(db_app)


def test_launch_records_round_trip(db_app: Flask) -> None:
    state_scenarios.launch_records_round_trip(db_app)
