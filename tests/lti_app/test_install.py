"""Install endpoints, the health check, and `intervision serve` as a real gunicorn process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from lti_app import create_app
from tests.support.loopback import free_port

INTERVISION = Path(sys.executable).with_name("intervision")
TEST_BASE_URL = "https://tool.test"  # as in tests/conftest.py


def _json(response: Any) -> Any:
    document = response.get_json()
    assert document is not None, response.text
    return document


def test_jwks_publishes_public_keys_only(client: FlaskClient) -> None:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    [key] = _json(response)["keys"]
    assert {"kty", "n", "e", "kid", "alg", "use"} <= key.keys()
    assert not {"d", "p", "q"} & key.keys()
    assert "max-age" in response.headers["Cache-Control"]


def test_canvas_json_has_the_fields_canvas_requires(client: FlaskClient) -> None:
    config = _json(client.get("/lti/canvas.json"))
    for required in ("title", "description", "oidc_initiation_url", "target_link_uri",
                     "public_jwk_url"):  # fmt: skip
        assert config[required], required
    assert config["oidc_initiation_url"] == f"{TEST_BASE_URL}/lti/login"
    assert config["public_jwk_url"] == f"{TEST_BASE_URL}/.well-known/jwks.json"
    [extension] = config["extensions"]
    assert extension["domain"] == "tool.test"
    placements = {p["placement"]: p for p in extension["settings"]["placements"]}
    assert placements["course_navigation"]["message_type"] == "LtiResourceLinkRequest"
    assert placements["assignment_selection"]["message_type"] == "LtiDeepLinkingRequest"
    for placement in placements.values():
        assert placement["target_link_uri"] in config["redirect_uris"]


def test_setup_page_lists_every_value_moodle_asks_for(client: FlaskClient) -> None:
    response = client.get("/lti/setup")
    assert response.status_code == 200
    page = response.text
    for label, value in [
        ("Tool URL", f"{TEST_BASE_URL}/lti/launch"),
        ("Initiate login URL", f"{TEST_BASE_URL}/lti/login"),
        ("Redirection URI(s)", f"{TEST_BASE_URL}/lti/launch"),
        ("Public keyset", f"{TEST_BASE_URL}/.well-known/jwks.json"),
        ("Content Selection URL", f"{TEST_BASE_URL}/lti/launch"),
        ("Tool registration URL", f"{TEST_BASE_URL}/lti/register"),
    ]:
        assert label in page and value in page, label
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_healthz_reports_a_working_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert _json(response) == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_gone(
    app_config: dict[str, Any], tmp_path: Path
) -> None:
    broken = {**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}"}
    response = create_app(broken).test_client().get("/healthz")
    assert response.status_code == 503
    assert _json(response)["database"] == "unavailable"


def test_serve_runs_migrations_and_answers_over_http(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "INTERVISION_INSTANCE_PATH": str(tmp_path / "instance"),
        "INTERVISION_BASE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("INTERVISION_DATABASE_URL", None)
    server = subprocess.Popen(
        [str(INTERVISION), "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1", "--threads", "2"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stderr is not None
        for line in server.stderr:  # gunicorn logs this once the worker can take requests
            if "Booting worker" in line:
                break
        else:
            raise AssertionError(f"server exited early with {server.wait()}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            assert json.load(answer) == {"status": "ok", "database": "ok"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/.well-known/jwks.json") as answer:
            assert len(json.load(answer)["keys"]) == 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr is not None:
            server.stderr.close()
    secret = tmp_path / "instance" / "secret_key"
    assert secret.stat().st_mode & 0o777 == 0o600


def test_factory_refuses_plain_http_on_a_public_host(app_config: dict[str, Any]) -> None:
    from lti_app.config import ConfigError

    try:
        create_app({**app_config, "BASE_URL": "http://tool.example.org"})
    except ConfigError as error:
        assert "plain http" in str(error)
    else:
        raise AssertionError("a public http BASE_URL was accepted")


def test_generated_secret_key_is_kept_between_starts(app_config: dict[str, Any]) -> None:
    config = {k: v for k, v in app_config.items() if k != "SECRET_KEY"}
    first = create_app(dict(config)).config["SECRET_KEY"]
    second = create_app(dict(config)).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
