"""The outbound policy at work in launches and service calls, with real platforms on loopback.

Under a production BASE_URL (https on a public name) the tool fetches nothing from loopback:
a platform's key set there refuses the launch with its own 403 page, until the origin is listed
in ``OUTBOUND_ALLOW``; line item, roster and token URLs off the registration's hosts are refused
before any request. A deep-linking request whose return URL is not on the platform's host is
a clear 400 (development BASE_URL: that rule holds everywhere).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_app.lti.services import ags, nrps
from lti_app.lti.services.http import ServiceError
from lti_app.lti.services.tokens import ServiceClient, TokenCache, service_client
from tests.support.launches import deep_link_settings, launch, registered_platform
from tests.support.platforms import INSTRUCTOR, LEARNER, KeySetServer

PUBLIC = "https://tool.example.org"
SCORE = ags.Score("user-1", 1, 1, "Completed", "FullyGraded", datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def app_config(
    app_config: dict[str, Any], key_server: KeySetServer, request: pytest.FixtureRequest
) -> dict[str, Any]:
    """A production BASE_URL; ``indirect`` param True lists the key server's origin."""
    listed = bool(getattr(request, "param", False))
    origin = f"http://127.0.0.1:{key_server.port}"
    return {**app_config, "BASE_URL": PUBLIC, "OUTBOUND_ALLOW": origin if listed else None}


def test_a_key_set_on_loopback_refuses_the_launch_in_production(
    app: Flask, key_server: KeySetServer
) -> None:
    platform = registered_platform(app, key_server)
    response = platform.launch(app.test_client(), [LEARNER])
    page = response.get_data(as_text=True)
    assert response.status_code == 403, page[:300]
    assert "key set is at an address this tool may not call" in page
    assert "INTERVISION_OUTBOUND_ALLOW" in page and "Reference: <strong>E-" in page
    assert key_server.hits == 0  # refused before connecting


@pytest.mark.parametrize("app_config", [True], indirect=True)
def test_a_listed_origin_launches_in_production(app: Flask, key_server: KeySetServer) -> None:
    platform = registered_platform(app, key_server)
    response = platform.launch(app.test_client(), [LEARNER])
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    assert key_server.hits == 1


def test_service_urls_off_the_registration_are_refused_before_any_request(
    app: Flask, key_server: KeySetServer
) -> None:
    platform = registered_platform(app, key_server)
    tokens = TokenCache()
    with app.app_context():
        client = service_client(platform.issuer, platform.client_id)
        for foreign in ("https://evil.example/lineitems/1", "http://169.254.169.254/x"):
            with pytest.raises(ServiceError, match="AGS line item URL .* not on the platform"):
                ags.post_score(client, foreign, SCORE, timeout=(1, 1), tokens=tokens)
            with pytest.raises(ServiceError, match="NRPS roster URL .* not on the platform") as e:
                nrps.fetch_roster(client, foreign, timeout=(1, 1), tokens=tokens)
            assert not e.value.retryable
    assert tokens.fetches == 0 and key_server.hits == 0


def test_a_token_endpoint_on_loopback_is_refused_in_production(
    app: Flask, key_server: KeySetServer
) -> None:
    """The URLs are on the registration's host (127.0.0.1), so only the address rule stops
    them: a non-retryable refusal, and the listener never sees a request."""
    origin = f"http://127.0.0.1:{key_server.port}"
    client = ServiceClient(origin, "c1", f"{origin}/token")
    with app.app_context(), pytest.raises(ServiceError) as refused:
        ags.post_score(client, f"{origin}/lineitems/1", SCORE, timeout=(1, 1), tokens=TokenCache())
    assert "non-public address 127.0.0.1" in str(refused.value) and not refused.value.retryable
    assert key_server.hits == 0


@pytest.mark.parametrize("app_config", [True], indirect=True)
@pytest.mark.parametrize(
    "return_url",
    [
        "https://localhost.evil.example/return",
        "javascript:alert(document.domain)",
        "/relative/return",
    ],
)
def test_a_deep_link_return_off_the_platform_host_is_a_clear_400(
    app: Flask, client: FlaskClient, key_server: KeySetServer, return_url: str
) -> None:
    platform = registered_platform(app, key_server)
    response = launch(client, platform, [INSTRUCTOR], deep_link=deep_link_settings(return_url))
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:300]
    assert "The platform asked for the selection to go elsewhere" in page
    assert "not on the learning platform" in page and return_url not in page
