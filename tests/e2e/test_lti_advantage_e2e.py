"""LTI Advantage end to end: deep linking verified by a real platform library, and a module
completion that reaches a real platform's gradebook over HTTP.

Platforms: lti1p3platform (launches, deep-link response validation) and the demo LMS built on
it (token endpoint, AGS), both on loopback; the tool is served on 127.0.0.1 as well, because the
platform fetches the tool's JWKS to check the deep-link response and the client assertion.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.registration import Registration as PlatformRegistration

from lti_app.demo_lms.context import EXTENSION_KEY
from tests.support.launches import (
    csrf_token,
    deep_link_settings,
    follow,
    launch,
    registered_platform,
)
from tests.support.platforms import INSTRUCTOR, LEARNER, KeySetServer, Platform
from tests.support.servers import (
    LoopbackServer,
    create_line_item,
    demo_lms,
    recorded_scores,
)
from tests.support.sites import write_site

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config(
    app_config: dict[str, Any], tool_server: LoopbackServer, tmp_path: Path
) -> dict[str, Any]:
    return {
        **app_config,
        "BASE_URL": tool_server.url,
        "SITE_DIR": str(write_site(tmp_path / "site")),
    }


def _platform_conf(platform: Platform, tool_jwks: dict[str, Any]) -> LTI1P3PlatformConfAbstract:
    registration: PlatformRegistration = platform.registration().set_tool_key_set(tool_jwks)

    class Conf(LTI1P3PlatformConfAbstract):  # type: ignore[misc]
        def init_platform_config(self, **kwargs: Any) -> None:
            return None

        def get_registration_by_params(self, **kwargs: Any) -> PlatformRegistration:
            return registration

    conf = Conf()
    conf.get_registration()
    return conf


def test_deep_link_round_trip_is_accepted_by_lti1p3platform(
    app: Flask, served_tool: str, key_server: KeySetServer
) -> None:
    platform = registered_platform(app, key_server)
    client = app.test_client()
    return_url = platform.origin + "/deep-link/return"
    response = launch(
        client, platform, [INSTRUCTOR], deep_link=deep_link_settings(return_url, data="ctx-42")
    )
    form = follow(client, response, served_tool).get_data(as_text=True)
    answer = client.post(
        served_tool + "/deep-linking/",
        data={
            "csrf_token": csrf_token(form),
            "graded": "yes",
            "item": ["module:troika", "peer-feedback:troika-round"],
        },
        headers={"Referer": served_tool + "/deep-linking/"},
    ).get_data(as_text=True)
    assert f'action="{return_url}"' in answer
    token = unescape(re.search(r'name="JWT" value="([^"]+)"', answer).group(1))  # type: ignore[union-attr]

    # The platform side: the tool's key set over HTTP, then lti1p3platform's own validation.
    jwks = requests.get(served_tool + "/.well-known/jwks.json", timeout=5).json()
    conf = _platform_conf(platform, jwks)
    items = conf.validate_deeplinking_resp({"JWT": token})
    assert [(i["type"], i["custom"]["intervision_ref"]) for i in items] == [
        ("ltiResourceLink", "troika"),
        ("ltiResourceLink", "troika-round"),
    ]
    assert items[0]["lineItem"]["scoreMaximum"] == 1

    # Tampering is caught by the same validation (the signature covers the items).
    header, body, signature = token.split(".")
    forged = ".".join([header, body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB"), signature])
    with pytest.raises(Exception):  # noqa: B017 (the library raises PyJWT's or its own errors)
        _platform_conf(platform, jwks).validate_deeplinking_resp({"JWT": forged})


def test_module_completion_reaches_the_demo_lms_gradebook(
    app: Flask,
    served_tool: str,
    key_server: KeySetServer,
    lms_server: LoopbackServer,
    tmp_path: Path,
) -> None:
    lms = demo_lms(lms_server.url, served_tool, tmp_path / "lms")
    lms_server.switchboard.target = lms
    settings = lms.extensions[EXTENSION_KEY].settings
    # Launches come from lti1p3platform; grades go to the demo LMS's token and AGS endpoints
    # under the same client id (one registration, as an LMS admin would enter it).
    platform = registered_platform(
        app, key_server, client_id=settings.client_id, token_url=settings.token_url
    )
    lineitem = create_line_item(lms, "Troika (completion)")
    client = app.test_client()
    response = launch(
        client,
        platform,
        [LEARNER],
        user_id="demo-learner-bram",
        custom={"kind": "module", "intervision_ref": "troika"},
        lineitem=lineitem,
    )
    page = follow(client, response, served_tool).get_data(as_text=True)
    assert "records the completion in your course gradebook" in page
    done = client.post(
        served_tool + "/modules/troika/done",
        data={"csrf_token": csrf_token(page)},
        headers={"Referer": served_tool + "/site/modules/02-troika/"},
    )
    assert done.status_code == 303
    after = follow(client, done, served_tool).get_data(as_text=True)
    assert "Your course gradebook has it." in after
    score = recorded_scores(lms, lineitem)["demo-learner-bram"]
    assert (score["scoreGiven"], score["scoreMaximum"]) == (1.0, 1.0)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
