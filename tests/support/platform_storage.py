"""Platform Storage logins through the Flask client: what the tool's pages carry, and the posts
the tool's own launch page makes (``lti_app/lti/platform_storage.py``)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_app.lti.platform_storage import SECRET_FIELD
from tests.support.platforms import Platform

DATA_ATTRIBUTE = re.compile(r'data-([a-z-]+)="([^"]*)"')


def storage_box(page: str) -> dict[str, str]:
    """The ``data-*`` attributes of the page's ``#lti-platform-storage`` element, unescaped."""
    start = page.index('id="lti-platform-storage"')
    tag = page[start : page.index(">", start)]
    return {name: html.unescape(value) for name, value in DATA_ATTRIBUTE.findall(tag)}


@dataclass(frozen=True)
class StorageLogin:
    """What the login page hands the browser: the put_data message and where to go next."""

    box: dict[str, str]
    auth: dict[str, str]  # the authorization request's parameters (state, nonce, ...)
    cookie_set: bool


def storage_login(
    client: FlaskClient, platform: Platform, target: str = "_parent", user_id: str = "user-1"
) -> StorageLogin:
    response = client.get(platform.login_initiation_url(user_id) + f"&lti_storage_target={target}")
    assert response.status_code == 200, response.status_code
    box = storage_box(response.get_data(as_text=True))
    assert box.get("lti-storage") == "put", box
    auth = dict(parse_qsl(urlsplit(box["next-url"]).query))
    cookies = response.headers.getlist("Set-Cookie")
    return StorageLogin(box, auth, any(c.startswith("lti1p3-" + auth["state"]) for c in cookies))


def relay_launch(
    client: FlaskClient,
    auth: Mapping[str, str],
    id_token: str,
    secret: str,
    origin: str | None,
    fetch_site: str | None = "same-origin",
) -> TestResponse:
    """The POST the tool's launch page makes after lti.get_data (or a forgery of it)."""
    headers = {}
    if origin is not None:
        headers["Origin"] = origin
    if fetch_site is not None:
        headers["Sec-Fetch-Site"] = fetch_site
    return client.post(
        auth["redirect_uri"],
        data={"id_token": id_token, "state": auth["state"], SECRET_FIELD: secret},
        headers=headers,
    )
