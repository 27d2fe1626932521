"""Behind a TLS proxy (``INTERVISION_PROXY_FIX``) and on plain http: what the tool trusts.

With PROXY_FIX=1 the proxy's ``X-Forwarded-Proto``/``-Host``/``-For`` make the request https on
the public host: the whole login and launch work and cookies are fit for the LMS iframe. With
PROXY_FIX=0 those headers are ignored (anyone can send them), and plain http on a public host
gets a 400 page that says how to fix the setup. Loopback http keeps working (the demo runs on
it), and /healthz answers over http (load balancers probe it that way).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask, jsonify, request, url_for
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lti_app import create_app
from lti_app.storage import db, migrate
from tests.support.launches import registered_platform
from tests.support.platforms import INSTRUCTOR, KeySetServer, Platform

PUBLIC = "https://tool.example.org"
BEHIND_PROXY = "http://127.0.0.1:8000"  # where nginx forwards to gunicorn
FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "tool.example.org",
    "X-Forwarded-For": "198.51.100.7",
}
IFRAME_COOKIE = ("Secure", "SameSite=None", "Partitioned", "HttpOnly")


def _tool(tmp_path: Path, proxy_fix: int, platform_origin: str) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "BASE_URL": PUBLIC,
            "SECRET_KEY": "proxy-secret-key-" + "p" * 32,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
            "PROXY_FIX": proxy_fix,
            # The platform's key set is on this machine: as for a campus LMS, its origin is
            # listed, or a public BASE_URL refuses to fetch from loopback.
            "OUTBOUND_ALLOW": platform_origin,
        }
    )

    @app.get("/_probe")
    def probe() -> Any:  # what the app believes about the request, and a URL it generates
        return jsonify(
            url=request.url,
            remote_addr=request.remote_addr,
            external=url_for("lti.launch", _external=True),
        )

    migrate.upgrade(db.get_engine(app))
    yield app
    db.get_engine(app).dispose()


@pytest.fixture
def proxied_app(tmp_path: Path, key_server: KeySetServer) -> Iterator[Flask]:
    yield from _tool(tmp_path, proxy_fix=1, platform_origin=f"http://127.0.0.1:{key_server.port}")


@pytest.fixture
def direct_app(tmp_path: Path, key_server: KeySetServer) -> Iterator[Flask]:
    yield from _tool(tmp_path, proxy_fix=0, platform_origin=f"http://127.0.0.1:{key_server.port}")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _auth_params(login: TestResponse) -> dict[str, str]:
    """What the tool asks the platform's authorisation endpoint (state, nonce, redirect_uri)."""
    return dict(parse_qsl(urlsplit(login.headers["Location"]).query))


def _set_cookies(response: TestResponse) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def _assert_iframe_cookie(header: str) -> None:
    attributes = [part.strip() for part in header.split(";")]
    for wanted in IFRAME_COOKIE:
        assert wanted in attributes, header


