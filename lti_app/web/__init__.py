"""Flask blueprints, one per feature; each helper registers theirs here with one line."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint (imports are local so importing the package stays cheap)."""
    from lti_app.web import errors, install

    errors.init_app(app)
    app.register_blueprint(install.bp)
    # LTI Advantage: deep linking, module pages with completion, activity placeholders.
    from lti_app.web import activity_placeholders, deep_linking, modules

    for blueprint in (deep_linking.bp, modules.bp, activity_placeholders.bp):
        app.register_blueprint(blueprint)
    from lti_app.web import course_home  # the landing page of a plain course link

    app.register_blueprint(course_home.bp)
