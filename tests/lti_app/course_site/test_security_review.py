"""Regression tests for findings of the pre-release security review of the LTI tool.

Each test failed before its fix: personal pages could be stored by browser and proxy caches;
the deep-linking response lived longer than the 60-300 s the research recommends. The
deep-linking tests start from ``launch_as``; the personal-data test from a real round trip.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.support.launches import (
    FORM_HEADERS,
    TOOL,
    LaunchAs,
    csrf_token,
    deep_link_settings,
    follow,
    launch,
    returned_jwt,
)
from tests.support.platforms import LEARNER, Platform


def _no_store(response: Any) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_pages_with_personal_data_are_never_stored_by_caches(
    client: FlaskClient, platform: Platform
) -> None:
    """Names, roles, progress, CSRF tokens and signed deep-link JWTs must not be kept by a
    shared proxy or the browser's disk cache (a shared computer in a training room)."""
    landed = launch(client, platform, [LEARNER])
    course_home = follow(client, landed, TOOL)
    assert course_home.status_code == 200 and "Ada Lovelace" in course_home.text
    pages = {
        "course home": course_home,
        "landing": client.get(TOOL + "/lti/home"),
        "activity": client.get(TOOL + "/activities/s1"),
        "error page": client.get(TOOL + "/deep-linking/"),  # 403: a learner
    }
    for name, response in pages.items():
        assert _no_store(response), f"{name}: Cache-Control {response.headers.get('Cache-Control')}"


def test_deep_linking_picker_and_signed_response_are_not_cached(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    landed = launch_as("instructor", deep_link=deep_link_settings())
    picker = client.get(landed.url("/deep-linking/"))
    assert picker.status_code == 200 and _no_store(picker)
    answer = client.post(
        TOOL + "/deep-linking/",
        headers=FORM_HEADERS,
        data={"csrf_token": csrf_token(picker.text), "item": "module:troika"},
    )
    assert answer.status_code == 200 and 'name="JWT"' in answer.text
    assert _no_store(answer)


def test_public_assets_keep_their_own_cache_policy(client: FlaskClient) -> None:
    """The default applies only where a view chose nothing: the key set stays cacheable."""
    assert client.get(TOOL + "/.well-known/jwks.json").headers["Cache-Control"] == (
        "public, max-age=300"
    )
    asset = client.get(TOOL + "/site/assets/site.css")
    asset.close()
    assert "max-age=3600" in asset.headers["Cache-Control"]


def test_deep_linking_response_lives_at_most_five_minutes(
    client: FlaskClient, platform: Platform, launch_as: LaunchAs
) -> None:
    landed = launch_as("instructor", deep_link=deep_link_settings())
    picker = client.get(landed.url("/deep-linking/"))
    answer = client.post(
        TOOL + "/deep-linking/",
        headers=FORM_HEADERS,
        data={"csrf_token": csrf_token(picker.text), "item": "module:troika"},
    )
    body = returned_jwt(answer.text)
    assert 60 <= body["exp"] - body["iat"] <= 300
    assert body["aud"] == platform.issuer and body["iss"] == platform.client_id
