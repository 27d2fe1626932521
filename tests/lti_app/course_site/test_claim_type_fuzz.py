"""Typed-claim mutations, generated from the claim table (``lti.claims.CLAIM_TYPES`` and
``MEMBER_TYPES``): every claim the tool or pylti1p3 reads, given every JSON type it must not
have, signed by the real platform key and posted through the real login and launch. Nothing
may answer 5xx or show a trace; a wrong type (not null) is a 4xx with the friendly page.

Beside the route fuzz (``test_route_fuzz.py``), which throws random requests at every route,
this one reaches the code behind a *valid signature*, where a registered platform's words
are read. A refused launch consumes nothing, so one login serves every refused mutation; a new
one is made after each launch that passes (a null counts as an absent claim); only the nonce
of the signed claims depends on the login.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from flask import Flask
from flask.testing import FlaskClient
from jwt.api_jws import PyJWS

from lti_app.lti import claims as c
from tests.support.launches import deep_link_settings, launch_claims
from tests.support.platforms import INSTRUCTOR, Platform

# One value of every JSON type: a string, a number, a boolean, null, an object, and an array
# (mixed, so it is not an array of strings either), plus an array of strings.
SAMPLES: list[Any] = ["text", 7.5, True, None, {"k": "v"}, ["a", 1], ["a", "b"]]
TRACE_MARKERS = ("Traceback (most recent call last)", 'File "/', "werkzeug.debug")
FRIENDLY = "Reference: <strong>E-"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # Hundreds of launches from one address in seconds: the per-address limit is not tested here
    # (a 429 would hide what the launch itself answers).
    return {**app_config, "LTI_RATE_LIMIT_ENABLED": False}


def _fits(value: Any, kind: str) -> bool:
    """Whether ``value`` is a legal value of ``kind`` (then it is no mutation)."""
    strings = isinstance(value, list) and all(isinstance(item, str) for item in value)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return {
        "string": isinstance(value, str),
        "number": number,
        "boolean": isinstance(value, bool),
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "strings": strings,
        "audience": isinstance(value, str) or strings,
    }[kind]


Mutation = tuple[str, str | None, Any]  # claim, member (None: the claim itself), value


def mutations() -> Iterator[Mutation]:
    for claim, kind in c.CLAIM_TYPES.items():
        for value in SAMPLES:
            if not _fits(value, kind):
                yield claim, None, value
    for (claim, member), kind in c.MEMBER_TYPES.items():
        for value in SAMPLES:
            if not _fits(value, kind):
                yield claim, member, value


def _mutated(base: dict[str, Any], mutation: Mutation) -> dict[str, Any]:
    claim, member, value = mutation
    claims = copy.deepcopy(base)
    if member is None:
        claims[claim] = value
    else:
        parent = claims.get(claim)
        claims[claim] = {**(parent if isinstance(parent, dict) else {}), member: value}
    return claims


class _Signer:
    """Signs as the platform does, but raw JSON: PyJWT's ``encode`` refuses a non-string
    ``iss``, and a hostile platform is not held back by its own library. The key is loaded
    once (loading a PEM costs more than a launch)."""

    def __init__(self, platform: Platform) -> None:
        self.key = load_pem_private_key(platform.private_pem.encode(), password=None)
        self.kid = platform.kid

    def __call__(self, claims: dict[str, Any]) -> str:
        payload = json.dumps(claims).encode()
        return PyJWS().encode(payload, self.key, "RS256", headers={"kid": self.kid})


def _bases(platform: Platform, auth: dict[str, str]) -> dict[bool, dict[str, Any]]:
    """The unmutated launches for one login: resource link (with AGS and NRPS) and deep link."""
    bases = {}
    for deep_link in (False, True):
        base = launch_claims(
            platform,
            auth,
            [INSTRUCTOR],
            lineitem=f"{platform.origin}/lineitems/1",
            deep_link=deep_link_settings(data="d") if deep_link else None,
        )
        base[c.NRPS] = {"context_memberships_url": f"{platform.origin}/memberships"}
        bases[deep_link] = base
    return bases


def _login(client: FlaskClient, initiation_url: str) -> dict[str, str]:
    """``Platform.start_login`` with the initiation URL built once (building it loads keys)."""
    assert client.get(initiation_url).status_code == 200  # the cookie-check page
    response = client.get(initiation_url + "&lti1p3_new_window=1")
    assert response.status_code == 302, response.status_code
    return dict(parse_qsl(urlsplit(response.headers["Location"]).query))


def test_every_claim_of_every_wrong_type_is_a_friendly_4xx(app: Flask, platform: Platform) -> None:
    sign = _Signer(platform)
    initiation_url = platform.login_initiation_url("user-1")
    client: FlaskClient = app.test_client()
    auth = _login(client, initiation_url)
    bases = _bases(platform, auth)
    failures: list[str] = []
    tried = 0
    for mutation in mutations():
        claim, member, value = mutation
        base = bases[claim == c.DEEP_LINKING_SETTINGS]
        response = platform.post_launch(client, auth, sign(_mutated(base, mutation)))
        tried += 1
        body = response.get_data(as_text=True)
        where = f"{claim}{'.' + member if member else ''} = {value!r}"
        if response.status_code >= 500 or any(marker in body for marker in TRACE_MARKERS):
            failures.append(f"{where} -> {response.status_code}")
        elif response.status_code >= 400 and FRIENDLY not in body:
            failures.append(f"{where} -> {response.status_code} without the friendly page")
        elif value is not None and not 400 <= response.status_code < 429:
            failures.append(f"{where} -> {response.status_code}: not refused as a bad launch")
        if response.status_code < 400:  # accepted: state and nonce are used up
            client = app.test_client()
            auth = _login(client, initiation_url)
            for fresh in bases.values():  # the one claim that depends on the login
                fresh["nonce"] = auth["nonce"]
    # The whole table, each entry with at least five other JSON types (and null).
    assert tried >= 5 * (len(c.CLAIM_TYPES) + len(c.MEMBER_TYPES)), tried
    assert not failures, "\n".join(failures[:30])
