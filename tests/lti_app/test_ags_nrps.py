"""AGS and NRPS clients against the demo LMS (lti1p3platform) served on 127.0.0.1.

The LMS checks our client assertion by fetching the tool's JWKS over HTTP, so the tool is
served too. Its roster pages carry lti1p3platform's unquoted ``rel=next``.
"""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from flask import Flask

from lti_app.demo_lms.context import EXTENSION_KEY
from lti_app.lti.services import ags, nrps
from lti_app.lti.services.http import ServiceError
from lti_app.lti.services.tokens import ServiceClient, TokenCache, service_client
from tests.support.servers import (
    LoopbackServer,
    create_line_item,
    recorded_scores,
)

TIMEOUT = (2.0, 5.0)


@pytest.fixture
def app_config(app_config: dict[str, Any], tool_server: LoopbackServer) -> dict[str, Any]:
    return {**app_config, "BASE_URL": tool_server.url}


@pytest.fixture
def client_of_lms(app: Flask, lms: Flask) -> ServiceClient:
    settings = lms.extensions[EXTENSION_KEY].settings
    with app.app_context():
        return service_client(settings.issuer, settings.client_id)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('<https://lms/m?p=2>; rel="next"', "https://lms/m?p=2"),
        ("<https://lms/m?p=2>; rel=next", "https://lms/m?p=2"),
        ("<https://lms/m?p=2>;rel=next", "https://lms/m?p=2"),
        ('<https://lms/m?p=1>; rel="first", <https://lms/m?p=3>; rel=next', "https://lms/m?p=3"),
        ('<https://lms/m?p=3>; rel="next last"', "https://lms/m?p=3"),
        ("<https://lms/m?p=3>; REL=Next", "https://lms/m?p=3"),
        ('<https://lms/m?p=9>; rel="last"', None),
        ("<https://lms/m?p=9>; rel=nextish", None),
        ("", None),
        (None, None),
    ],
)
def test_next_link_accepts_quoted_and_token_forms(header: str | None, expected: str | None) -> None:
    assert nrps.next_link(header) == expected


def test_roster_follows_unquoted_next_across_pages(
    app: Flask, lms: Flask, client_of_lms: ServiceClient
) -> None:
    settings = lms.extensions[EXTENSION_KEY].settings
    tokens = TokenCache()
    with app.app_context():
        # The platform really sends the token form (else this test would prove nothing).
        token = tokens.get(client_of_lms, [nrps.MEMBERSHIP_SCOPE], TIMEOUT)
        first = requests.get(
            settings.memberships_url + "?limit=1",
            timeout=TIMEOUT,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert "rel=next" in first.headers["Link"] and '"next"' not in first.headers["Link"]
        roster = nrps.fetch_roster(
            client_of_lms, settings.memberships_url + "?limit=1", timeout=TIMEOUT, tokens=tokens
        )
    assert roster.pages == len(settings.users) == 10  # one member per page
    assert [m.user_id for m in roster.members] == [u.sub for u in settings.users]
    assert roster.context_id == settings.course.context_id
    assert tokens.fetches == 1  # one token for the whole roster


def test_service_tokens_are_cached_per_scope_set_until_expiry(
    app: Flask, lms: Flask, client_of_lms: ServiceClient
) -> None:
    now = [time.time()]
    tokens = TokenCache(clock=lambda: now[0])
    with app.app_context():
        first = tokens.get(client_of_lms, [ags.SCORE_SCOPE], TIMEOUT)
        assert tokens.get(client_of_lms, [ags.SCORE_SCOPE], TIMEOUT) == first
        assert tokens.fetches == 1
        tokens.get(client_of_lms, [nrps.MEMBERSHIP_SCOPE], TIMEOUT)
        assert tokens.fetches == 2
        now[0] += 3600 - 30  # the demo LMS grants 3600 s; renew inside the safety margin
        tokens.get(client_of_lms, [ags.SCORE_SCOPE], TIMEOUT)
        assert tokens.fetches == 3


def test_score_reaches_the_platform_gradebook(
    app: Flask, lms: Flask, client_of_lms: ServiceClient
) -> None:
    lineitem = create_line_item(lms, "Module 1 (completion)")
    score = ags.Score(
        "demo-learner-bram",
        1,
        1,
        "Completed",
        "FullyGraded",
        datetime.now(UTC),
        comment="Module completed",
    )
    with app.app_context():
        status = ags.post_score(
            client_of_lms, lineitem, score, timeout=TIMEOUT, tokens=TokenCache()
        )
    assert 200 <= status < 300
    recorded = recorded_scores(lms, lineitem)["demo-learner-bram"]
    assert recorded["scoreGiven"] == 1.0 and recorded["activityProgress"] == "Completed"


def test_a_refused_token_is_dropped_and_fetched_again(
    app: Flask, lms: Flask, client_of_lms: ServiceClient
) -> None:
    lineitem = create_line_item(lms, "Module 2")
    tokens = TokenCache()
    tokens._tokens[
        (client_of_lms.issuer, client_of_lms.client_id, frozenset([ags.SCORE_SCOPE]))
    ] = ("forged-token", time.time() + 3600)
    score = ags.Score("demo-learner-bram", 1, 1, "Completed", "FullyGraded", datetime.now(UTC))
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            ags.post_score(client_of_lms, lineitem, score, timeout=TIMEOUT, tokens=tokens)
        assert refused.value.status == 401 and refused.value.retryable
        ags.post_score(client_of_lms, lineitem, score, timeout=TIMEOUT, tokens=tokens)
    assert tokens.fetches == 1
    assert "demo-learner-bram" in recorded_scores(lms, lineitem)


def test_scores_url_keeps_the_query_last() -> None:
    assert (
        ags.scores_url("https://moodle/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3")
        == "https://moodle/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=3"
    )


def test_a_silent_platform_times_out_quickly(app: Flask) -> None:
    """A socket that accepts but never answers: the call must give up within its timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        client = ServiceClient("https://lms.test", "c1", f"http://127.0.0.1:{port}/token")
        started = time.monotonic()
        with app.app_context(), pytest.raises(ServiceError) as error:
            TokenCache().get(client, [ags.SCORE_SCOPE], (0.5, 0.5))
        assert time.monotonic() - started < 3
    assert error.value.retryable and "did not answer in time" in str(error.value)
