"""Deep linking: the instructor's choice form and the signed response.

The form tests start from a deep-linking launch written through the tool's storage
(``launch_as``); the real OIDC round trip opens the form in
``test_form_lists_catalogue_items_accessibly``, refuses a placement without resource links and
sends a learner to a 403.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_app.lti.deep_linking import (
    CONTENT_ITEMS,
    DATA,
    DeepLinkingNotPossible,
    check_settings,
)
from lti_app.lti.launch import DeepLinkSettings
from tests.support.deep_linking_form import open_deep_linking_form
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
from tests.support.platforms import INSTRUCTOR, LEARNER, Platform


def test_form_lists_catalogue_items_accessibly(client: FlaskClient, platform: Platform) -> None:
    response = launch(client, platform, [INSTRUCTOR], deep_link=deep_link_settings())
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert re.fullmatch(r"/launch/[^/]+/deep-linking/", response.headers["Location"])
    opened = follow(client, response, TOOL)
    assert opened.status_code == 200
    page = opened.get_data(as_text=True)
    for value in (
        "module:what-is-intervision",
        "module:troika",
        "signup:kick-off",
        "peer-feedback:troika-round",
    ):
        assert f'value="{value}"' in page
    assert 'type="checkbox" name="item"' in page  # accept_multiple: checkboxes
    assert "02. Troika &lt;in practice&gt;" in page  # catalogue text is escaped
    labels = re.findall(r'<label for="([^"]+)"', page)
    assert all(f'id="{label}"' in page for label in labels) and len(labels) == 5
    assert page.count("<legend>") == 4


def test_single_choice_platform_gets_radio_buttons(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    page = open_deep_linking_form(client, launch_as, accept_multiple=False)
    assert 'type="radio" name="item"' in page


def test_chosen_items_are_returned_signed_with_line_items_and_data(
    client: FlaskClient, platform: Platform, launch_as: LaunchAs
) -> None:
    page = open_deep_linking_form(client, launch_as)
    response = client.post(
        TOOL + "/deep-linking/",
        headers=FORM_HEADERS,
        data={
            "csrf_token": csrf_token(page),
            "graded": "yes",
            "item": ["module:troika", "signup:kick-off", "peer-feedback:troika-round"],
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'action="https://localhost/deep-link/return"' in html
    nonce = re.search(r'<script nonce="([^"]+)"', html)
    assert nonce and f"'nonce-{nonce.group(1)}'" in response.headers["Content-Security-Policy"]
    claims = returned_jwt(html)
    assert claims["iss"] == platform.client_id and claims["aud"] == platform.issuer
    assert claims[DATA] == "opaque-platform-data"
    items = claims[CONTENT_ITEMS]
    assert [item["custom"] for item in items] == [
        {"kind": "module", "intervision_ref": "troika"},
        {"kind": "signup", "intervision_ref": "kick-off"},
        {"kind": "peer-feedback", "intervision_ref": "troika-round"},
    ]
    assert all(item["type"] == "ltiResourceLink" for item in items)
    assert all(item["url"] == TOOL + "/lti/launch" for item in items)
    assert items[0]["lineItem"] == {
        "scoreMaximum": 1,
        "label": "02. Troika <in practice> (completion)",
        "resourceId": "module:troika",
        "tag": "intervision-module",
    }
    assert items[1]["lineItem"]["label"] == "Kick-off session (attendance)"


def test_ungraded_choice_has_no_line_item_and_no_data_when_none_was_sent(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    page = open_deep_linking_form(client, launch_as, data=None)
    response = client.post(
        TOOL + "/deep-linking/",
        headers=FORM_HEADERS,
        data={"csrf_token": csrf_token(page), "item": "module:troika"},
    )
    claims = returned_jwt(response.get_data(as_text=True))
    assert DATA not in claims
    assert "lineItem" not in claims[CONTENT_ITEMS][0]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Choose at least one"),
        ({"item": ["module:troika", "module:what-is-intervision"]}, "one item at a time"),
        ({"item": "module:no-such-module"}, "no longer in the course catalogue"),
    ],
)
def test_bad_choices_are_explained(
    client: FlaskClient, launch_as: LaunchAs, form: dict[str, Any], message: str
) -> None:
    page = open_deep_linking_form(client, launch_as, accept_multiple=False)
    response = client.post(
        TOOL + "/deep-linking/", headers=FORM_HEADERS, data={"csrf_token": csrf_token(page), **form}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'role="alert"' in html and 'name="JWT"' not in html


def test_post_without_csrf_token_is_refused(client: FlaskClient, launch_as: LaunchAs) -> None:
    open_deep_linking_form(client, launch_as)
    response = client.post(
        TOOL + "/deep-linking/", headers=FORM_HEADERS, data={"item": "module:troika"}
    )
    assert response.status_code == 400
    assert 'name="JWT"' not in response.get_data(as_text=True)


def test_placement_that_accepts_no_resource_links_is_refused_clearly(
    client: FlaskClient, platform: Platform
) -> None:
    """pylti1p3 already refuses such a launch (a 4xx page); our own check says why too."""
    response = launch(
        client, platform, [INSTRUCTOR], deep_link=deep_link_settings(accept_types=["file", "html"])
    )
    assert response.status_code == 400
    with pytest.raises(DeepLinkingNotPossible, match="accepts only: file, html"):
        check_settings(DeepLinkSettings("https://lms.test/return", ("file", "html"), True, None))


def test_learners_cannot_add_items(client: FlaskClient, platform: Platform) -> None:
    response = launch(client, platform, [LEARNER], deep_link=deep_link_settings())
    assert follow(client, response, TOOL).status_code == 403


def test_missing_catalogue_is_a_friendly_503(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    app.config["SITE_DIR"] = str(Path(app.instance_path) / "nowhere")
    launched = launch_as("instructor", deep_link=deep_link_settings())
    page = client.get(launched.url("/deep-linking/"))
    assert page.status_code == 503
    assert "INTERVISION_SITE_DIR" in page.get_data(as_text=True)
