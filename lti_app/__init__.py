"""Intervision LTI 1.3 tool."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """App factory (being built: see lti_app/config.py and blueprints)."""
    app = Flask(__name__, instance_relative_config=True)
    if config:
        app.config.update(config)
    return app
