"""End-to-end launches from a real ``lti1p3platform`` platform, honest and hostile.

Every hostile launch must be refused with a 4xx page carrying a reference id (never a 500, never
a session); the JWKS comes over real HTTP from a loopback server.
"""

from __future__ import annotations

import re
import time
from typing import Any

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support import state_scenarios
from tests.support.launches import registered_platform
from tests.support.platforms import (
    INSTRUCTOR,
    LEARNER,
    KeySetServer,
    Platform,
    new_private_key_pem,
)
from tests.support.refusals import HOME, TOOL, assert_refused
from tests.support.state_scenarios import hostile_launch

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("refusal_log")]
TARGET_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The suite's settings, with key-set fetches that give up and refetch at once."""
    return {**app_config, "LTI_JWKS_TIMEOUT": (0.5, 0.5), "LTI_JWKS_REFETCH_INTERVAL": 0}


@pytest.fixture
def platform(app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(app, key_server)


def test_instructor_launch_lands_with_role_and_course(
    client: FlaskClient, platform: Platform
) -> None:
    response = platform.launch(client, [INSTRUCTOR])
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/course/")  # plain course link: course home
    page = client.get(HOME)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Launched as <strong>instructor</strong>" in text
    assert "Intervision 101" in text
    assert f"frame-ancestors 'self' {platform.origin}" in page.headers["Content-Security-Policy"]
    with client.session_transaction(TOOL + "/") as session:
        assert set(session.keys()) - {"_permanent"} == {"lti_launches"}


def test_learner_launch_and_learner_sub_role_stay_learners(
    client: FlaskClient, platform: Platform
) -> None:
    sub_role = "http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#Instructor"
    assert platform.launch(client, [LEARNER, sub_role]).status_code == 303
    assert "Launched as <strong>learner</strong>" in client.get(HOME).get_data(as_text=True)


def test_session_cookie_is_fit_for_the_lms_iframe(client: FlaskClient, platform: Platform) -> None:
    response = platform.launch(client, [LEARNER])
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-"))
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned", "Path=/"):
        assert attribute in cookie


def test_login_sets_a_partitioned_cross_site_state_cookie(
    client: FlaskClient, platform: Platform
) -> None:
    url = platform.login_initiation_url("user-1") + "&lti1p3_new_window=1"
    response = client.get(url)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lti1p3-"))
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned", "Path=/lti/"):
        assert attribute in cookie


def test_cookie_check_page_offers_a_new_window(client: FlaskClient, platform: Platform) -> None:
    response = client.post(TOOL + "/lti/login", data=_login_form(platform))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'target="_blank"' in page and "lti1p3_new_window=1" in page
    nonce = re.search(r'<script nonce="([^"]+)"', page)
    assert nonce and f"'nonce-{nonce.group(1)}'" in response.headers["Content-Security-Policy"]


def _login_form(platform: Platform) -> dict[str, str]:
    return {
        "iss": platform.issuer,
        "login_hint": "user-1",
        "target_link_uri": "https://tool.test/lti/launch",
        "client_id": platform.client_id,
    }


# --- hostile launches -----------------------------------------------------------------------


def test_tampered_signature_is_refused(client: FlaskClient, platform: Platform) -> None:
    auth = platform.start_login(client)
    token = platform.sign(platform.id_token_claims(auth, [LEARNER]))
    header, body, signature = token.split(".")
    forged_body = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(body).replace(b"Learner", b"Instructor")
    ).decode()
    assert_refused(
        platform.post_launch(client, auth, f"{header}.{forged_body}.{signature}"),
        client,
        reason="TokenInvalid",
    )


def test_foreign_key_is_refused(client: FlaskClient, platform: Platform) -> None:
    auth = platform.start_login(client)
    claims = platform.id_token_claims(auth, [INSTRUCTOR])
    forged = platform.sign(claims, private_pem=new_private_key_pem(), headers={"kid": platform.kid})
    assert_refused(platform.post_launch(client, auth, forged), client, reason="TokenInvalid")


def test_alg_none_is_refused(client: FlaskClient, platform: Platform) -> None:
    auth = platform.start_login(client)
    claims = platform.id_token_claims(auth, [INSTRUCTOR])
    unsigned = jwt.encode(claims, "", algorithm="none", headers={"kid": platform.kid})
    assert_refused(platform.post_launch(client, auth, unsigned), client, reason="TokenInvalid")


def test_expired_token_is_refused(client: FlaskClient, platform: Platform) -> None:
    now = int(time.time())
    page = assert_refused(
        hostile_launch(client, platform, iat=now - 120, exp=now - 60), client, reason="TokenExpired"
    )
    assert "expired" in page


def test_token_without_exp_is_refused(client: FlaskClient, platform: Platform) -> None:
    assert_refused(hostile_launch(client, platform, exp=None), client, reason="TokenInvalid")


def test_token_without_iat_is_refused(client: FlaskClient, platform: Platform) -> None:
    assert_refused(hostile_launch(client, platform, iat=None), client, reason="TokenInvalid")


def test_future_iat_past_the_leeway_is_refused(client: FlaskClient, platform: Platform) -> None:
    now = int(time.time())
    assert_refused(
        hostile_launch(client, platform, iat=now + 60, exp=now + 360), client, reason="TokenExpired"
    )


def test_small_clock_skew_is_tolerated(client: FlaskClient, platform: Platform) -> None:
    now = int(time.time())
    response = hostile_launch(client, platform, iat=now + 5, exp=now + 65)
    assert response.status_code == 303


