"""Throughput of ``intervision serve`` (gunicorn, threaded workers) for complete LTI launches.

    python -m benchmarks.serve_bench [--seconds 10] [--clients 8] [--workers 2] [--threads 8]

Starts the real server on 127.0.0.1 with a temporary SQLite database and one platform
registration (its JWKS on a loopback server), then, from ``--clients`` threads with keep-alive
connections, runs for ``--seconds`` each: (1) ``GET /healthz`` as the bare baseline, (2) full
OIDC round trips, ``GET /lti/login`` → 302 with state cookie → id_token signed by the platform
key → ``POST /lti/launch`` → 303. Prints requests/s, launches/s and latency percentiles, then
stops the server it started. Client and server share the machine, so figures are lower bounds.

The tool runs with its default rate limits: all clients come from one address, like a lecture
behind a NAT, and a default run stays within 3000 logins a minute per address and worker. A run
much longer than the default at full speed meets that limit (counted as ``login 429`` failures):
that is the flood limit working, not a fault.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from benchmarks.lti_bench import CLIENT_ID, DEPLOYMENT_ID, ISSUER, our_app, percentile
from benchmarks.lti_platform import PlatformKey, id_token_claims, running_jwks_server

READY_TIMEOUT_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Tally:
    """What the client threads saw; a lock because several threads append."""

    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def failed(self, reason: str) -> None:
        with self.lock:
            self.failures[reason] = self.failures.get(reason, 0) + 1


class Client:
    """One browser-like client on a keep-alive connection to the tool."""

    def __init__(self, port: int, platform: PlatformKey, base: str, number: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.platform, self.base, self.number, self.count = platform, base, number, 0

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> http.client.HTTPResponse:
        self.connection.request(method, path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        response.read()
        return response

    def healthz(self) -> str | None:
        status = self.request("GET", "/healthz").status
        return None if status == 200 else f"healthz {status}"

    def launch(self) -> str | None:
        self.count += 1
        user = f"user-{self.number}-{self.count % 50}"
        query = urlencode(
            {
                "iss": ISSUER,
                "login_hint": user,
                "target_link_uri": f"{self.base}/lti/launch",
                "client_id": CLIENT_ID,
                "lti_deployment_id": DEPLOYMENT_ID,
                "lti1p3_new_window": "1",
            }
        )
        login = self.request("GET", f"/lti/login?{query}")
        if login.status != 302:
            return f"login {login.status}"
        auth = dict(parse_qsl(urlsplit(login.getheader("Location", "")).query))
        cookies = [c.split(";", 1)[0] for c in login.msg.get_all("Set-Cookie") or []]
        claims = id_token_claims(
            ISSUER, CLIENT_ID, DEPLOYMENT_ID, auth["nonce"], f"{self.base}/lti/launch", user
        )
        form = urlencode({"id_token": self.platform.sign(claims), "state": auth["state"]})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(cookies),
        }
        launch = self.request("POST", "/lti/launch", body=form, headers=headers)
        return None if launch.status == 303 else f"launch {launch.status}"


def drive(clients: list[Client], action: Callable[[Client], str | None], seconds: float) -> Tally:
    """Each client thread repeats ``action`` until the deadline; returns what they measured."""
    tally = Tally()
    deadline = time.monotonic() + seconds

    def loop(client: Client) -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                problem = action(client)
            except (OSError, http.client.HTTPException) as error:
                problem = type(error).__name__
                client.connection.close()
            if problem is None:
                tally.ok(time.perf_counter() - started)
            else:
                tally.failed(problem)

    threads = [threading.Thread(target=loop, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


@contextmanager
def running_server(
    workdir: Path, port: int, jwks_url: str, workers: int, threads: int
) -> Iterator[subprocess.Popen[bytes]]:
    """Prepare the database and registration, start `intervision serve`, stop it afterwards."""
    env = {
        **os.environ,
        "INTERVISION_INSTANCE_PATH": str(workdir / "instance"),
        "INTERVISION_DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "INTERVISION_BASE_URL": f"http://127.0.0.1:{port}",
        "INTERVISION_SECRET_KEY": "serve-bench-" + "s" * 40,
        # The rate limits keep their defaults: the clients' 400 learners share one address,
        # like a lecture behind a NAT (3000 logins a minute per address and worker process).
    }
    app = our_app(workdir, jwks_url, base_url=env["INTERVISION_BASE_URL"])
    from lti_app.storage import db

    db.get_engine(app).dispose()
    with serving(workdir, port, env, workers, threads) as server:
        yield server


@contextmanager
def serving(
    workdir: Path, port: int, env: dict[str, str], workers: int, threads: int
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `intervision serve` with ``env``, wait for /healthz, stop it (SIGTERM) afterwards."""
    command = [
        str(Path(sys.executable).parent / "intervision"),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    log = (workdir / "server.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        _wait_until_ready(server, port, workdir / "server.log")
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_until_ready(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)  # polling for start-up, not synchronising a result
    raise SystemExit(f"server not ready after {READY_TIMEOUT_SECONDS}s:\n{log.read_text()}")


def _print(label: str, unit: str, tally: Tally, seconds: float) -> float:
    rate = len(tally.latencies) / seconds
    if not tally.latencies:
        print(f"{label:<22} none succeeded; failures {tally.failures}")
        return 0.0
    p50, p90, p99 = (percentile(tally.latencies, f) * 1000 for f in (0.5, 0.9, 0.99))
    print(
        f"{label:<22} {rate:8.1f} {unit}/s  p50 {p50:6.1f} ms  p90 {p90:6.1f} ms  "
        f"p99 {p99:6.1f} ms  ok {len(tally.latencies)}  failed {sum(tally.failures.values())}"
        + (f" {tally.failures}" if tally.failures else "")
    )
    return rate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)  # `intervision serve` default
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    platform = PlatformKey.generate(kid="serve-bench")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with (
        tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp,
        running_jwks_server(platform.jwks) as jwks_url,
        running_server(Path(tmp), port, jwks_url, args.workers, args.threads),
    ):
        clients = [Client(port, platform, base, n) for n in range(args.clients)]
        drive(clients, Client.launch, min(1.0, args.seconds))  # warm-up: key set, hot paths
        print(
            f"intervision serve: {args.workers} workers x {args.threads} threads (gthread), "
            f"{args.clients} client threads, {args.seconds:.0f} s per phase, SQLite, loopback"
        )
        health = _print(
            "GET /healthz", "req", drive(clients, Client.healthz, args.seconds), args.seconds
        )
        launches = _print(
            "login+launch", "launches", drive(clients, Client.launch, args.seconds), args.seconds
        )
        if health:
            print(f"launch round trips per healthz request: {launches / health:.3f}")


if __name__ == "__main__":
    main()