def _assert_https_advice(response: TestResponse, *phrases: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 400, (response.status_code, page[:300])
    assert "must be reached over HTTPS" in page
    assert "terminate TLS at the proxy" in page
    for phrase in phrases:
        assert phrase in page, page
    assert "Reference: <strong>E-" in page and "Traceback" not in page
    assert "Set-Cookie" not in response.headers
    return page


# --- behind a proxy with PROXY_FIX=1 ---------------------------------------------------------


def test_proxied_login_and_launch_work_with_iframe_cookies(
    proxied_app: Flask, key_server: KeySetServer
) -> None:
    platform = registered_platform(proxied_app, key_server)
    client = proxied_app.test_client()
    login_url = _path(platform.login_initiation_url("user-1")) + "&lti1p3_new_window=1"

    login = client.get(login_url, base_url=BEHIND_PROXY, headers=FORWARDED)
    assert login.status_code == 302, login.get_data(as_text=True)[:300]
    auth = _auth_params(login)
    assert auth["redirect_uri"] == PUBLIC + "/lti/launch"
    state_cookie = _set_cookies(login)[f"lti1p3-{auth['state']}"]
    _assert_iframe_cookie(state_cookie)
    assert "Path=/lti/" in state_cookie

    token = platform.real_id_token(auth, [INSTRUCTOR])
    launch = client.post(
        "/lti/launch",
        base_url=BEHIND_PROXY,
        headers=FORWARDED,
        data={"id_token": token, "state": auth["state"]},
    )
    assert launch.status_code == 303, launch.get_data(as_text=True)[:300]
    session_cookie = _set_cookies(launch)["__Host-intervision"]
    _assert_iframe_cookie(session_cookie)
    assert "Path=/" in session_cookie and "Domain=" not in session_cookie

    home = client.get("/lti/home", base_url=BEHIND_PROXY, headers=FORWARDED)
    assert home.status_code == 200, home.get_data(as_text=True)[:300]


def test_proxied_requests_generate_public_https_urls(proxied_app: Flask) -> None:
    seen = proxied_app.test_client().get("/_probe?x=1", base_url=BEHIND_PROXY, headers=FORWARDED)
    assert seen.status_code == 200
    assert seen.get_json() == {
        "url": "https://tool.example.org/_probe?x=1",
        "remote_addr": "198.51.100.7",
        "external": "https://tool.example.org/lti/launch",
    }


def test_proxy_that_forwards_plain_http_gets_the_advice(proxied_app: Flask) -> None:
    """PROXY_FIX is set, but the proxy says the browser came over http (TLS not terminated)."""
    client = proxied_app.test_client()
    headers = {**FORWARDED, "X-Forwarded-Proto": "http"}
    response = client.get("/lti/setup", base_url=BEHIND_PROXY, headers=headers)
    _assert_https_advice(response, "INTERVISION_PROXY_FIX is 1", "X-Forwarded-Proto: https")


# --- no proxy trusted (PROXY_FIX=0) ----------------------------------------------------------


def test_forwarded_headers_are_ignored_without_proxy_fix(direct_app: Flask) -> None:
    seen = direct_app.test_client().get("/_probe", base_url=BEHIND_PROXY, headers=FORWARDED)
    assert seen.status_code == 200  # loopback http: allowed
    assert seen.get_json() == {
        "url": "http://127.0.0.1:8000/_probe",
        "remote_addr": "127.0.0.1",
        "external": "http://127.0.0.1:8000/lti/launch",
    }


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("path", ["/lti/login", "/lti/launch", "/lti/setup", "/nowhere"])
def test_plain_http_on_a_public_host_gets_a_400_page(
    direct_app: Flask, method: str, path: str
) -> None:
    client: FlaskClient = direct_app.test_client()
    response = client.open(
        path, method=method, base_url="http://tool.example.org", headers=FORWARDED
    )
    _assert_https_advice(response, "http at tool.example.org", "INTERVISION_PROXY_FIX=")


def test_healthz_answers_plain_http_on_any_host(direct_app: Flask) -> None:
    response = direct_app.test_client().get("/healthz", base_url="http://10.1.2.3:8000")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:5000", "http://localhost:5000", "http://[::1]:5000"]
)
def test_loopback_http_logs_in(direct_app: Flask, key_server: KeySetServer, base_url: str) -> None:
    platform = registered_platform(direct_app, key_server)
    login_url = _path(platform.login_initiation_url("user-1")) + "&lti1p3_new_window=1"
    response = direct_app.test_client().get(login_url, base_url=base_url)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_https_without_a_proxy_logs_in(direct_app: Flask, key_server: KeySetServer) -> None:
    platform: Platform = registered_platform(direct_app, key_server)
    login_url = platform.login_initiation_url("user-1") + "&lti1p3_new_window=1"
    assert direct_app.test_client().get(login_url).status_code == 302  # https://tool.example.org


def test_a_malformed_host_is_refused_not_crashed(direct_app: Flask) -> None:
    client = direct_app.test_client()
    response = client.get("/lti/setup", headers={"Host": "[bad"})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
