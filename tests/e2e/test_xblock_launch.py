"""End-to-end launches from Open edX's ``lti-consumer-xblock``, honest and hostile.

A second platform implementation, independent of ``lti1p3platform``: different claim shapes
(``aud`` plus ``azp``, 1 h token life, edX role vocabulary, no resource link in deep-linking
requests). Every hostile launch is refused with a 4xx page carrying a reference id, never a 500,
and leaves no launch in the session.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_app.storage import db, registrations_repo
from tests.support.refusals import HOME, REFERENCE, TOOL, assert_refused
from tests.support.xblock_platform import (
    DEEP_LINKING_REQUEST,
    LoopbackJsonServer,
    XBlockPlatform,
    new_private_key_pem,
    now,
    running_json_server,
)

pytestmark = pytest.mark.e2e
TARGET_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """catalogue.json written from the real content/ by the site builder (deep linking reads it)."""
    from site_builder.course.loader import load_course
    from site_builder.export.catalogue import write_catalogue

    site = tmp_path / "site"
    write_catalogue(load_course(REPO_ROOT / "content"), site, datetime.now(UTC))
    return site


@pytest.fixture
def app_config(app_config: dict[str, Any], site_dir: Path) -> dict[str, Any]:
    """The suite's settings, with the built catalogue and key-set fetches that give up fast."""
    return {**app_config, "SITE_DIR": str(site_dir), "LTI_JWKS_TIMEOUT": (0.5, 0.5)}


@pytest.fixture
def json_server() -> Iterator[LoopbackJsonServer]:
    with running_json_server() as server:
        yield server


@pytest.fixture
def edx(app: Flask, json_server: LoopbackJsonServer) -> XBlockPlatform:
    """The xblock platform, registered in the tool's database like an admin would."""
    platform = XBlockPlatform(
        issuer=f"http://localhost:{json_server.port}",
        client_id="edx-intervision-client",
        deployment_id="1",
        tool_base_url=TOOL,
        server=json_server,
    )
    with app.app_context(), db.transaction() as session:
        registrations_repo.add_registration(
            session,
            issuer=platform.issuer,
            client_id=platform.client_id,
            auth_login_url=platform.auth_login_url,
            auth_token_url=platform.auth_token_url,
            jwks_url=platform.jwks_url,
            deployment_ids=[platform.deployment_id],
            frame_origins=[platform.origin],
        )
    return platform


# --- honest launches -------------------------------------------------------------------------


def test_instructor_launch_lands_as_a_trainer_in_the_edx_course(
    client: FlaskClient, edx: XBlockPlatform
) -> None:
    # edX sends its course "instructor" as membership#Administrator: a trainer for the tool.
    launch = edx.begin(client, role="instructor")
    assert (
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator"
        in (launch.claims()[ROLES_CLAIM])
    )
    response = edx.post(client, launch)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith("/course/")  # plain course link: course home
    page = client.get(HOME)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Launched as <strong>administrator</strong>" in text
    assert "Intervision 101" in text
    assert f"frame-ancestors 'self' {edx.origin}" in page.headers["Content-Security-Policy"]


def test_staff_launch_is_an_instructor_too(client: FlaskClient, edx: XBlockPlatform) -> None:
    assert edx.launch(client, role="staff").status_code == 303
    assert "Launched as <strong>instructor</strong>" in client.get(HOME).get_data(as_text=True)


def test_learner_launch_lands_as_learner(client: FlaskClient, edx: XBlockPlatform) -> None:
    launch = edx.begin(client, role="student")
    # edX adds system/institution roles "#None" beside the membership role; only the latter counts.
    assert sorted(launch.claims()[ROLES_CLAIM]) == [
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#None",
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
        "http://purl.imsglobal.org/vocab/lis/v2/system/person#None",
    ]
    assert edx.post(client, launch).status_code == 303
    assert "Launched as <strong>learner</strong>" in client.get(HOME).get_data(as_text=True)


def test_xblock_tokens_are_fetched_once_then_served_from_the_key_cache(
    client: FlaskClient, edx: XBlockPlatform
) -> None:
    for role in ("student", "instructor", "student"):
        assert edx.launch(client, role=role).status_code == 303
    assert edx.server.hits[edx.PLATFORM_JWKS] == 1


