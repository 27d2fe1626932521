"""A second, independent LTI 1.3 platform: Open edX ``lti-consumer-xblock``'s consumer classes.

``LtiAdvantageConsumer`` is the code Open edX runs in production to launch LTI 1.3 tools. Its
launch and deep-linking parts are framework-free apart from Django settings and cache, which
:func:`configure_django` sets up minimally (in-memory cache, no apps, no database).

The platform has its own RSA-2048 key. A loopback HTTP server publishes its JWKS (so the tool's
fetch, cache and timeout code runs for real) and republishes the *tool's* JWKS, which the xblock
fetches with ``PyJWKClient`` to verify a deep-linking response. The OIDC round trip goes through
Flask's test client: ``prepare_preflight_url`` → our ``/lti/login`` → our redirect to the
platform's auth URL, whose query the xblock checks and answers with ``generate_launch_request``.
Hostile variants decode that real id_token, change claims and re-sign with the platform key.
"""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.servers import JsonServer, new_private_key_pem, serving

PLATFORM_NAME = "Intervision test edX"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"


def configure_django() -> None:
    """Minimal Django for the xblock: settings it reads (PLATFORM_NAME) and a local cache.

    Importing lti_consumer pulls in webob (stdlib ``cgi``) and openedx-filters, which raise
    DeprecationWarnings we cannot fix; they are silenced for this import only.
    """
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            PLATFORM_NAME=PLATFORM_NAME,
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            INSTALLED_APPS=[],
            USE_TZ=True,
            OPENEDX_TELEMETRY=[],  # no New Relic / Datadog probing
        )
        django.setup()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import lti_consumer.lti_1p3.consumer  # noqa: F401


