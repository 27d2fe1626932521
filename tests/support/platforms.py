"""A real LTI 1.3 platform (``lti1p3platform``) configured against our tool, for end-to-end tests.

The platform has its own RSA key; its JWKS is served by a real HTTP server on loopback, so the
tool's fetch-with-timeout, cache and kid-refetch paths run for real. The OIDC round trip goes
through Flask's test client: platform login initiation → our ``/lti/login`` → our redirect to
the platform's auth URL → the platform library builds and signs the id_token from *our* state
and nonce → form POST to our ``/lti/launch``. Hostile variants re-sign altered claims with the
platform key (or another key) exactly where a real attacker could.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from flask.testing import FlaskClient
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration as PlatformRegistration
from lti1p3platform.request import Request as PlatformRequest
from werkzeug.test import TestResponse

from tests.support.servers import JsonServer, new_private_key_pem, serving

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def public_pem_of(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class KeySetServer(JsonServer):
    """The platform's JWKS endpoint on 127.0.0.1; counts hits; can hang until released."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[dict[str, Any]] = []
        self.hits = 0

    def document(self, path: str) -> dict[str, Any]:
        self.hits += 1
        return {"keys": self.keys}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/jwks"


class _HarnessRequest(PlatformRequest):  # type: ignore[misc]
    def build_metadata(self, request: Any) -> Any:
        return {
            "method": "GET",
            "form_data": {},
            "get_data": dict(request),
            "headers": {},
            "content_type": None,
            "path": "/auth",
            "json": None,
        }


class _HarnessLogin(OIDCLoginAbstract):  # type: ignore[misc]
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class _HarnessLaunch(LTIAdvantageMessageLaunchAbstract):  # type: ignore[misc]
    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data


@dataclass
class Platform:
    """One platform registration of our tool, as the LMS side sees it."""

    issuer: str
    client_id: str
    deployment_id: str
    tool_base_url: str
    key_server: KeySetServer
    private_pem: str = field(default_factory=new_private_key_pem)
    old_keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.publish_keys()

    @property
    def auth_login_url(self) -> str:
        return f"http://localhost:{self.key_server.port}/auth"

    @property
    def origin(self) -> str:
        return f"http://localhost:{self.key_server.port}"

    def registration(self) -> PlatformRegistration:
        return (
            PlatformRegistration()
            .set_iss(self.issuer)
            .set_client_id(self.client_id)
            .set_deployment_id(self.deployment_id)
            .set_oidc_login_url(f"{self.tool_base_url}/lti/login")
            .set_launch_url(f"{self.tool_base_url}/lti/launch")
            .set_platform_public_key(public_pem_of(self.private_pem))
            .set_platform_private_key(self.private_pem)
        )

    def config(self) -> LTI1P3PlatformConfAbstract:
        registration = self.registration()

        class Conf(LTI1P3PlatformConfAbstract):  # type: ignore[misc]
            def init_platform_config(self, **kwargs: Any) -> None:
                return None

            def get_registration_by_params(self, **kwargs: Any) -> PlatformRegistration:
                return registration

        return Conf()

    @property
    def kid(self) -> str:
        return str(self.registration().get_kid())

    def publish_keys(self) -> None:
        keys = [PlatformRegistration.get_jwk(public_pem_of(pem)) for pem in self.old_keys]
        keys.append(PlatformRegistration.get_jwk(public_pem_of(self.private_pem)))
        self.key_server.keys = keys

    def rotate_key(self) -> None:
        """Sign with a new key; publish old and new (what a platform does on rotation)."""
        self.old_keys.append(self.private_pem)
        self.private_pem = new_private_key_pem()
        self.publish_keys()

    # --- the OIDC round trip -------------------------------------------------------------

    def login_initiation_url(self, user_id: str, message_hint: str = "resource-1") -> str:
        login = _HarnessLogin(None, self.config())
        login.set_lti_message_hint(hint=message_hint)
        return str(login.initiate_login(user_id))

    def start_login(self, client: FlaskClient, user_id: str = "user-1") -> dict[str, str]:
        """Platform → tool login → tool's redirect to our auth URL; returns the auth params."""
        url = self.login_initiation_url(user_id)
        response = client.get(url)
        assert response.status_code == 200, response.status_code  # the cookie-check page
        response = client.get(url + "&lti1p3_new_window=1")
        assert response.status_code == 302, response.get_data(as_text=True)
        location = response.headers["Location"]
        assert location.startswith(self.auth_login_url + "?"), location
        return dict(parse_qsl(urlsplit(location).query))

    def id_token_claims(
        self, auth: Mapping[str, str], roles: list[str], **extra: Any
    ) -> dict[str, Any]:
        """The launch message lti1p3platform builds for these auth params (unsigned)."""
        launch = _HarnessLaunch(_HarnessRequest(auth), self.config())
        launch._registration = launch._platform_config.get_registration()
        launch.validate_preflight_response(dict(auth))
        launch.set_user_data(
            auth["login_hint"], roles, full_name="Ada Lovelace", email_address="ada@example.test"
        )
        launch.set_resource_link_claim("resource-1", title="Practice round")
        launch.set_launch_context_claim(
            "course-42", context_title="Intervision 101", context_label="INT101"
        )
        launch.set_custom_parameters_claim(extra.pop("custom", {}))
        message: dict[str, Any] = dict(launch.get_launch_data()[0])
        message["iat"] = int(time.time())
        message["exp"] = message["iat"] + 300
        message.update(extra)
        return message

    def sign(
        self,
        claims: Mapping[str, Any],
        *,
        private_pem: str | None = None,
        headers: Mapping[str, Any] | None = None,
        algorithm: str = "RS256",
    ) -> str:
        pem = private_pem or self.private_pem
        header = {"kid": PlatformRegistration.get_jwk(public_pem_of(pem))["kid"]}
        header.update(headers or {})
        return jwt.encode(dict(claims), pem, algorithm=algorithm, headers=header)

    def real_id_token(self, auth: Mapping[str, str], roles: list[str]) -> str:
        """The id_token exactly as lti1p3platform signs it (its own exp/iat and kid)."""
        launch = _HarnessLaunch(_HarnessRequest(auth), self.config())
        launch._registration = launch._platform_config.get_registration()
        launch.validate_preflight_response(dict(auth))
        launch.set_user_data(auth["login_hint"], roles, full_name="Ada Lovelace")
        launch.set_resource_link_claim("resource-1", title="Practice round")
        launch.set_launch_context_claim("course-42", context_title="Intervision 101")
        return str(launch.generate_launch_request()["id_token"])

    def post_launch(
        self, client: FlaskClient, auth: Mapping[str, str], id_token: str, state: str | None = None
    ) -> TestResponse:
        return client.post(
            auth["redirect_uri"], data={"id_token": id_token, "state": state or auth["state"]}
        )

    def launch(
        self, client: FlaskClient, roles: list[str], user_id: str = "user-1"
    ) -> TestResponse:
        auth = self.start_login(client, user_id)
        return self.post_launch(client, auth, self.real_id_token(auth, roles))


def running_key_server() -> AbstractContextManager[KeySetServer]:
    return serving(KeySetServer())
