"""The database-backed pylti1p3 tool configuration."""

from __future__ import annotations

from flask import Flask

from lti_app.lti.tool_config import DatabaseToolConf
from lti_app.storage import db, registrations_repo

CANVAS = "https://canvas.instructure.com"


def _add(app: Flask, issuer: str, client_id: str, *deployments: str) -> None:
    with app.app_context(), db.transaction() as session:
        registrations_repo.add_registration(
            session,
            issuer=issuer,
            client_id=client_id,
            auth_login_url=f"{issuer}/auth",
            auth_token_url=f"{issuer}/token",
            jwks_url=f"{issuer}/jwks",
            deployment_ids=deployments,
        )


def test_registrations_are_found_by_issuer_and_client_id(db_app: Flask) -> None:
    _add(db_app, CANVAS, "10000000000001", "1:school-a")
    _add(db_app, CANVAS, "10000000000002", "1:school-b")
    with db_app.test_request_context():
        conf = DatabaseToolConf(db_app)
        school_b = conf.find_registration_by_params(CANVAS, "10000000000002")
        assert school_b is not None
        assert school_b.get_client_id() == "10000000000002"
        assert school_b.get_key_set_url() == f"{CANVAS}/jwks"
        assert school_b.get_tool_private_key()
        assert conf.find_registration_by_params(CANVAS, "unknown") is None
        # Two clients share the issuer: the issuer alone is ambiguous.
        assert conf.find_registration_by_issuer(CANVAS) is None


def test_issuer_alone_is_enough_when_unambiguous(db_app: Flask) -> None:
    _add(db_app, "https://moodle.test", "abc", "3")
    with db_app.test_request_context():
        found = DatabaseToolConf(db_app).find_registration_by_issuer("https://moodle.test")
        assert found is not None
        assert found.get_client_id() == "abc"


def test_deployments_belong_to_their_registration(db_app: Flask) -> None:
    _add(db_app, CANVAS, "client-a", "1:school-a", "2:school-a")
    _add(db_app, CANVAS, "client-b", "1:school-b")
    with db_app.test_request_context():
        conf = DatabaseToolConf(db_app)
        found = conf.find_deployment_by_params(CANVAS, "2:school-a", "client-a")
        assert found is not None
        assert found.get_deployment_id() == "2:school-a"
        assert conf.find_deployment_by_params(CANVAS, "1:school-b", "client-a") is None


def test_tool_jwks_lists_the_signing_key(app: Flask) -> None:
    with app.test_request_context():
        conf = DatabaseToolConf(app)
        registration_kid = None
        _add(app, "https://moodle.test", "abc", "3")
        found = conf.find_registration_by_params("https://moodle.test", "abc")
        assert found is not None
        registration_kid = found.get_kid()
        assert registration_kid in {key["kid"] for key in conf.get_jwks()["keys"]}
