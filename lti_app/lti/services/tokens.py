"""OAuth2 client-credentials tokens for AGS and NRPS (LTI Security Framework §4.1).

The tool signs a short JWT assertion with its current key and swaps it at the platform's token
endpoint. Tokens are cached per (issuer, client_id, scopes) until shortly before ``expires_in``
runs out, for every request in the process (pylti1p3 makes a new one per connector), and
dropped when the platform answers 401.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import jwt
from flask import Flask

from lti_app.lti import keys
from lti_app.lti.outbound_policy import hosts_of, registration_hosts
from lti_app.lti.services.http import ServiceError, Timeout, request
from lti_app.storage import db, registrations_repo

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS = 300
# Renew this long before expiry, so a token never expires between cache and use.
EXPIRY_MARGIN_SECONDS = 60
DEFAULT_EXPIRES_IN = 3600


@dataclass(frozen=True)
class ServiceClient:
    """Who we are at a platform's token endpoint; ``hosts``: the registration's hosts, where
    the URLs a launch supplies (line items, rosters) must point."""

    issuer: str
    client_id: str
    token_url: str
    audience: str | None = None
    hosts: frozenset[str] = frozenset()

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return self.hosts | hosts_of([self.issuer, self.token_url])


def service_client(issuer: str, client_id: str, app: Flask | None = None) -> ServiceClient:
    """The registration behind a tenant, as a ServiceClient (raises if it was removed)."""
    with db.transaction(app) as session:
        record = registrations_repo.find_platform(session, issuer, client_id)
        if record is None:
            raise ServiceError(
                f"no registration for issuer {issuer!r} and client id {client_id!r}",
                retryable=False,
            )
        return ServiceClient(
            record.issuer,
            record.client_id,
            record.auth_token_url,
            record.auth_audience,
            hosts=registration_hosts(record),
        )


def client_assertion(client: ServiceClient, signing: keys.SigningKey, now: float) -> str:
    claims = {
        "iss": client.client_id,
        "sub": client.client_id,
        "aud": client.audience or client.token_url,
        "iat": int(now),
        "exp": int(now) + ASSERTION_LIFETIME_SECONDS,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, signing.private_key, algorithm="RS256", headers={"kid": signing.kid})


class TokenCache:
    """Access tokens per (issuer, client_id, scopes); thread-safe, process-wide."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str, frozenset[str]], tuple[str, float]] = {}
        self.fetches = 0  # how many times the token endpoint was called (observability, tests)

    @staticmethod
    def _key(client: ServiceClient, scopes: Iterable[str]) -> tuple[str, str, frozenset[str]]:
        return (client.issuer, client.client_id, frozenset(scopes))

    def get(
        self,
        client: ServiceClient,
        scopes: Iterable[str],
        timeout: Timeout,
        app: Flask | None = None,
    ) -> str:
        scope_set = frozenset(scopes)
        key = self._key(client, scope_set)
        now = self._clock()
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and cached[1] - EXPIRY_MARGIN_SECONDS > now:
                return cached[0]
        token, expires_in = self._fetch(client, scope_set, timeout, app)
        with self._lock:
            self._tokens[key] = (token, now + expires_in)
        return token

    def invalidate(self, client: ServiceClient, scopes: Iterable[str]) -> None:
        with self._lock:
            self._tokens.pop(self._key(client, scopes), None)

    def _fetch(
        self,
        client: ServiceClient,
        scopes: frozenset[str],
        timeout: Timeout,
        app: Flask | None,
    ) -> tuple[str, int]:
        # The assertion always uses the real clock: the platform checks its iat/exp.
        assertion = client_assertion(client, keys.current_signing_key(app), time.time())
        self.fetches += 1
        response = request(
            "POST",
            client.token_url,
            what="service token",
            timeout=timeout,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": assertion,
                "scope": " ".join(sorted(scopes)),
            },
            headers={"Accept": "application/json"},
            app=app,
        )
        try:
            payload = response.json()
            token = payload["access_token"]
            expires_in = int(payload.get("expires_in") or DEFAULT_EXPIRES_IN)
        except (ValueError, KeyError, TypeError):
            raise ServiceError(
                f"service token: {client.token_url} answered without an access_token",
                retryable=True,
            ) from None
        if not isinstance(token, str) or not token:
            raise ServiceError("service token: empty access_token", retryable=True)
        return token, max(expires_in, 1)


token_cache = TokenCache()
