"""Sign-up clients over real HTTP: the tool served by real ``intervision serve`` processes,
learners and instructors each with their own launch and browser cookie.

* :func:`serving` starts ``intervision serve`` (gunicorn, workers x threads) as a subprocess
  with the test's database and ``INTERVISION_SECRET_KEY``, waits for ``/healthz`` with a
  deadline (the process handling of ``benchmarks/serve_bench.py``) and stops it with SIGTERM.
* :func:`tool_app` is the same tool in the test process, on the same database with the same
  secret: it migrates the database before any server starts (two servers must not both run
  the first migration), writes the launch records and reads the outcome afterwards.
* :func:`launch_people` writes one launch per person with ``write_launch`` (the tool's own
  ``complete_launch`` and ``remember_launch``, as ``launch_as`` does) and turns that person's
  session into a real signed cookie with the app's own session interface.
* :class:`Browser` is one person's ``requests.Session``: the cookie, the CSRF token from the
  page it GETs, the form posts without following redirects, the flashed outcome read back from
  the signed cookie the server returned.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from flask import Flask

from lti_app import create_app
from lti_app.cli_commands import apply_migrations
from lti_app.lti.launch_urls import launch_path
from lti_app.web.signups.outcomes import outcome_messages
from tests.support.launches import Launched, write_launch
from tests.support.loopback import free_port, wait_for_healthz
from tests.support.platforms import Platform

SECRET_KEY = "signup-races-over-http-" + "k" * 40
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REQUEST_TIMEOUT = 60.0  # seconds; a request that takes longer is a failure, not a wait


def tool_environment(workdir: Path, database_url: str, base_url: str) -> dict[str, str]:
    """What ``intervision serve`` reads: this database, this secret, this address."""
    return {
        **os.environ,
        "INTERVISION_INSTANCE_PATH": str(workdir / "instance"),
        "INTERVISION_DATABASE_URL": database_url,
        "INTERVISION_BASE_URL": base_url,
        "INTERVISION_SECRET_KEY": SECRET_KEY,
    }


def tool_app(workdir: Path, database_url: str, base_url: str) -> Flask:
    """The tool in the test process on the served database, migrated (schema and signing key)."""
    app = create_app(
        {
            "INSTANCE_PATH": str(workdir / "test-instance"),
            "DATABASE_URL": database_url,
            "BASE_URL": base_url,
            "SECRET_KEY": SECRET_KEY,
        }
    )
    with app.app_context():
        apply_migrations(app)
    return app


@dataclass
class ServedTool:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, characters: int = 6000) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-characters:]


@contextmanager
def serving(
    workdir: Path, database_url: str, *, workers: int = 2, threads: int = 8
) -> Iterator[ServedTool]:
    """``intervision serve`` on a free loopback port until the block ends."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / f"serve-{port}.log"
    command = [
        str(Path(sys.executable).parent / "intervision"),
        "serve", "--port", str(port), "--workers", str(workers), "--threads", str(threads),
    ]  # fmt: skip
    env = tool_environment(workdir, database_url, base_url)
    with log_path.open("wb") as log:
        # stdout is gunicorn's access log; stderr (errors, tracebacks) goes to the log file.
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            wait_for_healthz(server, port, log_path)
            yield ServedTool(base_url, server, log_path)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def session_cookie(app: Flask, data: Mapping[str, Any]) -> str:
    """The signed cookie value Flask's session interface writes for ``data``."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None, "the app has no SECRET_KEY"
    return str(serializer.dumps(dict(data)))


def read_session_cookie(app: Flask, value: str) -> dict[str, Any]:
    """What a session cookie the tool set holds (it is signed, not encrypted)."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    loaded: dict[str, Any] = serializer.loads(value)
    return loaded


@dataclass(frozen=True)
class LaunchedPerson:
    launched: Launched
    cookie: str  # the signed session cookie holding this launch

    @property
    def user_id(self) -> int:
        return self.launched.launch.user.id


def launch_people(
    app: Flask, platform: Platform, role: str, user_ids: list[str]
) -> list[LaunchedPerson]:
    """One stored launch per person (``write_launch``, as ``launch_as`` makes it), each in its
    own session, turned into the cookie a browser would hold after that launch."""
    people = []
    for user_id in user_ids:
        client = app.test_client()
        launched = write_launch(app, client, platform, role, user_id=user_id)
        with client.session_transaction("https://tool.test/") as held:
            data = dict(held)
        people.append(LaunchedPerson(launched, session_cookie(app, data)))
    return people


