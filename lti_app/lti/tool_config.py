"""pylti1p3 tool configuration backed by the database instead of a JSON file.

Registrations are keyed by (issuer, client_id) because every Canvas Cloud school shares one
issuer; a login without ``client_id`` is accepted only when the issuer has a single registration.
All registrations sign with the tool's current key; the JWKS publishes every published key.
Lookups go through the per-process registration cache (``storage/platform_cache.py``: TTL and
invalidation) and are memoised on this object, which lives for one request: a login or launch
reads each registration at most once.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from pylti1p3.contrib.flask.request import FlaskRequest
from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration as LtiRegistration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from lti_app.lti import keys
from lti_app.storage import registrations_repo
from lti_app.storage.platform_cache import PlatformRecord


class DatabaseToolConf(ToolConfAbstract[FlaskRequest]):
    """Looks registrations and deployments up once per request (cached per process)."""

    def __init__(self, app: Flask | None = None) -> None:
        self._app = app
        self._platforms: dict[tuple[str, str | None], PlatformRecord | None] = {}
        self._lti_registrations: dict[int, LtiRegistration] = {}

    # pylti1p3 keeps issuer relation types in a class-level dict; answer explicitly instead.
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_platform(
        self, iss: str, client_id: str | None, *, refresh: bool = False
    ) -> PlatformRecord | None:
        """Our snapshot of the registration (frame origins, deployments, URLs)."""
        key = (iss, client_id)
        if refresh or key not in self._platforms:
            self._platforms[key] = registrations_repo.cached_platform(
                iss, client_id, refresh=refresh, app=self._app
            )
        return self._platforms[key]

    def find_registration_by_issuer(  # type: ignore[override]
        self, iss: str, *args: Any, **kwargs: Any
    ) -> LtiRegistration | None:
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(  # type: ignore[override]
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> LtiRegistration | None:
        record = self.find_platform(iss, client_id)
        return None if record is None else self.lti_registration(record)

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)  # type: ignore[arg-type]

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> LtiDeployment | None:
        record = self.find_platform(iss, client_id)
        if record is not None and deployment_id not in record.deployment_ids:
            # Added since it was cached (perhaps by another process)? Read it once afresh.
            record = self.find_platform(iss, client_id, refresh=True)
        if record is None or deployment_id not in record.deployment_ids:
            return None
        return LtiDeployment().set_deployment_id(deployment_id)

    def get_jwks(
        self, iss: str | None = None, client_id: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        return keys.public_jwks(self._app)

    def lti_registration(self, record: PlatformRecord) -> LtiRegistration:
        """pylti1p3's Registration for our record (the tool's current key, cached)."""
        known = self._lti_registrations.get(record.id)
        if known is not None and known.get_key_set_url() == record.jwks_url:
            return known
        signing = keys.current_signing_key(self._app)
        registration = (
            LtiRegistration()
            .set_issuer(record.issuer)
            .set_client_id(record.client_id)
            .set_auth_login_url(record.auth_login_url)
            .set_auth_token_url(record.auth_token_url)
            .set_key_set_url(record.jwks_url)
            .set_tool_private_key(signing.private_pem)
            .set_tool_public_key(signing.public_pem)
        )
        if record.auth_audience:
            registration.set_auth_audience(record.auth_audience)
        self._lti_registrations[record.id] = registration
        return registration
