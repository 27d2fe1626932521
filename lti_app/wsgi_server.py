"""Run the app under gunicorn with threaded workers (``intervision serve``).

Threads keep a worker responsive while one request waits on a platform (key sets, AGS);
research: security-and-performance.md §7 measured gthread as the best of the tried settings.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class _GunicornApp(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app


def run_gunicorn(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 30,
        "graceful_timeout": 20,
        # Live exercise pages poll every 2 s on one kept-alive connection; gunicorn's default
        # keep-alive (2 s) closed some just as they were reused (exercise_bench: 4 of ~500 polls
        # reset). Keep idle connections a little longer than the poll interval.
        "keepalive": 5,
        "accesslog": "-",
        "forwarded_allow_ips": "127.0.0.1",
    }
    # Engines must not be shared across the fork: each worker opens its own connections.
    from lti_app.storage import db

    db.get_engine(app).dispose()
    _GunicornApp(app, options).run()
