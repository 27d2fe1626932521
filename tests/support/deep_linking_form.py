"""The deep-linking picker as an instructor opens it, shared by the picker's tests."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.support.launches import LaunchAs, deep_link_settings


def open_deep_linking_form(client: FlaskClient, launch_as: LaunchAs, **settings: Any) -> str:
    """The picker's page under an instructor's deep-linking launch (``settings`` as for
    ``deep_link_settings``); fails unless it answers 200."""
    launched = launch_as("instructor", deep_link=deep_link_settings(**settings))
    page = client.get(launched.url("/deep-linking/"))
    assert page.status_code == 200
    return page.get_data(as_text=True)
