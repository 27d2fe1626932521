"""Route fuzz: every route of the tool, random methods, paths, query strings and bodies, with no
session, a learner's launch and an instructor's deep-linking launch. Nothing may answer 5xx,
and no answer may echo a stack trace. Deterministic (fixed seed) and bounded.

Values that reach dynamic registration's URL fetch are drawn from a list that is refused
before any network use (no DNS, no connection): the fuzz never leaves loopback.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.support.launches import TOOL, LaunchAs, csrf_token, deep_link_settings

SEED = 20261113
REQUESTS_PER_SESSION = 400
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
FIELD_NAMES = [
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
    "lti1p3_new_window",
    "id_token",
    "state",
    "item",
    "graded",
    "registration_token",
    "openid_configuration",
    "csrf_token",
    "JWT",
    "path",
]
# Refused by check_platform_url before any resolution or connection.
SAFE_CONFIGURATION_URLS = [
    "",
    " ",
    "not a url",
    "ftp://example.invalid/x",
    "http://10.0.0.1/config",
    "https://127.0.0.1:1/config",
    "https://[::1]/config",
    "https://192.168.1.1/c",
    "https:///nohost",
    "javascript:alert(1)",
    "//127.0.0.1/x",
    "\u0000",
]
TRACE_MARKERS = ("Traceback (most recent call last)", 'File "/', "werkzeug.debug")


def _text(rng: random.Random, limit: int = 40) -> str:
    alphabet = string.printable + "éß漢字\u202e\u0000\ud7ff<>\"'&%/..\\"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, limit)))


def _value(rng: random.Random, name: str) -> str:
    if name == "openid_configuration":
        return rng.choice(SAFE_CONFIGURATION_URLS)
    choice = rng.random()
    if choice < 0.1:
        return "x" * rng.randint(1_000, 20_000)
    if choice < 0.2:
        return "eyJhbGciOiJSUzI1NiJ9." + _text(rng) + "." + _text(rng)
    if choice < 0.3:
        return rng.choice(
            ["module:troika", "signup:s1", "module:", ":", "yes", TOOL + "/lti/launch"]
        )
    return _text(rng)


def _fields(rng: random.Random) -> dict[str, str]:
    names = rng.sample(FIELD_NAMES, rng.randint(0, 5))
    if rng.random() < 0.3:
        names.append(_text(rng, 12) or "k")
    return {name: _value(rng, name) for name in names}


def _path_for(rule: Rule, rng: random.Random) -> str:
    path = rule.rule
    for argument in rule.arguments:
        piece = rng.choice(
            [
                _text(rng, 20).replace("/", "").replace("?", "").replace("#", "") or "a",
                "troika",
                "what-is-intervision",
                "s1",
                "..",
                "%2e%2e",
                "..%2f..%2fetc%2fpasswd",
                "modules/02-troika/",
                "index.html",
                "assets/site.css",
                "a" * 3000,
            ]
        )
        path = path.replace(f"<path:{argument}>", piece).replace(f"<{argument}>", piece)
    return path


def _request(client: FlaskClient, rng: random.Random, rule: Rule, token: str | None) -> Any:
    method = rng.choice(METHODS)
    path = _path_for(rule, rng)
    query = _fields(rng) if rng.random() < 0.6 else {}
    headers = {}
    if rng.random() < 0.5:
        headers = {"Referer": TOOL + "/", "Origin": TOOL}
    kind = rng.random()
    kwargs: dict[str, Any] = {"query_string": query, "headers": headers}
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        if kind < 0.5:
            data = _fields(rng)
            if token is not None and rng.random() < 0.7:
                data["csrf_token"] = token
            kwargs["data"] = data
        elif kind < 0.65:
            kwargs["data"] = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 2000)))
            kwargs["content_type"] = rng.choice(
                ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]
            )
        elif kind < 0.75:
            kwargs["data"] = {"item": "x" * (300 * 1024)}  # over MAX_CONTENT_LENGTH
        elif kind < 0.85:
            kwargs["json"] = {"id_token": _text(rng), "nested": [_fields(rng)]}
    return method, path, client.open(TOOL + path, method=method, **kwargs)


Sessions = dict[str, tuple[FlaskClient, str | None]]


@pytest.fixture
def sessions(app: Flask, launch_as: LaunchAs) -> Iterator[Sessions]:
    """Clients with no launch, a learner's launch and an instructor's deep-linking launch, each
    with a CSRF token from a page it can see (None without a launch). The launches are written
    through the tool's storage (``launch_as``): the fuzzing is about the routes, not the login."""
    learner = app.test_client()
    landed = launch_as(
        "learner", client=learner, custom={"kind": "module", "intervision_ref": "troika"}
    )
    module_page = learner.get(landed.url("/site/modules/02-troika/"))
    assert module_page.status_code == 200
    instructor = app.test_client()
    landed = launch_as(
        "instructor", client=instructor, user_id="teacher", deep_link=deep_link_settings()
    )
    picker = instructor.get(landed.url("/deep-linking/"))
    assert picker.status_code == 200
    yield {
        "anonymous": (app.test_client(), None),
        "learner": (learner, csrf_token(module_page.get_data(as_text=True))),
        "instructor": (instructor, csrf_token(picker.get_data(as_text=True))),
    }


@pytest.mark.parametrize("who", ["anonymous", "learner", "instructor"])
def test_no_route_answers_5xx_or_a_stack_trace(app: Flask, sessions: Sessions, who: str) -> None:
    client, token = sessions[who]
    rng = random.Random(f"{SEED}-{who}")
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
    failures = []
    for _ in range(REQUESTS_PER_SESSION):
        method, path, response = _request(client, rng, rng.choice(rules), token)
        body = response.get_data(as_text=True)
        response.close()  # HEAD answers leave send_file's handle open otherwise
        if response.status_code >= 500 or any(marker in body for marker in TRACE_MARKERS):
            failures.append(f"{method} {path[:80]!r} -> {response.status_code}")
    assert not failures, "\n".join(failures[:20])