class LoopbackJsonServer(JsonServer):
    """Serves JSON documents by path on 127.0.0.1 (the platform's and the tool's JWKS)."""

    def __init__(self) -> None:
        super().__init__()
        self.documents: dict[str, Any] = {}
        self.hits: dict[str, int] = {}

    def document(self, path: str) -> Any:
        self.hits[path] = self.hits.get(path, 0) + 1
        return self.documents.get(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def running_json_server() -> AbstractContextManager[LoopbackJsonServer]:
    return serving(LoopbackJsonServer())


@dataclass
class XBlockLaunch:
    """One launch in flight: the auth request our tool sent, and the xblock's answer to it."""

    auth: dict[str, str]
    state: str
    id_token: str

    def claims(self) -> dict[str, Any]:
        """The signed claims, to alter for a hostile variant (signature checked elsewhere)."""
        body: dict[str, Any] = jwt.decode(self.id_token, options={"verify_signature": False})
        return body


@dataclass
class XBlockPlatform:
    """Open edX (as lti-consumer-xblock) with one LTI 1.3 configuration for our tool."""

    issuer: str
    client_id: str
    deployment_id: str
    tool_base_url: str
    server: LoopbackJsonServer
    private_pem: str = field(default_factory=new_private_key_pem)
    kid: str = field(default_factory=lambda: f"edx-{uuid.uuid4().hex[:12]}")

    PLATFORM_JWKS = "/api/lti_consumer/v1/public_keysets/config"
    TOOL_JWKS = "/tool-jwks"

    def __post_init__(self) -> None:
        configure_django()
        self.server.documents[self.PLATFORM_JWKS] = self.consumer().get_public_keyset()

    @property
    def origin(self) -> str:
        return f"http://localhost:{self.server.port}"

    @property
    def auth_login_url(self) -> str:
        return f"{self.origin}/api/lti_consumer/v1/launch/"

    @property
    def auth_token_url(self) -> str:
        return f"{self.origin}/api/lti_consumer/v1/token/config"

    @property
    def jwks_url(self) -> str:
        return self.server.url(self.PLATFORM_JWKS)

    @property
    def deep_link_return_url(self) -> str:
        return f"{self.origin}/api/lti_consumer/v1/lti/1/lti-dl/response"

    @property
    def launch_url(self) -> str:
        return f"{self.tool_base_url}/lti/launch"

    def publish_tool_keys(self, jwks: Mapping[str, Any]) -> None:
        """Republish the tool's JWKS on loopback for the xblock's PyJWKClient to fetch."""
        self.server.documents[self.TOOL_JWKS] = dict(jwks)

    def consumer(self) -> Any:
        """A fresh consumer, as the xblock builds one per request from its LtiConfiguration."""
        from lti_consumer.lti_1p3.consumer import LtiAdvantageConsumer

        consumer = LtiAdvantageConsumer(
            iss=self.issuer,
            lti_oidc_url=f"{self.tool_base_url}/lti/login",
            lti_launch_url=self.launch_url,
            client_id=self.client_id,
            deployment_id=self.deployment_id,
            rsa_key=self.private_pem,
            rsa_key_id=self.kid,
            redirect_uris=[self.launch_url],
            tool_keyset_url=self.server.url(self.TOOL_JWKS),
        )
        consumer.enable_deep_linking(self.launch_url, self.deep_link_return_url)
        return consumer

    def launch_data(self, user_id: str, role: str, message_type: str) -> Any:
        from lti_consumer.data import Lti1p3LaunchData

        return Lti1p3LaunchData(
            user_id=user_id,
            user_role=role,
            config_id=str(uuid.uuid4()),
            resource_link_id="block-v1:Intervision+INT101+2026+type@lti_consumer+block@practice",
            message_type=message_type,
            context_id="course-v1:Intervision+INT101+2026",
            context_type=["course_offering"],
            context_title="Intervision 101",
            context_label="INT101",
        )

    def _prepared_consumer(self, user_id: str, role: str) -> Any:
        consumer = self.consumer()
        consumer.set_user_data(
            user_id, role, full_name="Grace Hopper", email_address="grace@example.test"
        )
        consumer.set_resource_link_claim(
            "block-v1:Intervision+INT101+2026+type@lti_consumer+block@practice"
        )
        from lti_consumer.lti_1p3.constants import LTI_1P3_CONTEXT_TYPE

        consumer.set_context_claim(
            "course-v1:Intervision+INT101+2026",
            context_types=[LTI_1P3_CONTEXT_TYPE.course_offering],
            context_title="Intervision 101",
            context_label="INT101",
        )
        consumer.set_launch_presentation_claim(document_target="iframe")
        return consumer

    # --- the OIDC round trip ---------------------------------------------------------------

    def preflight_url(
        self, user_id: str, role: str, message_type: str = RESOURCE_LINK_REQUEST
    ) -> str:
        """The xblock's third-party-initiated login URL (it caches the launch data)."""
        consumer = self._prepared_consumer(user_id, role)
        return str(consumer.prepare_preflight_url(self.launch_data(user_id, role, message_type)))

    def start_login(
        self,
        client: FlaskClient,
        user_id: str = "edx-user-7",
        role: str = "student",
        message_type: str = RESOURCE_LINK_REQUEST,
    ) -> dict[str, str]:
        """Preflight → tool login (cookie check, then redirect) → the auth request's params."""
        url = self.preflight_url(user_id, role, message_type)
        response = client.get(url)
        assert response.status_code == 200, response.status_code  # the cookie-check page
        response = client.get(url + "&lti1p3_new_window=1")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        location = response.headers["Location"]
        assert location.startswith(self.auth_login_url + "?"), location
        return dict(parse_qsl(urlsplit(location).query))

    def answer(self, auth: Mapping[str, str], user_id: str, role: str) -> XBlockLaunch:
        """The xblock's launch gate: validate our auth request, sign the id_token."""
        consumer = self._prepared_consumer(user_id, role)
        answer = consumer.generate_launch_request(dict(auth))
        return XBlockLaunch(dict(auth), str(answer["state"]), str(answer["id_token"]))

    def begin(
        self,
        client: FlaskClient,
        role: str = "student",
        user_id: str = "edx-user-7",
        message_type: str = RESOURCE_LINK_REQUEST,
    ) -> XBlockLaunch:
        auth = self.start_login(client, user_id, role, message_type)
        return self.answer(auth, user_id, role)

    def sign(
        self,
        claims: Mapping[str, Any],
        *,
        private_pem: str | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> str:
        """Re-sign (possibly altered) claims as this platform would: RS256 with its kid."""
        header: dict[str, Any] = {"kid": self.kid}
        header.update(headers or {})
        return jwt.encode(
            dict(claims), private_pem or self.private_pem, algorithm="RS256", headers=header
        )

    def post(
        self,
        client: FlaskClient,
        launch: XBlockLaunch,
        id_token: str | None = None,
        state: str | None = None,
    ) -> TestResponse:
        """The xblock's auto-submitting form: POST id_token and state to the redirect_uri."""
        return client.post(
            launch.auth["redirect_uri"],
            data={"id_token": id_token or launch.id_token, "state": state or launch.state},
        )

    def launch(
        self,
        client: FlaskClient,
        role: str = "student",
        user_id: str = "edx-user-7",
        message_type: str = RESOURCE_LINK_REQUEST,
    ) -> TestResponse:
        return self.post(client, self.begin(client, role, user_id, message_type))

    def verify_deep_linking_response(self, token: str) -> list[dict[str, Any]]:
        """What the xblock's deep-linking return view does with the tool's JWT."""
        items: list[dict[str, Any]] = self.consumer().check_and_decode_deep_linking_token(token)
        return items


def now() -> int:
    return int(time.time())
