"""Several ``intervision serve`` processes behind a real nginx, configured from the docs.

The processes start from the systemd unit's ``ExecStart`` and nginx from the site block in
``docs/admin/production.md`` (*Several app servers behind nginx*): the test replaces only the
example ports, the TLS lines (the test speaks plain http on loopback) and the log path, and
switches on the documented debugging header ``X-Upstream`` (which process answered). Each
replacement must match exactly once, so a changed doc fails here instead of drifting.
"""

from __future__ import annotations

import http.client
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.support.loopback import free_port, wait_for_healthz

REPO = Path(__file__).resolve().parents[2]
PRODUCTION_DOC = REPO / "docs" / "admin" / "production.md"
NGINX = Path("/usr/sbin/nginx")
REQUEST_TIMEOUT = 30.0
CUT_OFF = 0
"""The status of an answer whose body stopped short: its process died while sending it (nginx
had passed the headers on, so it could not retry elsewhere); a browser shows a network error."""
DOC_BINARY = "/opt/intervision/.venv/bin/intervision"
DOC_PORTS = ("8001", "8002")


def documented_block(marker: str) -> str:
    """The fenced block that follows the ``<!-- marker: ... -->`` comment in the doc."""
    lines = PRODUCTION_DOC.read_text().splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(f"<!-- {marker}:"))
    opening = start + 1
    assert lines[opening].startswith("```"), f"no fenced block after the {marker} marker"
    closing = next(n for n in range(opening + 1, len(lines)) if lines[n] == "```")
    return "\n".join(lines[opening + 1 : closing]) + "\n"


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"docs/admin/production.md changed: {old!r} not found once"
    return text.replace(old, new)


def nginx_site(app_ports: tuple[int, int], listen_port: int, access_log: Path) -> str:
    site = documented_block("nginx-site")
    for doc_port, port in zip(DOC_PORTS, app_ports, strict=True):
        site = _replace_once(site, f"server 127.0.0.1:{doc_port} ", f"server 127.0.0.1:{port} ")
    site = _replace_once(site, "listen 443 ssl;", f"listen 127.0.0.1:{listen_port};")
    kept = [line for line in site.splitlines() if "ssl_certificate" not in line]
    site = "\n".join(kept) + "\n"
    site = _replace_once(site, "/var/log/nginx/intervision.log", str(access_log))
    return _replace_once(site, "# add_header X-Upstream", "add_header X-Upstream")


def nginx_conf(site: str, workdir: Path) -> str:
    """The main file around the documented site: one worker, everything under ``workdir``."""
    temp = workdir / "temp"
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / name).mkdir(parents=True, exist_ok=True)
        (temp / name).chmod(0o777)  # nginx's worker may run as nobody
    temp_paths = "\n".join(
        f"    {name}_temp_path {temp / kind};"
        for name, kind in (
            ("client_body", "body"),
            ("proxy", "proxy"),
            ("fastcgi", "fastcgi"),
            ("uwsgi", "uwsgi"),
            ("scgi", "scgi"),
        )
    )
    return (
        f"daemon off;\nworker_processes 1;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} warn;\n"
        "events { worker_connections 512; }\n"
        f"http {{\n{temp_paths}\n    access_log off;\n{site}}}\n"
    )


def serve_command(port: int) -> list[str]:
    """The unit's ExecStart, with this venv's ``intervision`` and the instance ``%i``."""
    unit = documented_block("systemd-unit")
    (exec_start,) = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    words = shlex.split(exec_start.removeprefix("ExecStart="))
    assert words[0] == DOC_BINARY, words
    binary = str(Path(sys.executable).parent / "intervision")
    return [binary, *[word.replace("%i", str(port)) for word in words[1:]]]


@dataclass
class Process:
    """A server in its own process group (so a kill takes its workers too)."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def kill(self) -> None:
        """What a crash or a pulled plug does: SIGKILL, no graceful shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def end(self) -> None:
        """Tear-down: the processes hold nothing the test still needs, and gunicorn's master
        lingers seconds after its workers left on SIGTERM, so it is not waited for."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else ""


def _start(name: str, command: list[str], env: Mapping[str, str], log: Path) -> Process:
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Process(name, 0, process, log)


@dataclass
class Cluster:
    nginx: Process
    servers: list[Process]
    access_log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.nginx.port}"

    def logs(self) -> str:
        return "\n".join(
            f"--- {process.name}\n{process.log_tail()}" for process in [self.nginx, *self.servers]
        )


@contextmanager
def running_cluster(
    workdir: Path, environment: Mapping[str, str], nginx_port: int
) -> Iterator[Cluster]:
    """Two app servers from the unit, then nginx from the site block; all stopped afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    started: list[Process] = []
    try:
        for number in (1, 2):
            port = free_port()
            env = {**environment, "INTERVISION_INSTANCE_PATH": str(workdir / f"instance-{port}")}
            server = _start(f"app-{number}", serve_command(port), env, workdir / f"app-{port}.log")
            server.port = port
            started.append(server)
        for server in started:
            wait_for_healthz(server.process, server.port, server.log)
        ports = (started[0].port, started[1].port)
        access_log = workdir / "access.log"
        conf = workdir / "nginx.conf"
        conf.write_text(nginx_conf(nginx_site(ports, nginx_port, access_log), workdir))
        if not NGINX.exists():
            pytest.fail(
                f"{NGINX} not found: bash scripts/setup-system.sh (apt-get install nginx-light)"
            )
        command = [
            str(NGINX),
            "-p",
            str(workdir),
            "-c",
            str(conf),
            "-e",
            str(workdir / "error.log"),
        ]
        nginx = _start("nginx", command, os.environ, workdir / "nginx.log")
        nginx.port = nginx_port
        started.append(nginx)
        wait_for_healthz(nginx.process, nginx_port, nginx.log)
        yield Cluster(nginx, started[:2], access_log)
    finally:
        for process in reversed(started):
            process.end()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: str

    @property
    def upstream(self) -> str:
        """The process that answered: the last one nginx tried (``X-Upstream`` lists each
        one it tried, ``a, b`` when ``a`` refused the connection)."""
        return self.headers.get("x-upstream", "").split(", ")[-1]

    @property
    def upstreams_tried(self) -> list[str]:
        return self.headers.get("x-upstream", "").split(", ")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Browser:
    """One browser: its cookies (``Secure`` ones too: the test speaks http on loopback, as a
    browser allows for 127.0.0.1), a new connection per request."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def send(self, method: str, path: str, form: Mapping[str, str] | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            try:
                text = response.read().decode(errors="replace")
            except http.client.IncompleteRead:
                return Answer(CUT_OFF, {}, [], "")
            set_cookies = response.msg.get_all("Set-Cookie") or []
            answer = Answer(
                response.status,
                {name.lower(): value for name, value in response.getheaders()},
                set_cookies,
                text,
            )
        finally:
            connection.close()
        for cookie in set_cookies:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return answer
