"""``launch_as`` stores what a real launch stores: the test helper cannot drift from the tool.

The same launch (role, course, custom parameters, person) once through the real OIDC round trip
and once through ``launch_as`` must leave the same launch record (claims apart from the nonce
and the times, and the same tenant, course and user rows) and the same session shape.
``context_id=None`` is the harness's own course-42 ("Intervision 101"), ``launch``'s default;
``launch_as`` defaults to a course titled "Course course-42".
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_app.lti import state_store
from lti_app.lti.launch_cache import EXPIRES_AT
from lti_app.lti.launch_session import SESSION_KEY
from tests.support.launches import TOOL, LaunchAs, deep_link_settings, launch
from tests.support.platforms import INSTRUCTOR, LEARNER, Platform

PER_LAUNCH_CLAIMS = {"nonce", "iat", "exp"}


def _record(app: Flask, launch_id: str) -> dict[str, Any]:
    with app.test_request_context(TOOL + "/"):
        record = state_store.load_launch(launch_id)
    assert record is not None, launch_id
    assert isinstance(record.pop(EXPIRES_AT), float)  # per launch, like the nonce
    record["claims"] = {k: v for k, v in record["claims"].items() if k not in PER_LAUNCH_CLAIMS}
    return record


def _held(client: FlaskClient) -> dict[str, Any]:
    with client.session_transaction(TOOL + "/") as session:
        held: dict[str, Any] = dict(session[SESSION_KEY])
    return held


@pytest.mark.parametrize(
    ("role", "roles", "options"),
    [
        (
            "learner",
            [LEARNER],
            {"custom": {"kind": "module", "intervision_ref": "troika"}, "context_id": None},
        ),
        ("instructor", [INSTRUCTOR], {"context_id": "course-7", "user_id": "teacher"}),
        ("instructor", [INSTRUCTOR], {"deep_link": deep_link_settings(), "context_id": None}),
    ],
    ids=["learner-module-link", "instructor-other-course", "deep-linking"],
)
def test_launch_as_stores_what_the_round_trip_stores(
    app: Flask, platform: Platform, launch_as: LaunchAs, role: str, roles: list[str],
    options: dict[str, Any],
) -> None:  # fmt: skip
    real_client, helper_client = app.test_client(), app.test_client()
    response = launch(real_client, platform, roles, **options)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    real_id = response.headers["Location"].split("/")[2]

    launched = launch_as(role, client=helper_client, **options)

    assert launched.launch_id != real_id
    assert _record(app, launched.launch_id) == _record(app, real_id)
    real_held, helper_held = _held(real_client), _held(helper_client)
    assert real_held["ids"] == [real_id] and helper_held["ids"] == [launched.launch_id]
    assert real_held["user"] == helper_held["user"]
    assert launched.prefix == f"/launch/{launched.launch_id}"
    assert launched.url("/course/") == f"{TOOL}/launch/{launched.launch_id}/course/"
