"""pylti1p3 tool configuration backed by the database instead of a JSON file.

Registrations are keyed by (issuer, client_id) because every Canvas Cloud school shares one
issuer; a login without ``client_id`` is accepted only when the issuer has a single registration.
All registrations sign with the tool's current key; the JWKS publishes every published key.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from pylti1p3.contrib.flask.request import FlaskRequest
from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration as LtiRegistration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from lti_app.lti import keys
from lti_app.storage import db, registrations_repo
from lti_app.storage.models import Registration


class DatabaseToolConf(ToolConfAbstract[FlaskRequest]):
    """Looks registrations and deployments up in the request's database session."""

    def __init__(self, app: Flask | None = None) -> None:
        self._app = app

    # pylti1p3 keeps issuer relation types in a class-level dict; answer explicitly instead.
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(  # type: ignore[override]
        self, iss: str, *args: Any, **kwargs: Any
    ) -> LtiRegistration | None:
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(  # type: ignore[override]
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> LtiRegistration | None:
        record = self.find_registration_record(iss, client_id)
        return None if record is None else self._to_lti_registration(record)

    def find_registration_record(self, iss: str, client_id: str | None) -> Registration | None:
        """Our own model (frame origins, title) for the launch and CSP code."""
        return registrations_repo.find_registration(db.get_session(), iss, client_id)

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)  # type: ignore[arg-type]

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> LtiDeployment | None:
        record = registrations_repo.find_deployment(db.get_session(), iss, client_id, deployment_id)
        return None if record is None else LtiDeployment().set_deployment_id(record.deployment_id)

    def get_jwks(
        self, iss: str | None = None, client_id: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        return keys.public_jwks(self._app)

    def _to_lti_registration(self, record: Registration) -> LtiRegistration:
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
        return registration
