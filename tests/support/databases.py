"""The real database and Redis servers the tests run against (started by tests/conftest.py),
and the migrated SQLite template every ``app`` gets a copy of."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def admin_connect(self) -> Any:
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        )


@dataclass(frozen=True)
class RedisServer:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"


def copy_sqlite_template(database_url: str, template: Path) -> bool:
    """Copy the migrated template to a SQLite URL's file that does not exist yet (the schema
    Alembic gives, without running every migration again); False for any other database."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        return False
    target = Path(database_url.removeprefix(prefix))
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, target)
    return True
