"""Installation endpoints: JWKS, health check (more being added)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from lti_app.storage import db

bp = Blueprint("install", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.check_database()
    except Exception:
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok"), 200
