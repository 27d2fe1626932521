"""A lecture behind one campus NAT: 1000 distinct learners open the activity one after another
from one address, as fast as the app answers (about 10 s here), through the real app
(cookie-check page, login, signed launch), with the LTI state and the counters in the
database/memory and in a real Redis. None is refused; a flood from that address, and one
learner's reload loop, are still refused with a 429."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from limits import parse

from benchmarks.lti_platform import PlatformKey, running_jwks_server
from lti_app.lti.rate_limits import (
    DEFAULT_LEARNER_LIMIT,
    DEFAULT_LIMIT,
    LEARNER_MESSAGE,
    MESSAGE,
    entry_limits,
    rules,
)
from tests.support.classroom import (
    ISSUER,
    CampusPlatform,
    Opened,
    open_in_process,
    open_lecture,
    register,
    summary,
)

TOOL = "https://tool.test"
CAMPUS_NAT = "203.0.113.50"
LECTURE = 1000
WINDOW_MINUTES = 10
GOT_IN = Opened(200, 302, 303)
UNKNOWN = "https://not-registered.example"


@pytest.fixture(scope="module")
def platform_key() -> PlatformKey:
    return PlatformKey.generate(kid="campus-lms")


@pytest.fixture
def app_config(app_config: dict[str, Any], state_backend: dict[str, Any]) -> dict[str, Any]:
    """The default amounts, in a window widened from a minute to ten: a loaded CI machine can
    then not spread the lecture over two windows (and reset the counters the test reads)."""
    widened = {
        setting: f"{parse(default).amount} per {WINDOW_MINUTES} minutes"
        for setting, default in (
            ("LTI_RATE_LIMIT", DEFAULT_LIMIT),
            ("LTI_LEARNER_RATE_LIMIT", DEFAULT_LEARNER_LIMIT),
        )
    }
    return {**app_config, **state_backend, **widened, "BASE_URL": TOOL}


@pytest.fixture
def campus(app: Flask, platform_key: PlatformKey) -> Iterator[CampusPlatform]:
    with running_jwks_server(platform_key.jwks) as jwks_url:
        register(app, jwks_url)
        yield CampusPlatform(platform_key, TOOL)


def _login_status(app: Flask, campus: CampusPlatform, learner: str, issuer: str = "") -> int:
    client = app.test_client()
    query = campus.login_query(learner, True)
    if issuer:
        query = query.replace(quote(ISSUER, safe=""), quote(issuer, safe=""))
    url = f"{TOOL}/lti/login?{query}"
    return client.get(url, environ_base={"REMOTE_ADDR": CAMPUS_NAT}).status_code


def test_a_lecture_of_1000_behind_one_address_gets_in_and_a_flood_is_still_slowed(
    app: Flask, campus: CampusPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)  # not 2,000 captured "refused" warnings from the flood
    answers, seconds = open_lecture(
        LECTURE, lambda learner: open_in_process(app, campus, learner, CAMPUS_NAT)
    )
    assert summary(answers) == {GOT_IN: LECTURE}
    assert seconds < WINDOW_MINUTES * 60, "the lecture must arrive within one window"

    # The limiter saw every one of them (it ran, it did not refuse): 1000 counted logins (the
    # cookie-check page is not counted) and 1000 launches out of the address's 3000.
    limits = entry_limits(app)
    login_address, login_learner = rules(app)["lti.login"]
    (launch_address,) = rules(app)["lti.launch"]
    ceiling = login_address.item.amount
    assert ceiling == 3000 and login_learner.item.amount == 30
    assert limits.remaining(login_address, CAMPUS_NAT) == ceiling - LECTURE
    assert limits.remaining(launch_address, CAMPUS_NAT) == ceiling - LECTURE

    # One learner's browser reloading the login: 30 requests a window (the first open used 2),
    # then a 429 for that learner only; a classmate behind the same address still gets in.
    reloads = [_login_status(app, campus, "learner-7") for _ in range(29)]
    assert reloads[:28] == [302] * 28 and reloads[28] == 429
    refused = app.test_client().get(
        f"{TOOL}/lti/login?{campus.login_query('learner-7', True)}",
        environ_base={"REMOTE_ADDR": CAMPUS_NAT},
    )
    assert refused.status_code == 429 and LEARNER_MESSAGE in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= WINDOW_MINUTES * 60
    assert open_in_process(app, campus, "late-arrival", CAMPUS_NAT) == GOT_IN

    # A flood from the address (a script naming a platform nobody registered, each a new
    # login hint; refusals count too): what the window has left, then 429 for everyone there.
    left = limits.remaining(login_address, CAMPUS_NAT)
    assert left == ceiling - LECTURE - 28 - 1
    flood = [_login_status(app, campus, f"flood-{n}", UNKNOWN) for n in range(left + 1)]
    assert flood[:left] == [403] * left and flood[left] == 429
    over = app.test_client().get(
        f"{TOOL}/lti/login?{campus.login_query('one-more', True)}",
        environ_base={"REMOTE_ADDR": CAMPUS_NAT},
    )
    assert over.status_code == 429 and MESSAGE in over.text
    assert "no-store" in over.headers["Cache-Control"]
    # Another network is not touched by this one's flood.
    assert open_in_process(app, campus, "elsewhere", "198.51.100.20") == GOT_IN
