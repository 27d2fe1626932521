"""The LTI Data Privacy Launch: a platform's privacy link opens "Your data in this tool" with
what is stored about the launching person, and a JSON download of all of it; nobody else's."""

from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.support.launches import TOOL, LaunchAs, csrf_token, follow
from tests.support.platforms import LEARNER, Platform

MESSAGE_TYPE = "https://purl.imsglobal.org/spec/lti/claim/message_type"
FOR_USER = "https://purl.imsglobal.org/spec/lti/claim/for_user"
RESOURCE_LINK = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
CONTEXT = "https://purl.imsglobal.org/spec/lti/claim/context"
TROIKA_PAGE = TOOL + "/site/modules/02-troika/"


def _complete_troika(app: Flask, launch_as: LaunchAs, sub: str) -> None:
    client = app.test_client()
    launched = launch_as("learner", client=client, user_id=sub)
    page = client.get(launched.url("/site/modules/02-troika/")).get_data(as_text=True)
    done = client.post(
        f"{TOOL}/modules/troika/done",
        data={"csrf_token": csrf_token(page)},
        headers={"Referer": TROIKA_PAGE, "Origin": TOOL},
    )
    assert done.status_code == 303


def _privacy_launch(client: FlaskClient, platform: Platform, sub: str) -> str:
    """A real OIDC round trip with a DataPrivacyLaunchRequest (no context, no resource
    link, ``for_user`` naming the person), as a platform's privacy link sends it."""
    auth = platform.start_login(client, sub)
    claims = platform.id_token_claims(auth, [LEARNER])
    claims.pop(RESOURCE_LINK, None)
    claims.pop(CONTEXT, None)
    claims[MESSAGE_TYPE] = "DataPrivacyLaunchRequest"
    claims[FOR_USER] = {"user_id": sub}
    response = platform.post_launch(client, auth, platform.sign(claims))
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    page = follow(client, response, TOOL)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_the_privacy_launch_shows_my_data_and_downloads_it(
    app: Flask, client: FlaskClient, platform: Platform, launch_as: LaunchAs
) -> None:
    _complete_troika(app, launch_as, "sub-me")
    _complete_troika(app, launch_as, "sub-someone-else")
    html = _privacy_launch(client, platform, "sub-me")
    assert "<h1>Your data in this tool</h1>" in html
    assert "Modules you marked as done: 1" in html
    assert "<code>sub-me</code>" in html and "sub-someone-else" not in html
    link = re.search(r'href="([^"]+)" download id="download-my-data"', html)
    assert link is not None
    download = client.get(TOOL + link.group(1) if link.group(1).startswith("/") else link.group(1))
    assert download.status_code == 200 and download.mimetype == "application/json"
    data = json.loads(download.get_data(as_text=True))
    assert data["person"]["sub"] == "sub-me"
    assert [row["module_slug"] for row in data["tables"]["module_completion"]] == ["troika"]


def test_someone_with_nothing_stored_is_told_so(client: FlaskClient, platform: Platform) -> None:
    html = _privacy_launch(client, platform, "sub-new")
    assert 'id="no-records"' in html


def test_the_privacy_page_needs_a_launch(client: FlaskClient) -> None:
    assert client.get(TOOL + "/privacy/").status_code == 401
    assert client.get(TOOL + "/privacy/my-data.json").status_code == 401
