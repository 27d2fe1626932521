"""`intervision platform …`, `keys …` and `db upgrade` through the real click commands."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from lti_app.cli import main
from lti_app.lti import keys
from lti_app.storage import db, registrations_repo

CANVAS = "https://canvas.instructure.com"
ADD_CANVAS = [
    "platform", "add", "--issuer", CANVAS, "--client-id", "10000000000042",
    "--auth-login-url", "https://sso.canvaslms.com/api/lti/authorize_redirect",
    "--auth-token-url", "https://school.instructure.com/login/oauth2/token",
    "--jwks-url", "https://sso.canvaslms.com/api/lti/security/jwks",
    "--deployment-id", "1:abc", "--deployment-id", "2:def",
    "--frame-origin", "https://school.instructure.com",
]  # fmt: skip


def _invoke(runner: FlaskCliRunner, args: list[str]):  # type: ignore[no-untyped-def]
    return runner.invoke(main, args)


def test_add_list_remove_a_platform(db_app: Flask) -> None:
    runner = db_app.test_cli_runner()
    added = _invoke(runner, ADD_CANVAS)
    assert added.exit_code == 0, added.output
    with db_app.app_context():
        stored = registrations_repo.find_registration(db.get_session(), CANVAS, "10000000000042")
        assert stored is not None
        assert stored.deployment_ids == ["1:abc", "2:def"]
        assert stored.frame_origins == ["https://school.instructure.com"]

    listed = _invoke(runner, ["platform", "list"])
    assert "client=10000000000042" in listed.output
    assert "deployments=1:abc,2:def" in listed.output

    removed = _invoke(runner, ["platform", "remove", "--issuer", CANVAS,
                               "--client-id", "10000000000042"])  # fmt: skip
    assert removed.exit_code == 0
    assert "No platforms registered" in _invoke(runner, ["platform", "list"]).output


def test_adding_twice_is_refused_with_advice(app: Flask, runner: FlaskCliRunner) -> None:
    assert _invoke(runner, ADD_CANVAS).exit_code == 0
    again = _invoke(runner, ADD_CANVAS)
    assert again.exit_code == 1
    assert "already registered" in again.output
    assert "add-deployment" in again.output


def test_add_deployment_to_a_known_platform(app: Flask, runner: FlaskCliRunner) -> None:
    _invoke(runner, ADD_CANVAS)
    args = ["platform", "add-deployment", "--issuer", CANVAS, "--client-id", "10000000000042"]
    result = _invoke(runner, [*args, "--deployment-id", "3:ghi"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = registrations_repo.find_registration(db.get_session(), CANVAS, "10000000000042")
        assert stored is not None and stored.deployment_ids == ["1:abc", "2:def", "3:ghi"]


def test_plain_http_platform_urls_are_refused(runner: FlaskCliRunner) -> None:
    args = [a.replace("https://sso.canvaslms.com/api/lti/security/jwks", "http://lms.example/j")
            for a in ADD_CANVAS]  # fmt: skip
    result = _invoke(runner, args)
    assert result.exit_code == 2
    assert "must be an https URL" in result.output


def test_default_frame_origin_is_the_login_origin(app: Flask, runner: FlaskCliRunner) -> None:
    result = _invoke(runner, [
        "platform", "add", "--issuer", "https://moodle.example.org", "--client-id", "abc",
        "--auth-login-url", "https://moodle.example.org/mod/lti/auth.php",
        "--auth-token-url", "https://moodle.example.org/mod/lti/token.php",
        "--jwks-url", "https://moodle.example.org/mod/lti/certs.php", "--deployment-id", "4",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = registrations_repo.find_registration(
            db.get_session(), "https://moodle.example.org", "abc"
        )
        assert stored is not None and stored.frame_origins == ["https://moodle.example.org"]


def test_removing_an_unknown_platform_fails(runner: FlaskCliRunner) -> None:
    result = _invoke(runner, ["platform", "remove", "--issuer", "x", "--client-id", "y"])
    assert result.exit_code == 1
    assert "no platform x" in result.output


def test_keys_rotate_and_list(db_app: Flask) -> None:
    runner = db_app.test_cli_runner()
    first = keys.ensure_signing_key(db_app)
    rotated = _invoke(runner, ["keys", "rotate", "--overlap-hours", "24"])
    assert rotated.exit_code == 0, rotated.output
    listing = _invoke(runner, ["keys", "list"]).output.splitlines()
    assert len(listing) == 2
    assert listing[0].startswith(first.kid) and "retires" in listing[0]
    published = {k["kid"] for k in keys.public_jwks(db_app)["keys"]}
    assert first.kid in published and len(published) == 2


def test_db_upgrade_reports_the_revision(db_app: Flask) -> None:
    result = _invoke(db_app.test_cli_runner(), ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database at revision" in result.output
