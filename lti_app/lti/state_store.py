"""Server-side LTI state as the launch code sees it; the queries live in ``storage``.

Login state, single-use nonces and launch records are kept in the database, never in the
cookie (``storage/lti_state_repo.py`` says why). This module hashes the browser secret and turns
storage's "already used" signals into :class:`ReplayedLaunch`.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from lti_app.lti.errors import ReplayedLaunch
from lti_app.storage import lti_state_repo
from lti_app.storage.lti_state_repo import LoginState

__all__ = [
    "LoginState",
    "browser_hash",
    "consume",
    "load_launch",
    "load_login_state",
    "nonce_was_used",
    "save_launch",
    "save_login_state",
]


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
    lti_state_repo.save_login_state(
        state=state,
        nonce=nonce,
        issuer=issuer,
        client_id=client_id,
        target_link_uri=target_link_uri,
        browser_hash=browser_hash(browser_secret),
        deployment_hint=deployment_hint,
        lifetime=lifetime,
    )


def load_login_state(state: str) -> LoginState | None:
    """The unexpired login state, or None (unknown, expired, or already used)."""
    return lti_state_repo.load_login_state(state)


def nonce_was_used(issuer: str, nonce: str) -> bool:
    return lti_state_repo.nonce_was_used(issuer, nonce)


def consume(login: LoginState, issuer: str, nonce: str, nonce_lifetime: timedelta) -> None:
    """Use the login state and the nonce exactly once; a second use raises ReplayedLaunch."""
    try:
        lti_state_repo.consume(login, issuer, nonce, nonce_lifetime)
    except lti_state_repo.StateAlreadyUsed as used:
        raise ReplayedLaunch(str(used)) from None
    except lti_state_repo.NonceAlreadyUsed as used:
        raise ReplayedLaunch(str(used)) from None


def save_launch(launch_id: str, data: dict[str, Any], lifetime: timedelta) -> None:
    lti_state_repo.save_launch(launch_id, data, lifetime)


def load_launch(launch_id: str) -> dict[str, Any] | None:
    return lti_state_repo.load_launch(launch_id)
