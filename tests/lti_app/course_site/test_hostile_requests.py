"""Requests no browser sends, at every route: NUL bytes and broken encodings in the path and the
query, huge and numerous headers, header values that are not text. Beside the route fuzz
(random methods and bodies), this one goes through the request *envelope*: every route, every
hostile variant, each answered below 500 with no trace, and a 4xx page with the friendly page
(a calendar feed's bare text 404 is its own, deliberate answer).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.support.launches import TOOL, LaunchAs

TRACE_MARKERS = ("Traceback (most recent call last)", 'File "/', "werkzeug.debug")
FRIENDLY = "Reference: <strong>E-"
# Path segments put where a route has an argument (and appended where it has none).
SEGMENTS = ["a%00b", "%ff%fe", "..%c0%ae%e2%80%ae", "x" * 4000]
QUERIES = ["iss=%00&login_hint=%ff", "a=" + "%00" * 200, "%zz=%", "&&==&", "state=%c3%28"]
HEADER_SETS: list[dict[str, str]] = [
    {"X-Junk": "j" * 100_000},  # one huge header
    {f"X-Junk-{n}": "v" for n in range(500)},  # very many
    {"Referer": "\xff\xfe\x00bad", "Origin": "\x00", "Accept-Language": "\xe9\u2028"},
    {"Cookie": "__Host-intervision=" + "A" * 8000 + "; lti1p3-x=\x00"},
    {"Content-Type": "multipart/form-data", "Content-Length": "999999999999"},
    {"Host": "evil.example\x00", "X-Forwarded-For": "1.1.1.1, \x00, ::::"},
]


def _paths(rule: Rule) -> Iterator[str]:
    for segment in SEGMENTS:
        path = rule.rule
        if rule.arguments:
            for argument in rule.arguments:
                path = path.replace(f"<path:{argument}>", segment)
                path = path.replace(f"<{argument}>", segment)
        else:
            path = path.rstrip("/") + "/" + segment
        yield path


@pytest.fixture
def learner(app: Flask, launch_as: LaunchAs) -> FlaskClient:
    client = app.test_client()
    launch_as("learner", client=client, custom={"kind": "module", "intervision_ref": "troika"})
    return client


def _check(response: Any, what: str, failures: list[str]) -> None:
    body = response.get_data(as_text=True)
    response.close()
    if response.status_code >= 500 or any(marker in body for marker in TRACE_MARKERS):
        failures.append(f"{what} -> {response.status_code}")
    elif response.status_code >= 400 and response.mimetype == "text/html" and FRIENDLY not in body:
        failures.append(f"{what} -> {response.status_code} without the friendly page")


def test_hostile_paths_queries_and_headers_never_answer_5xx(
    app: Flask, learner: FlaskClient
) -> None:
    rules = sorted({rule.rule: rule for rule in app.url_map.iter_rules()}.values(), key=str)
    failures: list[str] = []
    for number, rule in enumerate(rules):
        method = "POST" if "POST" in (rule.methods or ()) else "GET"
        for path in _paths(rule):
            _check(learner.open(TOOL + path, method=method), f"{method} {path[:60]!r}", failures)
        query = QUERIES[number % len(QUERIES)]
        _check(learner.open(f"{TOOL}{rule.rule}?{query}", method=method), query, failures)
        headers = HEADER_SETS[number % len(HEADER_SETS)]
        response = learner.open(TOOL + rule.rule, method=method, headers=headers)
        _check(response, f"{method} {rule.rule} with {list(headers)[:2]}", failures)
    assert not failures, "\n".join(failures[:30])