def test_replay_in_the_same_browser_is_refused(client: FlaskClient, platform: Platform) -> None:
    state_scenarios.replay_in_the_same_browser_is_refused(client, platform)


def test_replay_from_another_client_is_refused(app: Flask, platform: Platform) -> None:
    state_scenarios.replay_from_another_client_is_refused(app, platform)


def test_stolen_token_before_use_needs_the_victims_browser(app: Flask, platform: Platform) -> None:
    state_scenarios.stolen_token_before_use_needs_the_victims_browser(app, platform)


def test_wrong_audience_is_refused(client: FlaskClient, platform: Platform) -> None:
    assert_refused(
        hostile_launch(client, platform, aud="another-tool", azp=None),
        client,
        status=403,
        reason="AudienceMismatch",
    )


def test_audience_list_without_azp_is_refused(client: FlaskClient, platform: Platform) -> None:
    response = hostile_launch(client, platform, aud=[platform.client_id, "another-tool"], azp=None)
    assert_refused(response, client, status=403, reason="AudienceMismatch")


def test_audience_list_with_foreign_azp_is_refused(client: FlaskClient, platform: Platform) -> None:
    response = hostile_launch(client, platform, aud=[platform.client_id, "x"], azp="x")
    assert_refused(response, client, status=403, reason="AudienceMismatch")


def test_audience_list_naming_us_second_with_azp_is_accepted(
    client: FlaskClient, platform: Platform
) -> None:
    response = hostile_launch(client, platform, aud=["another-tool", platform.client_id])
    assert response.status_code == 303


def test_unknown_deployment_is_refused(client: FlaskClient, platform: Platform) -> None:
    assert_refused(
        hostile_launch(client, platform, **{DEPLOYMENT_CLAIM: "other"}),
        client,
        status=403,
        reason="UnknownDeployment",
    )


def test_wrong_nonce_is_refused(client: FlaskClient, platform: Platform) -> None:
    state_scenarios.wrong_nonce_is_refused(client, platform)


def test_forged_state_is_refused(client: FlaskClient, platform: Platform) -> None:
    state_scenarios.forged_state_is_refused(client, platform)


def test_foreign_target_link_uri_is_refused(client: FlaskClient, platform: Platform) -> None:
    response = hostile_launch(client, platform, **{TARGET_CLAIM: "https://evil.example/steal"})
    assert_refused(response, client, reason="TargetLinkInvalid")


def test_login_to_a_foreign_target_link_uri_is_refused(
    client: FlaskClient, platform: Platform
) -> None:
    form = {
        **_login_form(platform),
        "target_link_uri": "https://evil.example/",
        "lti1p3_new_window": "1",
    }
    assert_refused(client.post(TOOL + "/lti/login", data=form), client, reason="TargetLinkInvalid")


def test_login_from_an_unknown_platform_is_refused(client: FlaskClient, platform: Platform) -> None:
    form = {**_login_form(platform), "iss": "https://unknown.example"}
    assert_refused(
        client.post(TOOL + "/lti/login", data=form), client, status=403, reason="UnknownPlatform"
    )


def test_launch_without_token_is_refused(client: FlaskClient, platform: Platform) -> None:
    assert_refused(client.post(TOOL + "/lti/launch", data={}), client, reason="StateInvalid")


# --- platform keys ---------------------------------------------------------------------------


def test_key_rotation_refetches_the_key_set_once(client: FlaskClient, platform: Platform) -> None:
    assert platform.launch(client, [LEARNER]).status_code == 303
    assert platform.launch(client, [LEARNER]).status_code == 303
    assert platform.key_server.hits == 1  # cached
    platform.rotate_key()
    assert platform.launch(client, [INSTRUCTOR]).status_code == 303
    assert platform.key_server.hits == 2  # unknown kid: refetched once


def test_hanging_key_set_gives_a_friendly_503_quickly(
    client: FlaskClient, platform: Platform
) -> None:
    platform.key_server.hang.set()
    auth = platform.start_login(client)
    token = platform.real_id_token(auth, [INSTRUCTOR])
    started = time.monotonic()
    response = platform.post_launch(client, auth, token)
    elapsed = time.monotonic() - started
    platform.key_server.release.set()
    assert response.status_code == 503
    assert "did not answer in time" in response.get_data(as_text=True)
    assert elapsed < 3, elapsed


def test_hs256_signed_with_the_public_key_is_refused(
    client: FlaskClient, platform: Platform
) -> None:
    """Algorithm confusion: an HMAC 'signature' keyed with the platform's public PEM."""
    import hashlib
    import hmac
    import json

    from tests.support.platforms import public_pem_of

    auth = platform.start_login(client)
    claims = platform.id_token_claims(auth, [INSTRUCTOR])

    def b64(data: bytes) -> str:
        return jwt.utils.base64url_encode(data).decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": platform.kid}).encode())
    body = b64(json.dumps(claims).encode())
    secret = public_pem_of(platform.private_pem).encode()
    signature = b64(hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest())
    assert_refused(
        platform.post_launch(client, auth, f"{header}.{body}.{signature}"),
        client,
        reason="TokenInvalid",
    )


def test_token_without_sub_is_refused(client: FlaskClient, platform: Platform) -> None:
    assert_refused(hostile_launch(client, platform, sub=None), client, reason="TokenInvalid")
