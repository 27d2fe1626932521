"""Everything LTI: registrations, login, launch, keys, dynamic registration, services."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Registered by the launch helper."""
