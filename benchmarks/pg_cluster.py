"""A throwaway PostgreSQL cluster for benchmarks, started as ``tests/conftest.py`` starts the
tests' one (Debian's PostgreSQL 15 binaries, a free loopback port, fsync off) and removed after.

The conftest's fixture cannot be imported outside pytest (it fails the test when the server
cannot start); this is the same start and stop as a plain context manager.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class Cluster:
    host: str
    port: int
    user: str = "postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_postgres_user(command: list[str]) -> list[str]:
    """initdb refuses to run as root: drop to the postgres system user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def throwaway_cluster(max_connections: int = 200) -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(f"PostgreSQL binaries not found in {PG_BIN}: apt-get install postgresql")
    workdir = Path(tempfile.mkdtemp(prefix="intervision-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, user="postgres", group="postgres")
    data_dir, log_file, port = workdir / "data", workdir / "server.log", _free_port()

    def run(command: list[str]) -> None:
        result = subprocess.run(
            _as_postgres_user(command), capture_output=True, text=True, check=False, timeout=120
        )
        if result.returncode != 0:
            log = log_file.read_text() if log_file.exists() else ""
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}\n{log}")

    try:
        run([str(PG_BIN / "initdb"), "-D", str(data_dir), "-A", "trust", "-U", "postgres",
             "-E", "UTF8", "--no-instructions"])  # fmt: skip
        options = (
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off "
            f"-c max_connections={max_connections}"
        )
        run([str(PG_BIN / "pg_ctl"), "-D", str(data_dir), "-l", str(log_file), "-o", options,
             "-w", "-t", "60", "start"])  # fmt: skip
        yield Cluster("127.0.0.1", port)
    finally:
        if (data_dir / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres_user(
                    [str(PG_BIN / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"]
                ),
                capture_output=True,
                check=False,
                timeout=60,
            )
        shutil.rmtree(workdir, ignore_errors=True)
