"""Short-lived LTI state in Redis, for sites that already run Redis beside several app servers.

Same guarantees as the database store (``lti_state_repo``): the login state is bound to the
browser secret's hash, a state is consumed once, an (issuer, nonce) once across every app
server that shares the Redis, and nothing outlives its lifetime (Redis expires each key with
``PX``, so there is nothing to prune). Consumption is one Lua script, which Redis runs
atomically: check the state, ``SET NX`` the nonce marker, delete the state, or change nothing.
Keys: ``<prefix>lti:state:<state>``, ``<prefix>lti:nonce:<sha256(issuer, nonce)>``,
``<prefix>lti:launch:<launch id>``; the prefix lets several tools share one Redis.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, cast

import redis

from lti_app.storage.lti_state import (
    DEFAULT_REDIS_KEY_PREFIX,
    LoginState,
    NonceAlreadyUsed,
    StateAlreadyUsed,
    StateBackendUnavailable,
)

# redis-py's sync client is typed "Awaitable | value" (shared with asyncio): values are cast.
# A launch must not hang on a Redis that does not answer: fail fast with a 503 page.
SOCKET_TIMEOUT_SECONDS = 2.0

# KEYS[1] login state, KEYS[2] nonce marker; ARGV[1] nonce lifetime in milliseconds.
# 1 = state gone (used or expired), 2 = nonce used (the state is left as it was), 0 = consumed.
_CONSUME_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return 2 end
redis.call('DEL', KEYS[1])
return 0
"""
_STATE_GONE = 1
_NONCE_USED = 2


def _milliseconds(lifetime: timedelta) -> int:
    return int(lifetime.total_seconds() * 1000)


@contextmanager
def _answering(action: str) -> Iterator[None]:
    """Turn connection problems into one exception the LTI layer answers with a 503 page."""
    try:
        yield
    except redis.RedisError as problem:
        raise StateBackendUnavailable(
            f"redis did not answer ({action}): {type(problem).__name__}: {problem}"
        ) from None


class RedisStateStore:
    """``LtiStateStore`` on Redis; one client (a connection pool) per app and process."""

    name = "redis"
    in_database = False

    def __init__(self, client: redis.Redis, key_prefix: str = DEFAULT_REDIS_KEY_PREFIX) -> None:
        self._client = client
        self._prefix = key_prefix
        self._consume = client.register_script(_CONSUME_SCRIPT)

    @classmethod
    def from_url(cls, url: str, key_prefix: str = DEFAULT_REDIS_KEY_PREFIX) -> RedisStateStore:
        """No connection is made here; the pool connects on first use."""
        client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
            health_check_interval=30,
        )
        return cls(client, key_prefix)

    # --- keys ------------------------------------------------------------------------------

    def state_key(self, state: str) -> str:
        return f"{self._prefix}lti:state:{state}"

    def nonce_key(self, issuer: str, nonce: str) -> str:
        # Hashed: issuers are URLs up to 1 kB; the NUL keeps ("a", "bc") apart from ("ab", "c").
        digest = hashlib.sha256(f"{issuer}\0{nonce}".encode()).hexdigest()
        return f"{self._prefix}lti:nonce:{digest}"

    def launch_key(self, launch_id: str) -> str:
        return f"{self._prefix}lti:launch:{launch_id}"

    # --- LtiStateStore ---------------------------------------------------------------------

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
    ) -> None:
        value = json.dumps(
            {
                "nonce": nonce,
                "issuer": issuer,
                "client_id": client_id,
                "target_link_uri": target_link_uri,
                "browser": browser_hash,
                "deployment": deployment_hint,
            },
            separators=(",", ":"),
        )
        self._set(self.state_key(state), value, lifetime, "save login state")

    def load_login_state(self, state: str) -> LoginState | None:
        with _answering("load login state"):
            raw = cast(bytes | None, self._client.get(self.state_key(state)))
        if raw is None:
            return None
        data = json.loads(raw)
        return LoginState(
            row_id=0,
            state=state,
            nonce=str(data["nonce"]),
            issuer=str(data["issuer"]),
            client_id=data.get("client_id"),
            target_link_uri=str(data["target_link_uri"]),
            browser_hash=str(data.get("browser", "")),
            deployment_hint=data.get("deployment"),
        )

    def nonce_was_used(self, issuer: str, nonce: str) -> bool:
        with _answering("look up nonce"):
            return bool(self._client.exists(self.nonce_key(issuer, nonce)))

    def consume(
        self, login: LoginState, issuer: str, nonce: str, nonce_lifetime: timedelta
    ) -> None:
        keys = [self.state_key(login.state), self.nonce_key(issuer, nonce)]
        with _answering("consume state and nonce"):
            outcome = self._consume(keys=keys, args=[max(1, _milliseconds(nonce_lifetime))])
        if outcome == _STATE_GONE:
            raise StateAlreadyUsed("login state was consumed by a concurrent launch or expired")
        if outcome == _NONCE_USED:
            raise NonceAlreadyUsed("nonce was already used")

    def save_launch(self, launch_id: str, data: dict[str, Any], lifetime: timedelta) -> None:
        value = json.dumps(data, separators=(",", ":"))
        self._set(self.launch_key(launch_id), value, lifetime, "save launch record")

    def load_launch(self, launch_id: str) -> dict[str, Any] | None:
        with _answering("load launch record"):
            raw = cast(bytes | None, self._client.get(self.launch_key(launch_id)))
        if raw is None:
            return None
        data = json.loads(raw)
        return data if isinstance(data, dict) else None

    def check(self) -> None:
        with _answering("ping"):
            self._client.ping()

    def close(self) -> None:
        self._client.close()

    def _set(self, key: str, value: str, lifetime: timedelta, action: str) -> None:
        milliseconds = _milliseconds(lifetime)
        with _answering(action):
            if milliseconds <= 0:  # already expired: keep nothing (what a lookup would see)
                self._client.delete(key)
            else:
                self._client.set(key, value, px=milliseconds)
