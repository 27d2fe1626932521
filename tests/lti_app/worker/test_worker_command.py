"""`intervision worker`: `--once` for cron, and the loop that SIGTERM and SIGINT stop cleanly
(a real process, signalled as systemd and a terminal would); and the SMTP setting."""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from lti_app import create_app
from lti_app.cli_worker import worker
from lti_app.config import ConfigError
from tests.support.mail_course import NOW, WAIT, SmtpServer, book, build_world, new_session

INTERVISION = Path(sys.executable).parent / "intervision"


def test_once_runs_every_due_piece_and_reports_it(app: Flask, smtp_server: SmtpServer) -> None:
    # The command reads the real clock, so the session is due relative to it, not to NOW
    # (a session two hours after a fixed NOW is in the past once that day's CI runs later).
    moment = max(NOW, datetime.now(UTC).replace(microsecond=0))
    world = build_world(app, count=2)
    session_id = new_session(app, world, starts_at=moment + timedelta(hours=2))
    for person in world.people:
        book(app, world, session_id, person.id, now=moment)
    result = app.test_cli_runner().invoke(worker, ["--once"])
    assert result.exit_code == 0, result.output
    assert "notices: 2 made, 2 emailed" in result.output
    assert "scores: 0 delivered" in result.output
    assert len(smtp_server.inbox.wait_for(2)) == 2
    again = app.test_cli_runner().invoke(worker, ["--once"])
    assert "notices: 0 made, 0 emailed" in again.output


def _read_until(process: subprocess.Popen[bytes], wanted: bytes, seen: bytearray) -> None:
    """Read the process's output until ``wanted`` shows up, or fail after WAIT seconds."""
    assert process.stdout is not None
    deadline = time.monotonic() + WAIT
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while wanted not in seen:
            left = deadline - time.monotonic()
            assert left > 0, f"no {wanted!r} in the worker's output:\n{seen.decode()}"
            if selector.select(left):
                chunk = os.read(process.stdout.fileno(), 65536)
                assert chunk, f"the worker exited:\n{seen.decode()}"
                seen += chunk


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_the_loop_stops_cleanly_on_a_signal(
    tmp_path: Path, migrated_sqlite_template: Path, stop_with: signal.Signals
) -> None:
    database = tmp_path / "worker.sqlite3"
    shutil.copy(migrated_sqlite_template, database)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "INTERVISION_DATABASE_URL": f"sqlite:///{database}",
        "INTERVISION_INSTANCE_PATH": str(tmp_path / "instance"),
        "INTERVISION_SECRET_KEY": "worker-test-" + "k" * 32,
        "INTERVISION_BASE_URL": "http://127.0.0.1:5000",
    }
    process = subprocess.Popen(
        [str(INTERVISION), "worker", "--interval", "0.2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
    )  # fmt: skip
    seen = bytearray()
    try:
        _read_until(process, b"worker: running every 0.2 s", seen)
        process.send_signal(stop_with)
        assert process.wait(timeout=WAIT) == 0
        _read_until(process, b"worker: stopped after", seen)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WAIT)
        assert process.stdout is not None
        seen += process.stdout.read()
        process.stdout.close()
    output = seen.decode()
    assert f"{stop_with.name} received" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "url",
    ["http://mail.test", "smtp://", "smtp://mail.test:port", "smtps://u:secret@mail.test/x"],
)
def test_a_malformed_smtp_url_stops_the_start_with_a_clear_message(
    app_config: dict[str, Any], url: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        create_app({**app_config, "SMTP_URL": url})
    message = str(refused.value)
    assert "INTERVISION_SMTP_URL" in message and "smtp://" in message
    assert "secret" not in message  # the URL may hold a password: never repeated


def test_smtp_settings_read_from_the_url(app_config: dict[str, Any]) -> None:
    from lti_app.services.notifications import smtp_settings

    app = create_app({**app_config, "SMTP_URL": "smtps://me%40x.test:p%3Ass@mail.test:2465"})
    settings = smtp_settings(app)
    assert settings is not None
    assert (settings.host, settings.port, settings.tls) == ("mail.test", 2465, True)
    assert (settings.username, settings.password) == ("me@x.test", "p:ss")
    plain = smtp_settings(create_app({**app_config, "SMTP_URL": "smtp://mail.test"}))
    assert plain is not None and (plain.port, plain.tls) == (25, False)
    assert smtp_settings(create_app({**app_config, "SMTP_URL": None})) is None
    with pytest.raises(ConfigError, match="INTERVISION_SMTP_FROM"):
        create_app({**app_config, "SMTP_FROM": "not an address"})