def test_the_auth_request_satisfies_the_xblock_preflight_checks(
    client: FlaskClient, edx: XBlockPlatform
) -> None:
    auth = edx.start_login(client)
    assert auth["redirect_uri"] == f"{TOOL}/lti/launch"
    assert auth["client_id"] == edx.client_id
    assert auth["response_type"] == "id_token" and auth["response_mode"] == "form_post"
    assert auth["scope"] == "openid" and auth["prompt"] == "none"
    assert auth["lti_message_hint"]  # echoed: the xblock finds its cached launch data by it


# --- deep linking round trip -----------------------------------------------------------------


def _form_value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert found, f"no {name} field in: {page[:500]}"
    return found.group(1)


def _choose_first_module(client: FlaskClient) -> str:
    """Open the tool's chooser as the deep-linked instructor and pick the first module."""
    chooser = client.get(TOOL + "/deep-linking/")
    assert chooser.status_code == 200, chooser.get_data(as_text=True)[:500]
    page = chooser.get_data(as_text=True)
    module = re.search(r'name="item"[^>]*value="(module:[a-z0-9-]+)"', page)
    assert module, page[:800]
    answer = client.post(
        TOOL + "/deep-linking/",
        data={
            "csrf_token": _form_value(page, "csrf_token"),
            "item": module.group(1),
            "graded": "yes",
        },
        headers={"Referer": TOOL + "/deep-linking/", "Origin": TOOL},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:800]
    return answer.get_data(as_text=True)


def test_deep_linking_response_is_accepted_by_the_xblock(
    client: FlaskClient, edx: XBlockPlatform
) -> None:
    launch = edx.begin(client, role="instructor", message_type=DEEP_LINKING_REQUEST)
    claims = launch.claims()
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == DEEP_LINKING_REQUEST
    assert "https://purl.imsglobal.org/spec/lti/claim/resource_link" not in claims
    response = edx.post(client, launch)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith("/deep-linking/")

    page = _choose_first_module(client)
    assert f'action="{edx.deep_link_return_url}"' in page
    token = _form_value(page, "JWT")
    edx.publish_tool_keys(client.get(TOOL + "/.well-known/jwks.json").get_json())

    items = edx.verify_deep_linking_response(token)  # signature checked against our JWKS
    assert edx.server.hits[edx.TOOL_JWKS] == 1
    assert len(items) == 1
    item = items[0]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == f"{TOOL}/lti/launch"
    assert item["custom"]["kind"] == "module"
    assert item["lineItem"]["scoreMaximum"] == 1
    body = jwt.decode(token, options={"verify_signature": False})
    assert body["iss"] == edx.client_id and body["aud"] == edx.issuer
    assert body[DEPLOYMENT_CLAIM] == edx.deployment_id
    assert 0 < body["exp"] - body["iat"] <= 600


def test_xblock_rejects_a_deep_linking_response_not_signed_by_the_tool(
    client: FlaskClient, edx: XBlockPlatform
) -> None:
    edx.post(client, edx.begin(client, role="instructor", message_type=DEEP_LINKING_REQUEST))
    token = _form_value(_choose_first_module(client), "JWT")
    edx.publish_tool_keys(client.get(TOOL + "/.well-known/jwks.json").get_json())
    header = jwt.get_unverified_header(token)
    forged = jwt.encode(
        jwt.decode(token, options={"verify_signature": False}),
        new_private_key_pem(),
        algorithm="RS256",
        headers={"kid": header["kid"]},
    )
    with pytest.raises(jwt.InvalidSignatureError):
        edx.verify_deep_linking_response(forged)


def test_learner_cannot_reach_the_deep_linking_chooser(
    client: FlaskClient, edx: XBlockPlatform
) -> None:
    # The launch itself is valid (the platform chose to send it); picking content is not allowed.
    response = edx.launch(client, role="student", message_type=DEEP_LINKING_REQUEST)
    assert response.status_code == 303
    chooser = client.get(TOOL + "/deep-linking/")
    assert chooser.status_code == 403
    assert REFERENCE.search(chooser.get_data(as_text=True))
    assert client.post(TOOL + "/deep-linking/", data={"item": "module:x"}).status_code in (400, 403)


# --- hostile launches: the real xblock id_token, altered and re-signed ------------------------


def _hostile(client: FlaskClient, edx: XBlockPlatform, **changes: Any) -> TestResponse:
    launch = edx.begin(client, role="instructor")
    claims = launch.claims()
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return edx.post(client, launch, edx.sign(claims))


