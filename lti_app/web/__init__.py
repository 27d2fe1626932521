"""Flask blueprints, one per feature; each helper registers theirs here with one line."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint (imports are local so importing the package stays cheap)."""
    from lti_app.web import install

    app.register_blueprint(install.bp)
