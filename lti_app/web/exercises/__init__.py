"""Peer-feedback exercises inside the LMS: the blueprint behind launches of kind
``peer-feedback``.

An exercise is one resource link in a course (``context.here``). Learners accept the ground
rules, join or are given a group, and run the method's phases on the round page
(``learner_views``, ``moderation_views``: posting, reactions, flags, withdrawal, the live
"next phase" and its ``phase.json`` poll); instructors set the exercise up, adapt the method
and follow the process on a dashboard without content (``instructor_views``), and give an
asynchronous or hybrid exercise its phase schedule (``schedule_views``). Every call goes
through ``services.exercises`` with the launch's course scope and exercise; learner text is
shown only through the ``learner_markdown`` filter (``web/learner_text.py``).
"""

from __future__ import annotations

from flask import Flask

from lti_app.domain.activities import KINDS
from lti_app.lti.dispatch import register_launch_handler
from lti_app.web.exercises import (  # routes on bp
    help_views,
    instructor_views,
    learner_views,
    moderation_views,
    schedule_views,
    stable_roles_views,
)
from lti_app.web.exercises.context import bp
from lti_app.web.exercises.limits import apply_posting_limit

EXERCISE_KIND = KINDS["peer-feedback"].launch_kind

__all__ = [
    "EXERCISE_KIND",
    "bp",
    "help_views",
    "init_app",
    "instructor_views",
    "learner_views",
    "moderation_views",
    "schedule_views",
    "stable_roles_views",
]


def init_app(app: Flask) -> None:
    """The exercise pages; launches of kind ``peer-feedback`` open their exercise (the
    "coming soon" placeholder keeps serving only kinds nobody registered)."""
    app.register_blueprint(bp)
    apply_posting_limit(app, learner_views.POSTING_ENDPOINTS)
    register_launch_handler(app, EXERCISE_KIND, learner_views.open_exercise)
