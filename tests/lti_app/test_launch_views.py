"""Launch wiring in the app: decorators, dispatch registry, tenancy rows, CSRF, headers, errors."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint, Flask, g, redirect
from flask.testing import FlaskClient
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from lti_app.lti.current import instructor_required, launch_required
from lti_app.lti.dispatch import register_launch_handler
from lti_app.lti.launch import Launch
from lti_app.storage import db
from lti_app.storage.models import CourseContext, LtiUser, Tenant
from tests.support.launches import registered_platform
from tests.support.platforms import INSTRUCTOR, LEARNER, KeySetServer, Platform

TOOL = "https://tool.test"
probe = Blueprint("probe", __name__)


@probe.get("/probe/learner")
@launch_required
def learner_page() -> str:
    launch: Launch = g.lti_launch
    return f"user {launch.user.id} course {launch.course.id if launch.course else '-'}"


@probe.get("/probe/trainer")
@instructor_required
def trainer_page() -> str:
    return "trainer area"


@probe.post("/probe/form")
def form_post() -> str:
    return "accepted"


@probe.get("/probe/crash")
def crash() -> str:
    raise RuntimeError("secret internal detail")


@pytest.fixture
def probe_app(app: Flask) -> Flask:
    app.register_blueprint(probe)
    return app


@pytest.fixture
def platform(probe_app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(
        probe_app, key_server, client_id="client-1", deployment_ids=["dep-a", "dep-b"]
    )


@pytest.fixture
def client(probe_app: Flask) -> FlaskClient:
    return probe_app.test_client()


def _launch(client: FlaskClient, platform: Platform, roles: list[str], **claims: Any) -> Any:
    auth = platform.start_login(client)
    body = platform.id_token_claims(auth, roles, **claims)
    return platform.post_launch(client, auth, platform.sign(body))


def test_pages_need_a_launch(client: FlaskClient, platform: Platform) -> None:
    response = client.get(TOOL + "/probe/learner")
    assert response.status_code == 401
    assert "open this page from your course" in response.get_data(as_text=True).lower()


def test_learner_reaches_learner_pages_but_not_trainer_pages(
    client: FlaskClient, platform: Platform
) -> None:
    assert _launch(client, platform, [LEARNER]).status_code == 303
    assert client.get(TOOL + "/probe/learner").status_code == 200
    assert client.get(TOOL + "/probe/trainer").status_code == 403


def test_instructor_reaches_trainer_pages(client: FlaskClient, platform: Platform) -> None:
    assert _launch(client, platform, [INSTRUCTOR]).status_code == 303
    assert client.get(TOOL + "/probe/trainer").get_data(as_text=True) == "trainer area"


def test_registered_handler_receives_launches_of_its_kind(
    probe_app: Flask, client: FlaskClient, platform: Platform
) -> None:
    seen: list[Launch] = []

    def open_signup(launch: Launch) -> ResponseReturnValue:
        seen.append(launch)
        return redirect("/probe/learner", code=303)

    register_launch_handler(probe_app, "probe-signup", open_signup)
    response = _launch(client, platform, [LEARNER], custom={"kind": "probe-signup"})
    assert response.headers["Location"] == "/probe/learner"
    assert len(seen) == 1 and seen[0].custom["kind"] == "probe-signup"
    assert client.get(TOOL + "/probe/learner").status_code == 200


def test_registering_a_kind_twice_is_refused() -> None:
    def first(launch: Launch) -> ResponseReturnValue:
        return ""

    def second(launch: Launch) -> ResponseReturnValue:
        return ""

    app = Flask(__name__)
    register_launch_handler(app, "probe-kind", first)
    with pytest.raises(ValueError, match="already registered"):
        register_launch_handler(app, "probe-kind", second)
    with pytest.raises(ValueError, match="must match"):
        register_launch_handler(app, "Bad Kind!", second)


def test_same_context_in_two_deployments_is_two_courses(
    probe_app: Flask, client: FlaskClient, platform: Platform
) -> None:
    deployment = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
    first = client.get  # keep one browser: relaunching replaces the session
    assert _launch(client, platform, [LEARNER]).status_code == 303
    page_a = first(TOOL + "/probe/learner").get_data(as_text=True)
    # The login's lti_deployment_id must match the token: a mixed pair is refused...
    assert _launch(client, platform, [LEARNER], **{deployment: "dep-b"}).status_code == 400
    # ...while a launch from the second deployment, consistently, gets its own course.
    platform.deployment_id = "dep-b"
    assert _launch(client, platform, [LEARNER]).status_code == 303
    page_b = first(TOOL + "/probe/learner").get_data(as_text=True)
    assert page_a != page_b  # same user row, different course rows
    with probe_app.app_context():
        session = db.get_session()
        assert len(session.scalars(select(Tenant)).all()) == 2
        courses = session.scalars(select(CourseContext)).all()
        assert {course.context_id for course in courses} == {"course-42"}
        assert len(courses) == 2
        user = session.scalars(select(LtiUser)).one()
        assert user.name == "Ada Lovelace"


def test_forms_need_a_csrf_token_but_login_and_launch_do_not(
    client: FlaskClient, platform: Platform
) -> None:
    response = client.post(TOOL + "/probe/form", data={"x": "1"})
    assert response.status_code == 400
    assert "Reference:" in response.get_data(as_text=True)
    assert _launch(client, platform, [LEARNER]).status_code == 303  # exempt endpoints


def test_pages_outside_a_launch_may_not_be_framed(client: FlaskClient, platform: Platform) -> None:
    response = client.get(TOOL + "/healthz")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy and "base-uri 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Frame-Options" not in response.headers


def test_unknown_page_and_crash_are_friendly(client: FlaskClient, platform: Platform) -> None:
    missing = client.get(TOOL + "/no-such-page")
    assert missing.status_code == 404
    assert "Reference: <strong>E-" in missing.get_data(as_text=True)
    crashed = client.get(TOOL + "/probe/crash")
    text = crashed.get_data(as_text=True)
    assert crashed.status_code == 500
    assert "Reference: <strong>E-" in text
    assert "secret internal detail" not in text and "Traceback" not in text
