"""Cost of an LTI launch: bare PyJWT verify, bare pylti1p3, and our hardened tool, in one run.

    python -m benchmarks.lti_bench [--batches 20] [--per-batch 50]

Three cases, interleaved batch by batch so background load hits each alike:

1. ``pyjwt``: ``jwt.decode`` RS256 of a realistic ~3.5 KB id_token (RSA-2048), preloaded key,
   claim checks on; the floor any launch pays.
2. ``pylti1p3``: its Flask example path (``FlaskOIDCLogin`` with ``enable_check_cookies`` then
   ``FlaskMessageLaunch.get_launch_data``), in-memory ``ToolConfDict`` with the platform key set
   inline and ``FlaskCacheDataStorage`` on a dict cache; over https so its session cookie is used.
3. ``ours``: the tool from ``create_app`` on SQLite (migrated), registration in the database,
   JWKS from a loopback server (warm cache), full hardened login and launch: state row, single-use
   nonce, audience/azp, target_link_uri, tenant/course/user upserts, server-side launch record.
   Its per-process registration and signing-key caches are warm after the warm-up, as
   pylti1p3's in-memory ``ToolConfDict`` is; every state, nonce and row write hits SQLite.

Each iteration is a fresh browser (new test client). Only the tool's request handling is timed;
the platform's signing of the id_token happens between the timed requests.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from flask import Flask

from benchmarks.lti_platform import PlatformKey, id_token_claims, running_jwks_server

TOOL_URL = "https://tool.bench"
BARE_URL = "https://bare.bench"
ISSUER = "https://lms.bench.example"
CLIENT_ID = "bench-client"
DEPLOYMENT_ID = "bench-deployment"
AUTH_LOGIN_URL = "https://lms.bench.example/auth"
USERS = 200  # rotate subjects: a mix of first launches (inserts) and returning users (updates)

Timings = dict[str, float]
Case = Callable[[int], Timings]


def _auth_params(response: Any) -> dict[str, str]:
    assert response.status_code == 302, (response.status_code, response.get_data(as_text=True))
    return dict(parse_qsl(urlsplit(response.headers["Location"]).query))


def _login_query(base: str, iteration: int) -> str:
    return urlencode(
        {
            "iss": ISSUER,
            "login_hint": f"user-{iteration % USERS}",
            "target_link_uri": f"{base}/lti/launch",
            "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
            "lti_message_hint": "cm-42",
            "lti1p3_new_window": "1",
        }
    )


def _round_trip(app: Flask, base: str, platform: PlatformKey, ok: int) -> Case:
    """One login + launch as a fresh browser; returns the time of each tool request."""

    def run(iteration: int) -> Timings:
        client = app.test_client()
        url = f"{base}/lti/login?{_login_query(base, iteration)}"
        started = time.perf_counter()
        login = client.get(url)
        login_s = time.perf_counter() - started
        auth = _auth_params(login)
        claims = id_token_claims(
            ISSUER,
            CLIENT_ID,
            DEPLOYMENT_ID,
            auth["nonce"],
            f"{base}/lti/launch",
            subject=f"user-{iteration % USERS}",
        )
        form = {"id_token": platform.sign(claims), "state": auth["state"]}
        started = time.perf_counter()
        launch = client.post(f"{base}/lti/launch", data=form)
        launch_s = time.perf_counter() - started
        assert launch.status_code == ok, (launch.status_code, launch.get_data(as_text=True)[:400])
        return {"login": login_s, "launch": launch_s, "login+launch": login_s + launch_s}

    return run


def pyjwt_case(platform: PlatformKey) -> tuple[Case, int]:
    claims = id_token_claims(ISSUER, CLIENT_ID, DEPLOYMENT_ID, "n", f"{TOOL_URL}/lti/launch")
    claims["exp"] = claims["iat"] + 24 * 3600  # one token verified for the whole run
    token = platform.sign(claims)
    public_key = platform.public_key

    def run(_iteration: int) -> Timings:
        started = time.perf_counter()
        jwt.decode(
            token,
            public_key,
            algorithms=["RS256"],
            audience=CLIENT_ID,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "nonce"]},
        )
        return {"verify": time.perf_counter() - started}

    return run, len(token)


class _DictCache:
    """The smallest cache FlaskCacheDataStorage accepts (flask-caching's get/set)."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any:
        expires, value = self._data.get(key, (0.0, None))
        return value if expires > time.monotonic() else None

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self._data[key] = (time.monotonic() + (timeout or 300), value)


def bare_pylti1p3_app(platform: PlatformKey, tool_private_pem: str) -> Flask:
    from flask import render_template_string

    # pylti1p3 is untyped; the bare baseline uses it exactly as its Flask example does.
    lti: Any = importlib.import_module("pylti1p3.contrib.flask")
    tool_config: Any = importlib.import_module("pylti1p3.tool_config")

    tool_conf = tool_config.ToolConfDict(
        {
            ISSUER: [
                {
                    "default": True,
                    "client_id": CLIENT_ID,
                    "auth_login_url": AUTH_LOGIN_URL,
                    "auth_token_url": f"{ISSUER}/token",
                    "key_set_url": None,
                    "key_set": platform.jwks,
                    "deployment_ids": [DEPLOYMENT_ID],
                }
            ]
        }
    )
    tool_conf.set_private_key(ISSUER, tool_private_pem, client_id=CLIENT_ID)
    cache = _DictCache()
    app = Flask("bare_pylti1p3")
    app.config.update(SECRET_KEY="bench-" + "k" * 32, SERVER_NAME=None)
    page = "<h1>Hello {{ name }}</h1><p>{{ course }} as {{ roles|length }} roles</p>"

    @app.route("/lti/login", methods=["GET", "POST"])
    def login() -> Any:
        request = lti.FlaskRequest()
        target = request.get_param("target_link_uri")
        oidc = lti.FlaskOIDCLogin(
            request, tool_conf, launch_data_storage=lti.FlaskCacheDataStorage(cache)
        )
        return oidc.enable_check_cookies().redirect(target)

    @app.route("/lti/launch", methods=["POST"])
    def launch() -> Any:
        message_launch = lti.FlaskMessageLaunch(
            lti.FlaskRequest(), tool_conf, launch_data_storage=lti.FlaskCacheDataStorage(cache)
        )
        data = message_launch.get_launch_data()
        context = data.get("https://purl.imsglobal.org/spec/lti/claim/context", {})
        return render_template_string(
            page,
            name=data.get("name"),
            course=context.get("title"),
            roles=data.get("https://purl.imsglobal.org/spec/lti/claim/roles", []),
        )

    return app


def our_app(workdir: Path, jwks_url: str, base_url: str = TOOL_URL) -> Flask:
    from lti_app import create_app
    from lti_app.storage import db, migrate, registrations_repo

    app = create_app(
        {
            "INSTANCE_PATH": str(workdir / "instance"),
            "BASE_URL": base_url,
            "SECRET_KEY": "bench-" + "s" * 40,
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            # The rate limits run with their defaults (their cost is part of ours): a case's
            # 1,000 logins of 200 learners from one address fit a lecture's limits.
            # The benchmark platform's key set is on loopback: listed, as a campus LMS would be.
            "OUTBOUND_ALLOW": "{0.scheme}://{0.netloc}".format(urlsplit(jwks_url)),
        }
    )
    migrate.upgrade(db.get_engine(app))
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
    return app


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_interleaved(
    cases: dict[str, Case], batches: int, per_batch: int
) -> dict[str, dict[str, list[float]]]:
    """Batch 1 of every case, then batch 2 of every case, ...; a GC between batches."""
    results: dict[str, dict[str, list[float]]] = {name: {} for name in cases}
    for case in cases.values():  # warm-up: imports, key cache, template compile
        for iteration in range(5):
            case(iteration)
    for _batch in range(batches):
        for name, case in cases.items():
            gc.collect()
            for iteration in range(per_batch):
                for op, seconds in case(iteration).items():
                    results[name].setdefault(op, []).append(seconds)
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f}"


