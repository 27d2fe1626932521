"""The per-process cache of restored launches (``lti_app/lti/launch_cache.py``).

What it may change: how often a process reads a launch record. What it must not: who may use
a launch (the signed session decides, before the cache is asked), and when a launch ends (never
after its record's expiry, never later than the cache's TTL).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from lti_app.domain.roles import Role
from lti_app.lti.current import launch_cache
from lti_app.lti.launch import Launch, TenantRef, UserRef
from lti_app.lti.launch_cache import EXPIRES_AT, LaunchCache
from lti_app.storage import db
from lti_app.storage.models import LaunchRecord
from tests.support.clock import Clock
from tests.support.launches import LaunchAs

MODULE_LINK = {"kind": "module", "intervision_ref": "troika"}


def _launch(launch_id: str) -> Launch:
    return Launch(
        launch_id=launch_id,
        tenant=TenantRef(1, "https://lms.test", "client", "deployment"),
        course=None,
        user=UserRef(7, "sub-7", "", ""),
        role=Role.LEARNER,
        message_type="LtiResourceLinkRequest",
        resource_link=None,
    )


def _cache(ttl: float = 60.0, max_entries: int = 100) -> tuple[LaunchCache, Clock]:
    clock = Clock()
    return LaunchCache(ttl=ttl, max_entries=max_entries, clock=clock), clock


def test_a_launch_is_kept_until_its_record_expires_when_that_comes_before_the_ttl() -> None:
    cache, clock = _cache(ttl=60)
    cache.put(_launch("a"), clock.now + 5)
    clock.now += 4.9
    assert cache.get("a") == _launch("a")
    clock.now += 0.1
    assert cache.get("a") is None


def test_a_launch_is_kept_no_longer_than_the_ttl() -> None:
    cache, clock = _cache(ttl=60)
    cache.put(_launch("a"), clock.now + 3600)
    clock.now += 59.9
    assert cache.get("a") is not None
    clock.now += 0.1
    assert cache.get("a") is None


@pytest.mark.parametrize("expires_at", [None, "soon", 999.0])
def test_a_record_without_a_future_expiry_is_not_cached(expires_at: Any) -> None:
    cache, _clock = _cache()  # the clock is at 1000: 999 has passed
    cache.put(_launch("a"), expires_at)
    assert cache.get("a") is None and len(cache) == 0


def test_a_ttl_of_zero_turns_the_cache_off() -> None:
    cache, clock = _cache(ttl=0)
    cache.put(_launch("a"), clock.now + 3600)
    assert cache.get("a") is None


def test_the_least_recently_used_launch_goes_first_when_full() -> None:
    cache, clock = _cache(max_entries=2)
    cache.put(_launch("a"), clock.now + 3600)
    cache.put(_launch("b"), clock.now + 3600)
    assert cache.get("a") is not None  # a is now the most recently used
    cache.put(_launch("c"), clock.now + 3600)
    assert [cache.get(i) is not None for i in "abc"] == [True, False, True]


@pytest.fixture
def record_reads(app: Flask) -> Iterator[list[str]]:
    """The SQL statements that read a launch record, as the tool sends them."""
    reads: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("SELECT") and "FROM launch_record" in statement:
            reads.append(statement)

    engine = db.get_engine(app)
    event.listen(engine, "before_cursor_execute", seen)
    yield reads
    event.remove(engine, "before_cursor_execute", seen)


def test_pages_of_one_launch_read_its_record_once_per_process(
    client: FlaskClient, launch_as: LaunchAs, record_reads: list[str]
) -> None:
    launched = launch_as("learner", custom=MODULE_LINK, user_id="ada")
    for _ in range(3):
        assert client.get(launched.url("/course/")).status_code == 200
    assert len(record_reads) == 1


def test_a_cached_launch_is_refused_to_a_browser_whose_session_does_not_hold_it(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    adas = launch_as("learner", custom=MODULE_LINK, user_id="ada", context_id="course-A")
    assert client.get(adas.url("/course/")).status_code == 200  # now in this process's cache
    other = app.test_client()
    launch_as("learner", client=other, custom=MODULE_LINK, user_id="bob", context_id="course-B")
    refused = other.get(adas.url("/course/"))
    assert refused.status_code == 403
    assert "Course course-A" not in refused.get_data(as_text=True)


def test_the_record_says_when_it_expires_no_later_than_the_store_lets_it_go(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    before = time.time()
    launched = launch_as("learner", custom=MODULE_LINK, user_id="ada")
    with app.app_context(), db.transaction() as session:
        row = session.execute(
            select(LaunchRecord.data, LaunchRecord.expires_at).where(
                LaunchRecord.launch_id == launched.launch_id
            )
        ).one()
    lifetime = app.permanent_session_lifetime
    stored_expiry = row.expires_at.timestamp()
    assert before + lifetime.total_seconds() <= row.data[EXPIRES_AT] <= stored_expiry
    assert stored_expiry - row.data[EXPIRES_AT] < timedelta(seconds=5).total_seconds()


def test_a_launch_whose_record_is_gone_is_refused_once_the_ttl_has_passed(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    """The TTL bounds what another process (or a prune) does to records; expiry itself is
    bounded by the record (above, and ``test_multi_launch``)."""
    launched = launch_as("learner", custom=MODULE_LINK, user_id="ada")
    assert client.get(launched.url("/course/")).status_code == 200
    with app.app_context(), db.write_transaction() as session:  # the store lets it go
        session.query(LaunchRecord).filter_by(launch_id=launched.launch_id).delete()
    assert client.get(launched.url("/course/")).status_code == 200  # still within the TTL
    cache = launch_cache(app)
    cache.clock = lambda: time.time() + cache.ttl
    assert client.get(launched.url("/course/")).status_code == 401
