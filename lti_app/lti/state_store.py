"""Server-side LTI state as the launch code sees it; the stores live in ``storage``.

Login state, single-use nonces and launch records are kept in the database or in Redis (when
``INTERVISION_REDIS_URL`` is set; ``storage/lti_state.py``), never in the cookie
(``storage/lti_state_repo.py`` says why). This module hashes the browser secret and turns the
store's signals into launch errors: "already used" into :class:`ReplayedLaunch`, "store does
not answer" into :class:`StateStoreUnavailable` (a 503 page).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from lti_app.lti.errors import ReplayedLaunch, StateStoreUnavailable
from lti_app.storage.lti_state import (
    LoginState,
    NonceAlreadyUsed,
    StateAlreadyUsed,
    StateBackendUnavailable,
    get_state_store,
)

__all__ = [
    "LoginState",
    "browser_hash",
    "consume",
    "load_launch",
    "load_login_state",
    "nonce_was_used",
    "save_launch",
    "save_login_state",
    "translated_store_errors",
]


def browser_hash(secret: str) -> str:
    """Hash of the state cookie's secret: the row proves nothing to someone who reads the DB."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@contextmanager
def translated_store_errors() -> Iterator[None]:
    """Storage's signals as launch errors (a 4xx or 503 page, never a 500)."""
    try:
        yield
    except (StateAlreadyUsed, NonceAlreadyUsed) as used:
        raise ReplayedLaunch(str(used)) from None
    except StateBackendUnavailable as down:
        raise StateStoreUnavailable(str(down)) from None


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
    with translated_store_errors():
        get_state_store().save_login_state(
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
    with translated_store_errors():
        return get_state_store().load_login_state(state)


def nonce_was_used(issuer: str, nonce: str) -> bool:
    with translated_store_errors():
        return get_state_store().nonce_was_used(issuer, nonce)


def consume(login: LoginState, issuer: str, nonce: str, nonce_lifetime: timedelta) -> None:
    """Use the login state and the nonce exactly once; a second use raises ReplayedLaunch."""
    with translated_store_errors():
        get_state_store().consume(login, issuer, nonce, nonce_lifetime)


def save_launch(launch_id: str, data: dict[str, Any], lifetime: timedelta) -> None:
    with translated_store_errors():
        get_state_store().save_launch(launch_id, data, lifetime)


def load_launch(launch_id: str) -> dict[str, Any] | None:
    with translated_store_errors():
        return get_state_store().load_launch(launch_id)
