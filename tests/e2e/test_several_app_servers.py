"""Two ``intervision serve`` processes behind a real nginx (Debian, round-robin), one PostgreSQL,
one Redis, configured from docs/admin/production.md (``tests/support/app_cluster.py``).

Which process answered each request is nginx's documented debugging header ``X-Upstream``.
Proved over real HTTP: a login answered by one process is launched on the other; a replayed
launch is refused by the other (state and nonce shared); a session works on both; one learner's
login rate limit counts once across both; a rotated key is published by both; and killing one
process (SIGKILL, its whole process group) while learners open a module and mark it done loses
no confirmed write: every completion answered 303 is in PostgreSQL and the survivor shows it.
"""

from __future__ import annotations

import html
import os
import re
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
from lti_app.storage.progress_models import ModuleCompletion
from tests.support.app_cluster import (
    CUT_OFF,
    Answer,
    Browser,
    Cluster,
    free_port,
    running_cluster,
)
from tests.support.classroom import ISSUER, CampusPlatform, auth_params, register
from tests.support.databases import RedisServer
from tests.support.sites import write_site

pytestmark = pytest.mark.postgres

SECRET_KEY = "several-app-servers-" + "k" * 44
LEARNER_LIMIT = 30  # the default, counted once across both processes
LOAD_LEARNERS = 40
LOAD_THREADS = 4
KILL_AFTER_CONFIRMED = 8
MODULE = "what-is-intervision"
MODULE_LINK = {"kind": "module", "intervision_ref": MODULE}
COMPLETED = (200, 302, 303, 200, 303)  # check page, login, launch, module page, marked done
DONE_FORM = re.compile(
    r'<form method="post" action="(?P<action>[^"]+/done)">\s*'
    r'<input type="hidden" name="csrf_token" value="(?P<token>[^"]+)">'
)


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
        "INTERVISION_SITE_DIR": str(write_site(tmp_path / "site")),
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


def _complete_module(browser: Browser, campus: CampusPlatform, learner: str) -> list[Answer]:
    """Open the module link (cookie-check page, login, launch, the module page), then mark it
    done with the page's form: the 303 of that POST confirms a progress row."""
    answers = [browser.send("GET", f"/lti/login?{campus.login_query(learner, False)}")]
    if answers[-1].status != 200:
        return answers
    answers.append(browser.send("GET", f"/lti/login?{campus.login_query(learner, True)}"))
    if answers[-1].status != 302:
        return answers
    auth = auth_params(answers[-1].location)
    token = campus.id_token(learner, auth, MODULE_LINK)
    answers.append(browser.send("POST", "/lti/launch", {"id_token": token, "state": auth["state"]}))
    if answers[-1].status != 303:
        return answers
    answers.append(browser.send("GET", _landing_path(answers[-1])))
    form = DONE_FORM.search(answers[-1].body)
    if answers[-1].status != 200 or form is None:
        return answers
    action, csrf = html.unescape(form["action"]), html.unescape(form["token"])
    answers.append(browser.send("POST", action, {"csrf_token": csrf}))
    return answers


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
    """Learners complete a module from 4 threads; after 8 confirmed completions one process
    is SIGKILLed, with its workers."""
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
        answers = _complete_module(browser, campus, learner)
        with lock:
            outcomes[learner] = tuple(answer.status for answer in answers)
            if outcomes[learner] == COMPLETED:
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
    failed = {learner: codes for learner, codes in outcomes.items() if codes != COMPLETED}
    # Only requests in flight on the dying process fail: a POST as nginx's 502 (a GET is
    # retried by nginx on the survivor), or any answer the process was half-way through
    # sending (CUT_OFF: nginx had passed its headers on). At most one in flight per thread when
    # it died, and as many again sent to it before nginx marked it down at the first failure.
    assert all(
        codes[-1] in (502, CUT_OFF) and codes[:-1] == COMPLETED[: len(codes) - 1]
        for codes in failed.values()
    ), failed
    assert len(failed) <= 2 * LOAD_THREADS, failed
    assert len(after_kill) >= LOAD_LEARNERS // 2, (len(after_kill), failed)

    # Every confirmed completion is in PostgreSQL, and the survivor shows it as done.
    with tool.app_context(), db.transaction() as session:
        stored = set(
            session.scalars(
                select(LtiUser.sub)
                .join(ModuleCompletion, ModuleCompletion.user_id == LtiUser.id)
                .where(LtiUser.issuer == ISSUER, ModuleCompletion.module_slug == MODULE)
            )
        )
    assert {learner for learner, _, _ in confirmed} <= stored
    for _learner, browser, launch in confirmed:
        page = browser.send("GET", _landing_path(launch))
        assert page.status == 200 and "iv-done-badge" in page.body, page.body[:400]
        assert page.upstream == survivor.address
