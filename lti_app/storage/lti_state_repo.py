"""Server-side LTI state: OIDC login state, consumed nonces, validated launch records.

Nothing of this lives in the cookie (a cookie session grows per launch and a leaked SECRET_KEY
would forge launches). Single use is enforced by the database: the state row is deleted with a
row-count check and the nonce goes into a UNIQUE (issuer, nonce) row. Expired rows are pruned
at most once a minute per process inside a write the request makes anyway, or on demand
(``intervision lti prune``), never with a DELETE on every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_app.storage import db
from lti_app.storage.models import LaunchRecord, OidcState, UsedNonce, utc_now


class StateAlreadyUsed(Exception):
    """The login state row was consumed (by a concurrent launch)."""


class NonceAlreadyUsed(Exception):
    """(issuer, nonce) is already in the used-nonce table."""


@dataclass(frozen=True)
class LoginState:
    """What the login promised the launch: nonce, platform, target, browser binding."""

    row_id: int
    state: str
    nonce: str
    issuer: str
    client_id: str | None
    target_link_uri: str
    browser_hash: str
    deployment_hint: str | None


def prune_expired(session: Session, now: datetime) -> dict[str, int]:
    """Delete expired states, nonces and launch records; counts by table."""
    counts: dict[str, int] = {}
    for model in (OidcState, UsedNonce, LaunchRecord):
        result = session.execute(delete(model).where(model.expires_at < now))
        counts[model.__tablename__] = int(getattr(result, "rowcount", 0) or 0)
    return counts


def prune_if_due(session: Session, now: datetime) -> None:
    """Piggy-back pruning on a write transaction, at most once per interval per process."""
    if db.get_storage().prune_schedule.due():
        prune_expired(session, now)


def prune_now(app: Flask | None = None) -> dict[str, int]:
    with db.write_transaction(app) as session:
        return prune_expired(session, utc_now())


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
    with db.transaction() as session:
        prune_if_due(session, now)
        session.execute(
            insert(OidcState).values(
                state=state,
                nonce=nonce,
                issuer=issuer,
                client_id=client_id,
                target_link_uri=target_link_uri,
                data={"browser": browser_hash, "deployment": deployment_hint},
                expires_at=now + lifetime,
            )
        )


def load_login_state(state: str) -> LoginState | None:
    """The unexpired login state, or None (unknown, expired, or already used)."""
    row = (
        db.get_session()
        .execute(
            select(
                OidcState.id,
                OidcState.state,
                OidcState.nonce,
                OidcState.issuer,
                OidcState.client_id,
                OidcState.target_link_uri,
                OidcState.data,
            ).where(OidcState.state == state, OidcState.expires_at >= utc_now())
        )
        .first()
    )
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
    return (
        db.get_session().scalar(
            select(UsedNonce.id).where(UsedNonce.issuer == issuer, UsedNonce.nonce == nonce)
        )
        is not None
    )


def consume_in(
    session: Session, login: LoginState, issuer: str, nonce: str, expires_at: datetime
) -> None:
    """Inside a write transaction: delete the state row, record the nonce (UNIQUE)."""
    deleted = session.execute(delete(OidcState).where(OidcState.id == login.row_id))
    if getattr(deleted, "rowcount", 0) != 1:
        raise StateAlreadyUsed("login state was consumed by a concurrent launch")
    try:
        session.execute(insert(UsedNonce).values(issuer=issuer, nonce=nonce, expires_at=expires_at))
    except IntegrityError:
        raise NonceAlreadyUsed("nonce was already used") from None


def consume(login: LoginState, issuer: str, nonce: str, nonce_lifetime: timedelta) -> None:
    """Use the login state and the nonce exactly once, in a transaction of their own."""
    with db.write_transaction() as session:
        consume_in(session, login, issuer, nonce, utc_now() + nonce_lifetime)


def add_launch_record(
    session: Session, launch_id: str, data: dict[str, Any], expires_at: datetime
) -> None:
    session.execute(
        insert(LaunchRecord).values(launch_id=launch_id, data=data, expires_at=expires_at)
    )


def save_launch(launch_id: str, data: dict[str, Any], lifetime: timedelta) -> None:
    with db.transaction() as session:
        add_launch_record(session, launch_id, data, utc_now() + lifetime)


def load_launch(launch_id: str) -> dict[str, Any] | None:
    data = db.get_session().scalar(
        select(LaunchRecord.data).where(
            LaunchRecord.launch_id == launch_id, LaunchRecord.expires_at >= utc_now()
        )
    )
    return dict(data) if data is not None else None
