"""Two ``intervision serve`` processes behind a real nginx (Debian, round-robin), one PostgreSQL,
one Redis, configured from docs/admin/production.md (``tests/support/app_cluster.py``).

Which process answered each request is nginx's documented debugging header ``X-Upstream``.
Proved over real HTTP: a login answered by one process is launched on the other; a replayed
launch is refused by the other (state and nonce shared); a session works on both; one learner's
login rate limit counts once across both; a rotated key is published by both; and killing one
process (SIGKILL, its whole process group) in the middle of a stream of launches loses no
confirmed launch: every learner answered 303 has their row in PostgreSQL and their session still
works, answered by the survivor.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from benchmarks.lti_platform import PlatformKey, running_jwks_server
from lti_app import create_app
from lti_app.cli_commands import apply_migrations
from lti_app.lti import keys
from lti_app.storage import db
from lti_app.storage.models import LtiUser
from tests.support.app_cluster import Answer, Browser, Cluster, free_port, running_cluster
from tests.support.classroom import ISSUER, CampusPlatform, auth_params, register
from tests.support.databases import RedisServer

pytestmark = pytest.mark.postgres

SECRET_KEY = "several-app-servers-" + "k" * 44
LEARNER_LIMIT = 30  # the default, counted once across both processes
LOAD_LEARNERS = 60
LOAD_THREADS = 4
KILL_AFTER_CONFIRMED = 12


@pytest.fixture
def cluster(
    tmp_path: Path, migrated_postgres_database: str, redis_server: RedisServer
) -> Iterator[tuple[Cluster, CampusPlatform, Flask]]:
    nginx_port = free_port()
    base_url = f"http://127.0.0.1:{nginx_port}"
    prefix = f"cluster-{uuid.uuid4().hex[:10]}:"
    settings = {
        "INTERVISION_BASE_URL": base_url,
        "INTERVISION_PROXY_FIX": "1",
        "INTERVISION_SECRET_KEY": SECRET_KEY,
        "INTERVISION_DATABASE_URL": migrated_postgres_database,
        "INTERVISION_REDIS_URL": redis_server.url,
        "INTERVISION_REDIS_KEY_PREFIX": prefix,
    }
    # The test process: migrations and the signing key before any server starts (two servers
    # must not both make the first key), the platform's registration, and reading back.
    tool = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "test-instance"),
            "BASE_URL": base_url,
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": migrated_postgres_database,
            "REDIS_URL": redis_server.url,
            "REDIS_KEY_PREFIX": prefix,
        }
    )
    with tool.app_context():
        apply_migrations(tool)
    platform_key = PlatformKey.generate(kid="campus-lms")
    with running_jwks_server(platform_key.jwks) as jwks_url:
        register(tool, jwks_url)
        environment = {**_inherited_environment(), **settings}
        with running_cluster(tmp_path / "cluster", environment, nginx_port) as running:
            yield running, CampusPlatform(platform_key, base_url), tool
    db.get_engine(tool).dispose()


def _inherited_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("INTERVISION_")}


def _open(browser: Browser, campus: CampusPlatform, learner: str) -> tuple[Answer, ...]:
    """The cookie-check page, the login in the new window, the signed launch."""
    check = browser.send("GET", f"/lti/login?{campus.login_query(learner, False)}")
    login = browser.send("GET", f"/lti/login?{campus.login_query(learner, True)}")
    if login.status != 302:
        return check, login
    auth = auth_params(login.location)
    form = {"id_token": campus.id_token(learner, auth), "state": auth["state"]}
    return check, login, browser.send("POST", "/lti/launch", form)


def _landing_path(launch: Answer) -> str:
    """Where the launch sent the browser (path and query, relative or absolute Location)."""
    parts = urlsplit(launch.location)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_two_app_servers_behind_nginx_share_everything_and_survive_a_kill(
    cluster: tuple[Cluster, CampusPlatform, Flask],
) -> None:
    running, campus, tool = cluster
    port = running.nginx.port
    addresses = {server.address for server in running.servers}

    # A login answered by one process, its launch by the other.
    ada = Browser(port)
    check = ada.send("GET", f"/lti/login?{campus.login_query('ada', False)}")
    login = ada.send("GET", f"/lti/login?{campus.login_query('ada', True)}")
    assert (check.status, login.status) == (200, 302), running.logs()
    auth = auth_params(login.location)
    form = {"id_token": campus.id_token("ada", auth), "state": auth["state"]}
    before_launch = dict(ada.cookies)
    launch = ada.send("POST", "/lti/launch", form)
    assert launch.status == 303, (launch.body[:600], running.logs())
    assert {login.upstream, launch.upstream} == addresses, (login.upstream, launch.upstream)

    # The same launch replayed (same token, state and state cookie) on the other process.
    replay = Browser(port, before_launch).send("POST", "/lti/launch", form)
    assert replay.upstream != launch.upstream
    assert 400 <= replay.status < 500 and "Reference:" in replay.body

    # The session works on both processes.
    pages = [ada.send("GET", _landing_path(launch)) for _ in range(2)]
    assert {page.upstream for page in pages} == addresses
    assert [page.status for page in pages] == [200, 200], pages[0].body[:600]
    assert all("Learner ada" in page.body for page in pages), pages[0].body[:600]

    # One learner's login limit counts once for both processes (not 30 on each).
    bo = Browser(port)
    answers = [
        bo.send("GET", f"/lti/login?{campus.login_query('bo', True)}")
        for _ in range(LEARNER_LIMIT + 1)
    ]
    assert [a.status for a in answers] == [302] * LEARNER_LIMIT + [429]
    assert {a.upstream for a in answers[:LEARNER_LIMIT]} == addresses

    # A key rotated once (from any machine) is published by both processes.
    rotated = keys.rotate_keys(tool, overlap=timedelta(hours=48))
    jwks = [Browser(port).send("GET", "/.well-known/jwks.json") for _ in range(2)]
    assert {answer.upstream for answer in jwks} == addresses
    assert all(f'"{rotated.kid}"' in answer.body for answer in jwks)

    _kill_one_mid_load(running, campus, tool)


def _kill_one_mid_load(running: Cluster, campus: CampusPlatform, tool: Flask) -> None:
    """Launches stream in from 4 threads; after 12 confirmed ones a process is SIGKILLed."""
    port = running.nginx.port
    victim, survivor = running.servers
    confirmed: list[tuple[str, Browser, Answer]] = []
    outcomes: dict[str, tuple[int, ...]] = {}
    lock = threading.Lock()
    enough = threading.Event()
    killed = threading.Event()
    after_kill: list[str] = []

    def one(number: int) -> None:
        learner = f"load-{number}"
        browser = Browser(port)
        answers = _open(browser, campus, learner)
        with lock:
            outcomes[learner] = tuple(answer.status for answer in answers)
            if len(answers) == 3 and answers[2].status == 303:
                confirmed.append((learner, browser, answers[2]))
                if killed.is_set():
                    after_kill.append(learner)
                if len(confirmed) >= KILL_AFTER_CONFIRMED:
                    enough.set()

    with ThreadPoolExecutor(LOAD_THREADS) as pool:
        futures = [pool.submit(one, number) for number in range(LOAD_LEARNERS)]
        assert enough.wait(timeout=120), (outcomes, running.logs())
        victim.kill()
        killed.set()
        for future in futures:
            future.result()

    assert victim.process.poll() is not None
    failed = {learner: codes for learner, codes in outcomes.items() if codes != (200, 302, 303)}
    # Only launches in flight on the dying process fail, as nginx's 502 (a login is a GET: nginx
    # retries it on the survivor). At most one in flight per thread when it died, and as many
    # again sent to it before nginx marked it down at the first failure.
    assert all(set(codes) <= {200, 302, 502} for codes in failed.values()), failed
    assert len(failed) <= 2 * LOAD_THREADS, failed
    assert len(after_kill) >= LOAD_LEARNERS // 2, (len(after_kill), failed)

    # Every confirmed launch is in PostgreSQL, and its session still works (on the survivor).
    with tool.app_context(), db.transaction() as session:
        stored = set(session.scalars(select(LtiUser.sub).where(LtiUser.issuer == ISSUER)))
    assert {learner for learner, _, _ in confirmed} <= stored
    for learner, browser, launch in confirmed:
        page = browser.send("GET", _landing_path(launch))
        assert page.status == 200 and f"Learner {learner}" in page.body, page.body[:400]
        assert page.upstream == survivor.address
