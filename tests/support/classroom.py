"""A lecture of distinct learners opening the activity, fast enough to run 1000 of them.

The platform side is ``benchmarks.lti_platform`` (a preloaded RSA key: signing costs ~0.3 ms;
parsing a PEM per token, as ``tests.support.platforms`` does, would cost ~70 ms a learner).
Each learner is a fresh browser doing what a real one does: the platform's login initiation
(the tool answers its cookie-check page), the same login in a new window (302 with the state
cookie), then the form POST of the id_token signed with the tool's state and nonce (303).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Flask

from benchmarks.lti_platform import PlatformKey, id_token_claims
from lti_app.storage import db, registrations_repo

ISSUER = "https://lms.campus.example"
CLIENT_ID = "campus-client"
DEPLOYMENT_ID = "campus-deployment"
AUTH_LOGIN_URL = "https://lms.campus.example/auth"
LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
SERVICE_CLAIMS = (
    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint",
    "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice",
)


@dataclass(frozen=True)
class CampusPlatform:
    """The LMS: its key, and the login parameters it sends for a learner."""

    key: PlatformKey
    tool_base_url: str

    def login_query(self, learner: str, new_window: bool) -> str:
        params = {
            "iss": ISSUER,
            "login_hint": learner,
            "target_link_uri": f"{self.tool_base_url}/lti/launch",
            "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
            "lti_message_hint": "lecture-1",
        }
        if new_window:
            params["lti1p3_new_window"] = "1"
        return urlencode(params)

    def id_token(
        self, learner: str, auth: dict[str, str], custom: dict[str, str] | None = None
    ) -> str:
        """A learner's launch; no grade or roster services (so the tool calls nobody back)."""
        claims = id_token_claims(
            ISSUER,
            CLIENT_ID,
            DEPLOYMENT_ID,
            auth["nonce"],
            f"{self.tool_base_url}/lti/launch",
            subject=learner,
        )
        claims["https://purl.imsglobal.org/spec/lti/claim/roles"] = [LEARNER_ROLE]
        claims["name"] = f"Learner {learner}"
        for service in SERVICE_CLAIMS:
            claims.pop(service)
        if custom is not None:
            claims["https://purl.imsglobal.org/spec/lti/claim/custom"] = custom
        return self.key.sign(claims)


def register(app: Flask, jwks_url: str) -> None:
    """The campus LMS as a registration of ``app`` (its key set on ``jwks_url``)."""
    with app.app_context(), db.transaction() as session:
        registrations_repo.add_registration(
            session,
            issuer=ISSUER,
            client_id=CLIENT_ID,
            auth_login_url=AUTH_LOGIN_URL,
            auth_token_url=f"{ISSUER}/token",
            jwks_url=jwks_url,
            deployment_ids=[DEPLOYMENT_ID],
            frame_origins=[ISSUER],
        )


@dataclass(frozen=True)
class Opened:
    """What one learner's browser was answered, step by step."""

    check_page: int
    login: int
    launch: int

    @property
    def got_in(self) -> bool:
        return (self.check_page, self.login, self.launch) == (200, 302, 303)


def auth_params(location: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(location).query))


def open_in_process(app: Flask, platform: CampusPlatform, learner: str, address: str) -> Opened:
    """One learner opens the activity through the Flask test client from ``address``."""
    client = app.test_client()
    environ = {"REMOTE_ADDR": address}
    base = platform.tool_base_url
    check = client.get(
        f"{base}/lti/login?{platform.login_query(learner, False)}", environ_base=environ
    )
    login = client.get(
        f"{base}/lti/login?{platform.login_query(learner, True)}", environ_base=environ
    )
    if login.status_code != 302:
        return Opened(check.status_code, login.status_code, 0)
    auth = auth_params(login.headers["Location"])
    launch = client.post(
        f"{base}/lti/launch",
        data={"id_token": platform.id_token(learner, auth), "state": auth["state"]},
        environ_base=environ,
    )
    return Opened(check.status_code, login.status_code, launch.status_code)


def open_lecture(
    count: int, open_one: Callable[[str], Opened], prefix: str = "learner"
) -> tuple[list[Opened], float]:
    """``count`` distinct learners one after another; returns their answers and the seconds."""
    started = time.monotonic()
    answers = [open_one(f"{prefix}-{number}") for number in range(count)]
    return answers, time.monotonic() - started


def summary(answers: list[Opened]) -> dict[Any, int]:
    """How many learners got each answer (readable in an assertion message)."""
    counts: dict[Any, int] = {}
    for answer in answers:
        counts[answer] = counts.get(answer, 0) + 1
    return counts
