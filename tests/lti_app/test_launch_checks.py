"""Claim checks pylti1p3 lacks, and parsing a validated body into typed launch values."""

from __future__ import annotations

from typing import Any

import pytest

from lti_app.domain.roles import Role
from lti_app.lti import claims as c
from lti_app.lti.errors import AudienceMismatch, TargetLinkInvalid, TokenExpired, TokenInvalid
from lti_app.lti.launch import parse_claims
from lti_app.lti.token_checks import (
    check_audience,
    check_target_link_uri,
    check_times,
    client_id_for,
    is_own_endpoint,
)

NOW = 1_800_000_000.0
BASE = "https://tool.test"


def _times(**claims: Any) -> None:
    check_times(claims, NOW, leeway=10, max_age=300)


def test_fresh_token_passes() -> None:
    _times(iat=NOW - 1, exp=NOW + 59)


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        ({"iat": NOW}, TokenInvalid),  # no exp
        ({"exp": NOW + 60}, TokenInvalid),  # no iat
        ({"iat": NOW, "exp": "soon"}, TokenInvalid),
        ({"iat": NOW, "exp": True}, TokenInvalid),
        ({"iat": NOW - 120, "exp": NOW - 11}, TokenExpired),  # expired past leeway
        ({"iat": NOW + 11, "exp": NOW + 70}, TokenExpired),  # from the future
        ({"iat": NOW - 400, "exp": NOW + 600}, TokenExpired),  # too old though unexpired
        ({"iat": NOW, "exp": NOW - 5}, TokenInvalid),  # exp before iat
    ],
)
def test_bad_times_are_refused(claims: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        _times(**claims)


def test_leeway_absorbs_small_skew() -> None:
    _times(iat=NOW + 9, exp=NOW + 69)
    _times(iat=NOW - 70, exp=NOW - 9)


def test_audience_rules() -> None:
    check_audience({"aud": "me"}, "me")
    check_audience({"aud": ["other", "me"], "azp": "me"}, "me")
    for body in (
        {"aud": "other"},
        {"aud": ["me", "other"]},  # several audiences, no azp
        {"aud": ["me", "other"], "azp": "other"},
        {"aud": "me", "azp": "other"},
        {},
        {"aud": 5},
    ):
        with pytest.raises(AudienceMismatch):
            check_audience(body, "me")


def test_client_id_prefers_azp_then_a_known_audience() -> None:
    assert client_id_for({"aud": ["x", "me"], "azp": "me"}, []) == "me"
    assert client_id_for({"aud": ["x", "me"]}, ["me"]) == "me"


@pytest.mark.parametrize(
    ("uri", "own"),
    [
        (f"{BASE}/lti/launch", True),
        (f"{BASE}/modules/03", True),
        ("https://evil.example/lti/launch", False),
        ("http://tool.test/lti/launch", False),  # scheme downgrade
        ("https://tool.test.evil.example/lti/launch", False),
        (f"{BASE}/lti/launch#frag", False),
        (f"{BASE}/../x", False),
    ],
)
def test_own_endpoints(uri: str, own: bool) -> None:
    assert is_own_endpoint(uri, BASE) is own


def test_target_link_uri_must_match_login_and_be_ours() -> None:
    def ours(uri: str) -> bool:
        return is_own_endpoint(uri, BASE)

    launch = f"{BASE}/lti/launch"
    check_target_link_uri({c.TARGET_LINK_URI: launch}, launch, ours)
    with pytest.raises(TargetLinkInvalid):
        check_target_link_uri({c.TARGET_LINK_URI: f"{BASE}/other"}, launch, ours)
    with pytest.raises(TargetLinkInvalid):
        evil = "https://evil.example/"
        check_target_link_uri({c.TARGET_LINK_URI: evil}, evil, ours)
    with pytest.raises(TargetLinkInvalid):
        check_target_link_uri({}, launch, ours)


def test_parse_claims_reads_services_and_custom_params() -> None:
    body = {
        "iss": "https://lms.test",
        "aud": "client-1",
        "sub": "u1",
        "name": "Ada",
        c.DEPLOYMENT_ID: "d1",
        c.MESSAGE_TYPE: c.RESOURCE_LINK_REQUEST,
        c.ROLES: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
        c.CONTEXT: {"id": "ctx", "title": "Course", "label": "C1"},
        c.RESOURCE_LINK: {"id": "rl", "title": "Sign-up"},
        c.CUSTOM: {"kind": "signup", "n": 3, "bad": {"x": 1}},
        c.AGS_ENDPOINT: {"scope": ["s1"], "lineitems": "https://lms.test/li"},
        c.NRPS: {"context_memberships_url": "https://lms.test/m"},
    }
    parsed = parse_claims(body)
    assert parsed.client_id == "client-1"
    assert parsed.role is Role.INSTRUCTOR
    assert parsed.context_id == "ctx" and parsed.context_label == "C1"
    assert parsed.resource_link is not None and parsed.resource_link.title == "Sign-up"
    assert dict(parsed.custom) == {"kind": "signup", "n": "3"}
    assert parsed.ags is not None and parsed.ags.lineitems_url == "https://lms.test/li"
    assert parsed.ags.lineitem_url is None
    assert parsed.nrps is not None and parsed.deep_link is None
    with pytest.raises(TypeError):
        parsed.custom["kind"] = "x"  # type: ignore[index]


def test_parse_claims_without_context_or_roles() -> None:
    parsed = parse_claims({"iss": "i", "aud": ["a", "b"], "azp": "b", "sub": "s"})
    assert parsed.client_id == "b"
    assert parsed.context_id is None
    assert parsed.role is Role.GUEST
