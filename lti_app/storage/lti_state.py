"""Where short-lived LTI state lives: the database (default) or Redis (``INTERVISION_REDIS_URL``).

Login state, single-use nonces and launch records are never kept in the cookie. Both stores
give the same guarantees: a state is consumed once, a nonce once per issuer across every app
server, a record is gone after its lifetime. The database store consumes inside the launch's
own write transaction; the Redis store consumes atomically in Redis (one Lua script), before
the launch's database transaction, so a refused launch has still used up its state and nonce.
This module holds the shared types and picks the store; it imports neither SQLAlchemy nor redis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from flask import Flask, current_app

EXTENSION_KEY = "intervision_lti_state"
DEFAULT_REDIS_KEY_PREFIX = "intervision:"


class StateAlreadyUsed(Exception):
    """The login state was consumed (by a concurrent launch)."""


class NonceAlreadyUsed(Exception):
    """(issuer, nonce) was already used."""


class StateBackendUnavailable(Exception):
    """The state store (Redis) did not answer; the request cannot be decided safely."""


@dataclass(frozen=True)
class LoginState:
    """What the login promised the launch: nonce, platform, target, browser binding."""

    row_id: int  # the database row (0 in Redis, where the state string is the key)
    state: str
    nonce: str
    issuer: str
    client_id: str | None
    target_link_uri: str
    browser_hash: str
    deployment_hint: str | None


class LtiStateStore(Protocol):
    """What the login, the launch and the per-request launch loader need from a store."""

    @property
    def name(self) -> str: ...

    @property
    def in_database(self) -> bool:
        """True when consumption can join the launch's database transaction."""
        ...

    def save_login_state(
        self,
        *,
        state: str,
        nonce: str,
        issuer: str,
        client_id: str | None,
        target_link_uri: str,
        browser_hash: str,
        deployment_hint: str | None,
        lifetime: timedelta,
    ) -> None: ...

    def load_login_state(self, state: str) -> LoginState | None: ...

    def nonce_was_used(self, issuer: str, nonce: str) -> bool: ...

    def consume(
        self, login: LoginState, issuer: str, nonce: str, nonce_lifetime: timedelta
    ) -> None:
        """Use state and nonce exactly once; raise StateAlreadyUsed or NonceAlreadyUsed."""
        ...

    def save_launch(self, launch_id: str, data: dict[str, Any], lifetime: timedelta) -> None: ...

    def load_launch(self, launch_id: str) -> dict[str, Any] | None: ...

    def check(self) -> None:
        """Raise StateBackendUnavailable when the store cannot answer (for /healthz)."""
        ...

    def close(self) -> None: ...


def create_state_store(config: dict[str, Any] | Any) -> LtiStateStore:
    """Redis when ``REDIS_URL`` is set, the database otherwise."""
    redis_url = config.get("REDIS_URL")
    if not redis_url:
        from lti_app.storage.lti_state_repo import DatabaseStateStore

        return DatabaseStateStore()
    try:
        from lti_app.storage.redis_state import RedisStateStore
    except ImportError:
        from lti_app.config import ConfigError

        raise ConfigError(
            "REDIS_URL is set but the redis package is not installed; "
            "run: pip install 'intervision[redis]' (or unset INTERVISION_REDIS_URL)."
        ) from None
    return RedisStateStore.from_url(
        str(redis_url), key_prefix=str(config.get("REDIS_KEY_PREFIX") or DEFAULT_REDIS_KEY_PREFIX)
    )


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = create_state_store(app.config)


def get_state_store(app: Flask | None = None) -> LtiStateStore:
    target = app or current_app
    try:
        store: LtiStateStore = target.extensions[EXTENSION_KEY]
    except KeyError:
        raise RuntimeError(
            "LTI state store is not initialised: call lti_app.storage.lti_state.init_app"
        ) from None
    return store