@dataclass
class Browser:
    """One person's browser against one served tool: a keep-alive connection, the session
    cookie (sent and replaced as a browser does), forms posted without following redirects.

    The cookie is kept here, not in requests' cookie jar: the tool's ``__Host-`` cookie is
    ``Secure``, which browsers send to http://127.0.0.1 but http.cookiejar keeps to https."""

    app: Flask
    person: LaunchedPerson
    base_url: str
    http: requests.Session = field(default_factory=requests.Session)
    cookie: str = ""
    answer_location: str = ""  # where the last post redirected to (its outcome in the query)
    answer_cookie: str = ""  # the cookie the last post came back with, if any (a flash)
    token: str | None = None

    def __post_init__(self) -> None:
        self.cookie = self.person.cookie

    @property
    def cookie_name(self) -> str:
        return str(self.app.config["SESSION_COOKIE_NAME"])

    def _send(self, method: str, path: str, **options: Any) -> requests.Response:
        response = self.http.request(
            method, self.url(path), headers={"Cookie": f"{self.cookie_name}={self.cookie}"},
            allow_redirects=False, timeout=REQUEST_TIMEOUT, **options,
        )  # fmt: skip
        renewed = response.cookies.get(self.cookie_name) or ""
        if method == "GET" and renewed:
            self.cookie = renewed
        if method == "POST":
            # A learner's post says its outcome in the redirect's query; an instructor's
            # flashes it into the cookie, which the page it redirects to shows and removes
            # again: keep that cookie to read it, go on with the one before.
            self.answer_location = response.headers.get("Location", "")
            self.answer_cookie = renewed
        return response

    @property
    def user_id(self) -> int:
        return self.person.user_id

    def url(self, path: str) -> str:
        return self.base_url + launch_path(self.person.launched.launch_id) + "/signups" + path

    def get(self, path: str) -> requests.Response:
        """A GET, sent again once if the kept-alive connection was reset under it (gunicorn
        closes connections idle for 2 s; a browser resends an idempotent request then too)."""
        try:
            return self._send("GET", path)
        except requests.ConnectionError:
            self.http.close()
            return self._send("GET", path)

    def fresh_connection(self) -> None:
        """Drop the kept-alive connection, so the next post opens its own: posts are never
        sent twice, so they must not meet a connection the server is closing."""
        self.http.close()

    def form_token(self, session_id: int) -> str:
        """The CSRF token of the session page's form, from a real GET of that page the first
        time. Flask-WTF's token belongs to the browser's session (signed with its time, valid
        an hour), not to one form, so a browser keeps using it, as one with the sheet open
        does; the GET is made once per browser, not once per round."""
        if self.token is None:
            response = self.get(f"/sessions/{session_id}/")
            assert response.status_code == 200, (response.status_code, response.text[:2000])
            found = CSRF_FIELD.search(response.text)
            assert found, "no CSRF token on the session page"
            self.token = found.group(1)
        return self.token

    def post(self, path: str, data: Mapping[str, str]) -> requests.Response:
        return self._send("POST", path, data=dict(data))

    def book(self, session_id: int, token: str, intent: str = "consultant") -> requests.Response:
        return self.post(
            f"/sessions/{session_id}/book",
            {"csrf_token": token, "session_id": str(session_id), "intent": intent,
             "back": "session"},
        )  # fmt: skip

    def leave(self, session_id: int, token: str) -> requests.Response:
        return self.post(
            f"/sessions/{session_id}/leave",
            {"csrf_token": token, "session_id": str(session_id), "back": "session"},
        )

    def override(
        self, session_id: int, token: str, user_id: int, reason: str, intent: str = "consultant"
    ) -> requests.Response:
        return self.post(
            f"/sessions/{session_id}/override",
            {"csrf_token": token, "override-user_id": str(user_id),
             "override-intent": intent, "override-reason": reason},
        )  # fmt: skip

    def said(self) -> list[str]:
        """What the page the last post redirected to says about it: the outcome in the
        redirect's query (``web/signups/outcomes.py``, a learner's sign-up or cancellation),
        then any message flashed into the cookie (an instructor's actions), in English."""
        assert self.answer_location, "the last post redirected nowhere"
        query = dict(parse_qsl(urlsplit(self.answer_location).query))
        with self.app.test_request_context("/"):
            told = [message for _category, message in outcome_messages(query)]
        if self.answer_cookie:
            held = read_session_cookie(self.app, self.answer_cookie).get("_flashes", [])
            told += [str(message) for _category, message in held]
        return told

    def close(self) -> None:
        self.http.close()
