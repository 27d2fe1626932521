"""Server-side LTI state: OIDC login state, consumed nonces, validated launch records.

Nothing of this lives in the cookie (a cookie session grows per launch and a leaked SECRET_KEY
would forge launches). Single use is enforced by the database: the state row is deleted with a
row-count check and the nonce goes into a UNIQUE (issuer, nonce) row. Expired rows are pruned
at most once a minute per process inside a write the request makes anyway, or on demand
(``intervision lti prune``), never with a DELETE on every request.
Login and launch run on every LTI request, so their statements are built once (Core, bound
parameters) and run on a plain connection; SQLAlchemy compiles each one once per process.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from flask import Flask
from sqlalchemy import Connection, Table, bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError

from lti_app.storage import db
from lti_app.storage.lti_state import LoginState, NonceAlreadyUsed, StateAlreadyUsed
from lti_app.storage.models import LaunchRecord, OidcState, UsedNonce, utc_now

__all__ = [
    "DatabaseStateStore",
    "LoginState",
    "NonceAlreadyUsed",
    "StateAlreadyUsed",
    "consume",
    "load_launch",
    "load_login_state",
    "nonce_was_used",
    "prune_now",
    "save_launch",
    "save_login_state",
]

_STATE = cast(Table, OidcState.__table__)
_NONCE = cast(Table, UsedNonce.__table__)
_RECORD = cast(Table, LaunchRecord.__table__)

_INSERT_STATE = insert(_STATE)
_SELECT_STATE = select(
    _STATE.c.id,
    _STATE.c.state,
    _STATE.c.nonce,
    _STATE.c.issuer,
    _STATE.c.client_id,
    _STATE.c.target_link_uri,
    _STATE.c.data,
).where(_STATE.c.state == bindparam("state"), _STATE.c.expires_at >= bindparam("now"))
_DELETE_STATE = delete(_STATE).where(_STATE.c.id == bindparam("row_id"))
_INSERT_NONCE = insert(_NONCE)
_SELECT_NONCE = select(_NONCE.c.id).where(
    _NONCE.c.issuer == bindparam("issuer"), _NONCE.c.nonce == bindparam("nonce")
)
_INSERT_RECORD = insert(_RECORD)
_SELECT_RECORD = select(_RECORD.c.data).where(
    _RECORD.c.launch_id == bindparam("launch_id"), _RECORD.c.expires_at >= bindparam("now")
)


def prune_expired(connection: Connection, now: datetime) -> dict[str, int]:
    """Delete expired states, nonces and launch records; counts by table."""
    counts: dict[str, int] = {}
    for table in (_STATE, _NONCE, _RECORD):
        result = connection.execute(delete(table).where(table.c.expires_at < now))
        counts[table.name] = int(result.rowcount or 0)
    return counts


def prune_if_due(connection: Connection, now: datetime) -> None:
    """Piggy-back pruning on a write transaction, at most once per interval per process."""
    if db.get_storage().prune_schedule.due():
        prune_expired(connection, now)


def prune_now(app: Flask | None = None) -> dict[str, int]:
    with db.write_connection(app) as connection:
        return prune_expired(connection, utc_now())


def save_login_state(
    *,
    state: str,
    nonce: str,
    issuer: str,
    client_id: str | None,
    target_link_uri: str,
    browser_hash: str,
    deployment_hint: str | None,
    lifetime: timedelta,
) -> None:
    now = utc_now()
    with db.write_connection() as connection:
        prune_if_due(connection, now)
        connection.execute(
            _INSERT_STATE,
            {
                "state": state,
                "nonce": nonce,
                "issuer": issuer,
                "client_id": client_id,
                "target_link_uri": target_link_uri,
                "data": {"browser": browser_hash, "deployment": deployment_hint},
                "expires_at": now + lifetime,
            },
        )


def load_login_state(state: str) -> LoginState | None:
    """The unexpired login state, or None (unknown, expired, or already used)."""
    with db.read_connection() as connection:
        row = connection.execute(_SELECT_STATE, {"state": state, "now": utc_now()}).first()
    if row is None:
        return None
    data = row.data or {}
    return LoginState(
        row_id=row.id,
        state=row.state,
        nonce=row.nonce,
        issuer=row.issuer,
        client_id=row.client_id,
        target_link_uri=row.target_link_uri,
        browser_hash=str(data.get("browser", "")),
        deployment_hint=data.get("deployment"),
    )


def nonce_was_used(issuer: str, nonce: str) -> bool:
    with db.read_connection() as connection:
        found = connection.execute(_SELECT_NONCE, {"issuer": issuer, "nonce": nonce}).first()
    return found is not None


def consume_in(
    connection: Connection, login: LoginState, issuer: str, nonce: str, expires_at: datetime
) -> None:
    """Inside a write transaction: delete the state row, record the nonce (UNIQUE)."""
    deleted = connection.execute(_DELETE_STATE, {"row_id": login.row_id})
    if deleted.rowcount != 1:
        raise StateAlreadyUsed("login state was consumed by a concurrent launch")
    try:
        connection.execute(
            _INSERT_NONCE, {"issuer": issuer, "nonce": nonce, "expires_at": expires_at}
        )
    except IntegrityError:
        raise NonceAlreadyUsed("nonce was already used") from None


def consume(login: LoginState, issuer: str, nonce: str, nonce_lifetime: timedelta) -> None:
    """Use the login state and the nonce exactly once, in a transaction of their own."""
    with db.write_connection() as connection:
        consume_in(connection, login, issuer, nonce, utc_now() + nonce_lifetime)


def add_launch_record(
    connection: Connection, launch_id: str, data: dict[str, Any], expires_at: datetime
) -> None:
    connection.execute(
        _INSERT_RECORD, {"launch_id": launch_id, "data": data, "expires_at": expires_at}
    )


def save_launch(launch_id: str, data: dict[str, Any], lifetime: timedelta) -> None:
    with db.write_connection() as connection:
        add_launch_record(connection, launch_id, data, utc_now() + lifetime)


def load_launch(launch_id: str) -> dict[str, Any] | None:
    with db.read_connection() as connection:
        data = connection.execute(
            _SELECT_RECORD, {"launch_id": launch_id, "now": utc_now()}
        ).scalar()
    return dict(data) if data is not None else None


class DatabaseStateStore:
    """The default store: the functions above, behind the ``LtiStateStore`` interface."""

    name = "database"
    in_database = True

    save_login_state = staticmethod(save_login_state)
    load_login_state = staticmethod(load_login_state)
    nonce_was_used = staticmethod(nonce_was_used)
    consume = staticmethod(consume)
    save_launch = staticmethod(save_launch)
    load_launch = staticmethod(load_launch)

    def check(self) -> None:
        """The database is checked by /healthz itself."""

    def close(self) -> None:
        """The engine belongs to ``db``."""
