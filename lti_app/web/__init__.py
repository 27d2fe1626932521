"""Flask blueprints, one per feature; each feature's ``init_app`` registers its blueprint and
its launch handlers (lti/dispatch.py), and is called here with one line."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every feature (imports are local so importing the package stays cheap)."""
    from lti_app import catalogue
    from lti_app.web import (
        activity_placeholders,
        calendar,
        course_home,
        deep_linking,
        errors,
        exercises,
        install,
        learner_text,
        modules,
        privacy,
        signups,
    )

    errors.init_app(app)
    learner_text.init_app(app)  # the `learner_markdown` filter for text learners write
    catalogue.init_app(app)
    app.register_blueprint(install.bp)
    deep_linking.init_app(app)  # kind deep_link
    modules.init_app(app)  # kind module, and the built site under /site/
    course_home.init_app(app)  # kind resource: the landing page of a plain course link
    signups.init_app(app)  # kind signup: the launched link's sign-up sheet
    calendar.init_app(app)  # sign-ups' .ics downloads and private feed URLs
    exercises.init_app(app)  # kind peer-feedback: the launched link's exercise
    privacy.init_app(app)  # kind data_privacy: what the tool stores about me, as JSON
    # Features for sign-ups and exercises go here; the placeholder serves their kinds until
    # they register them, whatever the order of these lines.
    activity_placeholders.init_app(app)