def test_re_signed_unaltered_token_is_accepted(client: FlaskClient, edx: XBlockPlatform) -> None:
    """Control: the re-signing path itself yields a valid launch, so refusals below are real."""
    assert _hostile(client, edx).status_code == 303


def test_tampered_signature_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    launch = edx.begin(client, role="student")
    header, body, signature = launch.id_token.split(".")
    forged_body = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(body).replace(b"#Learner", b"#Instructor")
    ).decode()
    assert forged_body != body
    assert_refused(edx.post(client, launch, f"{header}.{forged_body}.{signature}"), client)


def test_token_signed_by_a_foreign_key_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    launch = edx.begin(client, role="instructor")
    forged = edx.sign(launch.claims(), private_pem=new_private_key_pem())
    assert_refused(edx.post(client, launch, forged), client)


def test_alg_none_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    launch = edx.begin(client, role="instructor")
    unsigned = jwt.encode(launch.claims(), "", algorithm="none", headers={"kid": edx.kid})
    assert_refused(edx.post(client, launch, unsigned), client)


def test_expired_token_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    issued = now() - 3700  # an xblock token lives 3600 s
    page = assert_refused(_hostile(client, edx, iat=issued, exp=issued + 3600), client)
    assert "expired" in page


def test_token_without_exp_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    assert_refused(_hostile(client, edx, exp=None), client)


def test_future_iat_beyond_the_leeway_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    issued = now() + 60
    assert_refused(_hostile(client, edx, iat=issued, exp=issued + 3600), client)


def test_old_iat_beyond_the_max_age_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    # exp still valid (xblock tokens live an hour), but the tool accepts at most 300 s of age.
    issued = now() - 1800
    assert_refused(_hostile(client, edx, iat=issued, exp=issued + 3600), client)


def test_replay_in_the_same_browser_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    launch = edx.begin(client, role="instructor")
    assert edx.post(client, launch).status_code == 303
    page = assert_refused(edx.post(client, launch), client)
    assert "already used" in page


def test_replay_from_another_browser_is_refused(app: Flask, edx: XBlockPlatform) -> None:
    victim = app.test_client()
    launch = edx.begin(victim, role="instructor")
    assert edx.post(victim, launch).status_code == 303
    attacker = app.test_client()
    assert_refused(edx.post(attacker, launch), attacker)


def test_wrong_audience_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    response = _hostile(client, edx, aud="another-tool", azp="another-tool")
    assert_refused(response, client, status=403)


def test_audience_list_without_azp_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    response = _hostile(client, edx, aud=[edx.client_id, "another-tool"], azp=None)
    assert_refused(response, client, status=403)


def test_azp_naming_another_client_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    # The xblock always sends azp; an azp that is not us means the token was for someone else.
    assert_refused(_hostile(client, edx, azp="another-tool"), client, status=403)


def test_unknown_deployment_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    assert_refused(_hostile(client, edx, **{DEPLOYMENT_CLAIM: "999"}), client, status=403)


def test_wrong_nonce_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    assert_refused(_hostile(client, edx, nonce="not-the-issued-nonce"), client)


def test_forged_state_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    launch = edx.begin(client, role="instructor")
    client.set_cookie("lti1p3-state-forged", "whatever", domain="tool.test", path="/lti/")
    assert_refused(edx.post(client, launch, state="state-forged"), client)


def test_foreign_target_link_uri_is_refused(client: FlaskClient, edx: XBlockPlatform) -> None:
    response = _hostile(client, edx, **{TARGET_CLAIM: "https://evil.example/steal"})
    assert_refused(response, client)


def test_unknown_kids_are_refused_without_hammering_the_key_set(
    client: FlaskClient, edx: XBlockPlatform
) -> None:
    assert edx.launch(client, role="student").status_code == 303  # warms the key cache
    for attempt in range(3):
        launch = edx.begin(client, role="instructor")
        forged = edx.sign(
            launch.claims(), private_pem=new_private_key_pem(), headers={"kid": f"spray-{attempt}"}
        )
        assert_refused(edx.post(client, launch, forged), client)
    # Refetch on an unknown kid is rate-limited (LTI_JWKS_REFETCH_INTERVAL, 60 s by default).
    assert edx.server.hits[edx.PLATFORM_JWKS] == 1
