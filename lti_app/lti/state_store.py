"""Server-side LTI state: OIDC login state, consumed nonces, validated launch data.

Nothing of this lives in the cookie (a cookie session grows per launch and a leaked SECRET_KEY
would forge launches). Consumption is atomic across workers and browsers: the state row is
deleted with a row-count check and the nonce goes into a UNIQUE (issuer, nonce) row, so a replayed
id_token is refused even from another client. Queries stay in this one module.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lti_app.lti.errors import ReplayedLaunch
from lti_app.storage import db
from lti_app.storage.models import LaunchRecord, OidcState, UsedNonce, utc_now


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


def browser_hash(secret: str) -> str:
    """Hash of the state cookie's secret: the row proves nothing to someone who reads the DB."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def save_login_state(
    *,
    state: str,
    nonce: str,
    issuer: str,
    client_id: str | None,
    target_link_uri: str,
    browser_secret: str,
    deployment_hint: str | None,
    lifetime: timedelta,
) -> None:
    now = utc_now()
    with db.transaction() as session:
        session.execute(delete(OidcState).where(OidcState.expires_at < now))
        session.add(
            OidcState(
                state=state,
                nonce=nonce,
                issuer=issuer,
                client_id=client_id,
                target_link_uri=target_link_uri,
                data={"browser": browser_hash(browser_secret), "deployment": deployment_hint},
                expires_at=now + lifetime,
            )
        )


def load_login_state(state: str) -> LoginState | None:
    """The unexpired login state, or None (unknown, expired, or already used)."""
    row = db.get_session().scalar(
        select(OidcState).where(OidcState.state == state, OidcState.expires_at >= utc_now())
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


def consume(login: LoginState, issuer: str, nonce: str, nonce_lifetime: timedelta) -> None:
    """Use the login state and the nonce exactly once; a second use raises ReplayedLaunch."""
    now = utc_now()
    try:
        with db.write_transaction() as session:
            deleted = session.execute(delete(OidcState).where(OidcState.id == login.row_id))
            if getattr(deleted, "rowcount", 0) != 1:
                raise ReplayedLaunch("login state was consumed by a concurrent launch")
            session.execute(delete(UsedNonce).where(UsedNonce.expires_at < now))
            session.add(UsedNonce(issuer=issuer, nonce=nonce, expires_at=now + nonce_lifetime))
            session.flush()
    except IntegrityError:
        raise ReplayedLaunch("nonce was already used") from None


def save_launch(launch_id: str, data: dict[str, Any], lifetime: timedelta) -> None:
    now = utc_now()
    with db.transaction() as session:
        session.execute(delete(LaunchRecord).where(LaunchRecord.expires_at < now))
        session.add(LaunchRecord(launch_id=launch_id, data=data, expires_at=now + lifetime))


def load_launch(launch_id: str) -> dict[str, Any] | None:
    record = db.get_session().scalar(
        select(LaunchRecord).where(
            LaunchRecord.launch_id == launch_id, LaunchRecord.expires_at >= utc_now()
        )
    )
    return dict(record.data) if record is not None else None