def report(results: dict[str, dict[str, list[float]]], token_bytes: int) -> None:
    print(f"\nid_token: {token_bytes} bytes, RS256, RSA-2048\n")
    print(f"{'case':<10} {'operation':<13} {'n':>6} {'p50 ms':>8} {'p90 ms':>8} {'mean ms':>8}")
    for name, ops in results.items():
        for op, samples in ops.items():
            print(
                f"{name:<10} {op:<13} {len(samples):>6} {_ms(percentile(samples, 0.5))} "
                f"{_ms(percentile(samples, 0.9))} {_ms(statistics.fmean(samples))}"
            )
    ours, bare = results["ours"], results["pylti1p3"]
    verify = percentile(results["pyjwt"]["verify"], 0.5)
    print("\nratios of p50")
    for op in ("login", "launch", "login+launch"):
        ratio = percentile(ours[op], 0.5) / percentile(bare[op], 0.5)
        print(f"  ours / bare pylti1p3  {op:<13} {ratio:5.2f}x")
    for op in ("launch", "login+launch"):
        print(f"  ours / PyJWT verify   {op:<13} {percentile(ours[op], 0.5) / verify:5.1f}x")
    print(f"  bare pylti1p3 / PyJWT launch        {percentile(bare['launch'], 0.5) / verify:5.1f}x")
    goal = percentile(ours["login+launch"], 0.5) / percentile(bare["login+launch"], 0.5)
    verdict = "met" if goal <= 1.5 else "NOT met"
    print(f"\ngoal ours <= 1.5x bare pylti1p3 (login+launch p50): {goal:.2f}x, {verdict}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--per-batch", type=int, default=50)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    platform = PlatformKey.generate(kid=f"bench-{uuid.uuid4().hex[:8]}")
    tool_key = PlatformKey.generate(kid="tool")
    with (
        tempfile.TemporaryDirectory(prefix="lti-bench-") as tmp,
        running_jwks_server(platform.jwks) as jwks_url,
    ):
        verify, token_bytes = pyjwt_case(platform)
        cases: dict[str, Case] = {
            "pyjwt": verify,
            "pylti1p3": _round_trip(
                bare_pylti1p3_app(platform, tool_key.private_pem), BARE_URL, platform, 200
            ),
            "ours": _round_trip(our_app(Path(tmp), jwks_url), TOOL_URL, platform, 303),
        }
        print(f"{args.batches} batches x {args.per_batch} iterations per case, interleaved")
        report(run_interleaved(cases, args.batches, args.per_batch), token_bytes)


if __name__ == "__main__":
    main()
