"""``INTERVISION_SIGNUPS_DEFAULT_TIMEZONE``: the course's zone for sign-up sheets whose launch
sends no ``timezone`` parameter. Read from the environment, checked at start-up against the
IANA database (a wrong name stops the start with a message naming the variable and an example),
UTC when unset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_app import create_app
from lti_app.config import ConfigError, finalise, settings_from_environment
from tests.support.launches import TOOL, LaunchAs, launch_as, registered_platform
from tests.support.platforms import KeySetServer, Platform

__all__ = ["launch_as"]

VARIABLE = "INTERVISION_SIGNUPS_DEFAULT_TIMEZONE"


def from_environment(tmp_path: Path, value: str | None) -> dict[str, Any]:
    environ = {"INTERVISION_SECRET_KEY": "k" * 40}
    if value is not None:
        environ[VARIABLE] = value
    config = settings_from_environment(tmp_path / "instance", environ)
    finalise(config, tmp_path / "instance")
    return config


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "UTC"),
        ("", "UTC"),
        ("Europe/Amsterdam", "Europe/Amsterdam"),
        (" America/Chicago ", "America/Chicago"),
    ],
)
def test_the_zone_is_read_from_the_environment_and_utc_when_unset(
    tmp_path: Path, value: str | None, expected: str
) -> None:
    assert from_environment(tmp_path, value)["SIGNUPS_DEFAULT_TIMEZONE"] == expected


@pytest.mark.parametrize(
    "value", ["Mars/Olympus", "Europe", "CET+1", "../../etc/passwd", "/etc/localtime", "x" * 80]
)
def test_a_name_that_is_no_iana_zone_stops_the_start_naming_the_variable(
    tmp_path: Path, value: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        from_environment(tmp_path, value)
    message = str(refused.value)
    assert VARIABLE in message and "Europe/Amsterdam" in message


def test_a_wrong_zone_given_as_an_override_is_refused_too(app_config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match=VARIABLE):
        create_app({**app_config, "SIGNUPS_DEFAULT_TIMEZONE": "Amsterdam"})
    app = create_app({**app_config, "SIGNUPS_DEFAULT_TIMEZONE": "Asia/Tokyo"})
    assert app.config["SIGNUPS_DEFAULT_TIMEZONE"] == "Asia/Tokyo"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "BASE_URL": TOOL, "SIGNUPS_DEFAULT_TIMEZONE": "Europe/Amsterdam"}


@pytest.fixture
def platform(app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(app, key_server)


def test_a_sheet_launched_without_a_zone_uses_the_setting(
    launch_as: LaunchAs, client: FlaskClient
) -> None:
    page = client.get(launch_as("learner").url("/signups/")).get_data(as_text=True)
    assert 'data-zone="Europe/Amsterdam" data-zone-source="course"' in page
    sent = launch_as("learner", custom={"timezone": "Asia/Tokyo"}, context_id="course-9")
    page = client.get(sent.url("/signups/")).get_data(as_text=True)
    assert 'data-zone="Asia/Tokyo"' in page  # the launch's own parameter comes first
