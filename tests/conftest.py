"""Shared fixtures: the tool app on SQLite and on a real PostgreSQL server (and a real Redis).

The PostgreSQL and Redis servers are started once per test session from the Debian binaries,
only when a test asks for them, and a test that needs one FAILS (never skips) when it cannot
start.
"""

from __future__ import annotations

import os
import selectors
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings

# Autouse: every test hands out the reused RSA test keys from the start (tests/support/servers.py).
from tests.support.databases import PostgresServer, RedisServer, copy_sqlite_template
from tests.support.servers import fresh_keys

__all__ = ["fresh_keys"]

# Property tests check rules, not speed: Hypothesis's default 200 ms deadline per example fails
# them at random on a loaded 2-core machine (a phase-rule property did, under load 12).
settings.register_profile("intervision", deadline=None)
settings.load_profile("intervision")

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = Path("/usr/bin/redis-server")
REDIS_READY_LINE = "Ready to accept connections"
TEST_BASE_URL = "https://tool.test"


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup``: whole modules per worker, the load and timing tests in one unit
    (tests/support/xdist_schedule.py says why). Any other ``--dist`` is xdist's own."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.support.xdist_schedule import ModuleScheduling

    return ModuleScheduling(config, log)


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_postgres_user(command: list[str]) -> list[str]:
    """initdb refuses to run as root: drop to the postgres system user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL 15 cluster on a free loopback port (fsync off: tests only)."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail(
            f"PostgreSQL server binaries not found in {PG_BIN}: apt-get install postgresql-15"
        )
    workdir = Path(tempfile.mkdtemp(prefix="intervision-pg-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, user="postgres", group="postgres")
    data_dir = workdir / "data"
    log_file = workdir / "server.log"
    port = _free_loopback_port()

    def run(command: list[str]) -> None:
        result = subprocess.run(
            _as_postgres_user(command), capture_output=True, text=True, check=False, timeout=120
        )
        if result.returncode != 0:
            log = log_file.read_text() if log_file.exists() else ""
            pytest.fail(
                f"PostgreSQL command failed: {' '.join(command)}\n{result.stdout}\n"
                f"{result.stderr}\n{log}"
            )

    try:
        run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data_dir),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-instructions",
            ]
        )
        options = (
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        run(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data_dir),
                "-l",
                str(log_file),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        yield PostgresServer(host="127.0.0.1", port=port, user="postgres")
    finally:
        if (data_dir / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres_user(
                    [str(PG_BIN / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"]
                ),
                capture_output=True,
                check=False,
                timeout=60,
            )
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def _new_database(server: PostgresServer, template: str | None = None) -> Iterator[str]:
    name = f"test_{uuid.uuid4().hex[:16]}"
    clause = f' TEMPLATE "{template}"' if template else ""
    with server.admin_connect() as connection:
        connection.execute(f'CREATE DATABASE "{name}"{clause}')
    try:
        yield server.url(name)
    finally:
        with server.admin_connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database for one test; dropped afterwards."""
    with _new_database(postgres_server) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_postgres_template(postgres_server: PostgresServer) -> str:
    """A database Alembic migrated to head once per session, to clone per test."""
    from sqlalchemy import create_engine

    from lti_app.storage import migrate

    name = f"template_{uuid.uuid4().hex[:12]}"
    with postgres_server.admin_connect() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    engine = create_engine(postgres_server.url(name))
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == _head_revision()
    finally:
        engine.dispose()  # CREATE DATABASE ... TEMPLATE needs it without connections
    return name


@pytest.fixture
def migrated_postgres_database(
    postgres_server: PostgresServer, migrated_postgres_template: str
) -> Iterator[str]:
    """A fresh database already at head (a clone of the template); dropped afterwards."""
    with _new_database(postgres_server, migrated_postgres_template) as url:
        yield url


def _await_redis_ready(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Read the server's log on stdout until it says it accepts connections (no polling)."""
    assert process.stdout is not None
    seen = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while selector.select(timeout):
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:  # the server exited
                break
            seen += chunk
            if REDIS_READY_LINE.encode() in seen:
                return
    process.kill()
    pytest.fail("redis-server did not become ready:\n" + seen.decode(errors="replace"))


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A throwaway redis-server on a free loopback port, data in a temp dir, no persistence."""
    if not REDIS_SERVER.exists():
        pytest.fail(f"{REDIS_SERVER} not found: apt-get install redis-server")
    workdir = Path(tempfile.mkdtemp(prefix="intervision-redis-"))
    port = _free_loopback_port()
    command = [
        str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
        "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no",
        "--logfile", "", "--databases", "1",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0, cwd=workdir
    )
    try:
        _await_redis_ready(process, timeout=30)
        yield RedisServer(host="127.0.0.1", port=port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(params=["database", "redis"])
def state_backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Config overrides for where LTI state lives: the database, or the real test Redis (each
    test under its own key prefix, so tests never see each other's keys)."""
    if request.param == "database":
        return {"REDIS_URL": None}
    server: RedisServer = request.getfixturevalue("redis_server")
    return {"REDIS_URL": server.url, "REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}:"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every database test runs twice: on SQLite (WAL, in tmp_path) and on real PostgreSQL.

    The PostgreSQL database is a clone of the migrated template (``db_app`` still runs
    Alembic's upgrade on it, which finds it at head)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    url: str = request.getfixturevalue("migrated_postgres_database")
    return url


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    """Override in a test module to change settings; database defaults to SQLite in tmp_path."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "BASE_URL": TEST_BASE_URL,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
    }


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head by Alembic, once per session; tests get copies."""
    from sqlalchemy import create_engine

    from lti_app.storage import migrate

    template = tmp_path_factory.mktemp("sqlite-template") / "migrated.sqlite3"
    engine = create_engine(f"sqlite:///{template}")
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == _head_revision()
    finally:
        engine.dispose()
    leftovers = [p.name for p in template.parent.iterdir() if p != template]
    assert not leftovers, f"the template is more than one file: {leftovers}"
    return template


def _migrated_app(config: dict[str, Any], template: Path) -> Iterator[Flask]:
    """The app on a migrated database: a copy of the template for a new SQLite file (the same
    schema Alembic gives, without running every migration per test); Alembic otherwise."""
    from lti_app import create_app
    from lti_app.storage import db, migrate

    copied = copy_sqlite_template(str(config["DATABASE_URL"]), template)
    app = create_app(config)
    engine = db.get_engine(app)
    if not copied:
        migrate.upgrade(engine)  # PostgreSQL (a copy of its template: a no-op at head)
    yield app
    engine.dispose()


def _head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from lti_app.storage import migrate

    return ScriptDirectory(str(migrate.MIGRATIONS_DIR)).get_current_head()


@pytest.fixture
def app(app_config: dict[str, Any], migrated_sqlite_template: Path) -> Iterator[Flask]:
    """The tool on a migrated SQLite database (fast default for view tests)."""
    yield from _migrated_app(app_config, migrated_sqlite_template)


@pytest.fixture
def db_app(
    app_config: dict[str, Any], database_url: str, migrated_sqlite_template: Path
) -> Iterator[Flask]:
    """The tool on a migrated database, once on SQLite and once on PostgreSQL."""
    yield from _migrated_app({**app_config, "DATABASE_URL": database_url}, migrated_sqlite_template)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
