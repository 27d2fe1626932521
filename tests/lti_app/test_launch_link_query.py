"""A link whose custom parameters were dropped (Moodle's Common Cartridge 1.1 import keeps
only title, description and launch URL) still opens its activity: the packaged launch URL
names it in its query, and the launch reads it from the signed target link URI."""

from __future__ import annotations

from typing import Any

from lti_app.lti import claims as c
from lti_app.lti.launch import parse_claims

TOOL = "https://tool.example.edu/lti/launch"


def _body(target: str, custom: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"iss": "https://lms.test", "sub": "u1", c.TARGET_LINK_URI: target}
    if custom is not None:
        body[c.CUSTOM] = custom
    return body


def test_the_activity_comes_from_the_target_link_query_when_custom_lacks_it() -> None:
    claims = parse_claims(_body(f"{TOOL}?kind=signup&intervision_ref=kick-off"))
    assert claims.custom == {"kind": "signup", "intervision_ref": "kick-off"}


def test_custom_parameters_win_over_the_query() -> None:
    claims = parse_claims(
        _body(
            f"{TOOL}?kind=signup&intervision_ref=kick-off",
            {"kind": "peer-feedback", "intervision_ref": "troika-round"},
        )
    )
    assert claims.custom == {"kind": "peer-feedback", "intervision_ref": "troika-round"}


def test_only_the_activity_parameters_are_taken_from_the_query() -> None:
    claims = parse_claims(_body(f"{TOOL}?kind=module&intervision_ref=troika&role=admin&x=1"))
    assert set(claims.custom) == {"kind", "intervision_ref"}
    assert parse_claims(_body(TOOL)).custom == {}
    assert parse_claims(_body(f"{TOOL}?intervision_ref=" + "r" * 5000)).custom == {
        "intervision_ref": "r" * 255
    }
