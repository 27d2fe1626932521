"""Session sign-ups inside the LMS: the blueprint behind launches of kind ``signup``.

A sheet is one resource link in a course (``context.here``). Learners see the sheet's sessions
in their own time zone, sign up as case-bringer or consultant, are waitlisted when full and
cancel until the deadline (``learner_views``); instructors plan sessions and series and manage
the people in them (``instructor_views``). Every call goes through ``services.signups`` with the
launch's course scope and sheet.
"""

from __future__ import annotations

from flask import Flask

from lti_app.domain.activities import KINDS
from lti_app.lti.dispatch import register_launch_handler
from lti_app.web.signups import (  # routes on bp
    groups_views,
    instructor_views,
    learner_views,
    notices_views,
    rotation_views,
    settings_views,
)
from lti_app.web.signups.context import bp

SIGNUP_KIND = KINDS["signup"].launch_kind

__all__ = [
    "SIGNUP_KIND",
    "bp",
    "groups_views",
    "init_app",
    "instructor_views",
    "learner_views",
    "notices_views",
    "rotation_views",
    "settings_views",
]


def init_app(app: Flask) -> None:
    """The sign-up pages; launches of kind ``signup`` open their sheet (the "coming soon"
    placeholder keeps serving only kinds nobody registered)."""
    app.register_blueprint(bp)
    register_launch_handler(app, SIGNUP_KIND, learner_views.open_sheet)
