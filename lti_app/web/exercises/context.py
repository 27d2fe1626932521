"""What every exercise view needs: the blueprint and the launch's exercise.

An exercise is one resource link in one course. The launch names it; views never take an
exercise id from the URL (a group id in the URL is checked by the service against this
exercise, course and tenant: another one's is the one 404 page). The exercise id is kept in
the (signed) session cookie per launch id, so a page costs no write; a launch whose exercise is
not known yet finds or creates it through ``services.exercises.open_exercise``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, session

from lti_app.domain.errors import IntervisionError
from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.scope import CourseScope
from lti_app.lti.current import require_launch
from lti_app.lti.deep_linking import REF_PARAMETER
from lti_app.lti.launch import Launch
from lti_app.services import exercises
from lti_app.web.exercises.words import problem_text

bp = Blueprint(
    "exercises",
    __name__,
    url_prefix="/exercises",
    template_folder="templates",
    static_folder="static",
)
bp.add_app_template_filter(problem_text, "exercise_text")
"""The domain's refusals and problems in the reader's language, where flashes and form
problems are shown (``base.html``, ``_fields.html``)."""

EXERCISES_KEY = "iv_exercises"  # session: {launch id: exercise id}, newest last
MAX_REMEMBERED = 10
OK = "exercise-ok"
REFUSED = "exercise-refused"


class NoExerciseHere(IntervisionError):
    """An exercise launch without a course or without a resource link: nothing to attach to."""

    status = 400
    title = "This link cannot open an exercise"
    message = (
        "A peer-feedback exercise belongs to one activity link in one course. Open it from the "
        "activity in your course; if you see this there, ask your trainer to add it again."
    )


@dataclass(frozen=True, slots=True)
class Here:
    """The launch, its course and its exercise: what every exercise query is scoped by."""

    launch: Launch
    scope: CourseScope
    exercise_id: int

    @property
    def user_id(self) -> int:
        return self.launch.user.id

    @property
    def instructor(self) -> bool:
        return self.launch.is_instructor

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, instructor=self.instructor)


def exercise_link(launch: Launch) -> exercises.ExerciseLink:
    if launch.scope is None or launch.resource_link is None or not launch.resource_link.id:
        raise NoExerciseHere(f"launch {launch.launch_id}: no course or no resource link")
    return exercises.ExerciseLink(
        resource_link_id=launch.resource_link.id,
        title=launch.resource_link.title,
        activity_id=launch.custom.get(REF_PARAMETER) or None,
        lineitem_url=launch.ags.lineitem_url if launch.ags else None,
    )


def remember(launch: Launch, exercise_id: int) -> None:
    held = session.get(EXERCISES_KEY)
    known = (
        {k: v for k, v in held.items() if k != launch.launch_id} if isinstance(held, dict) else {}
    )
    known[launch.launch_id] = exercise_id
    session[EXERCISES_KEY] = dict(list(known.items())[-MAX_REMEMBERED:])


def open_launch_exercise(launch: Launch) -> int:
    """Find or create the launch's exercise (with what the platform sent this time)."""
    link = exercise_link(launch)
    assert launch.scope is not None
    record = exercises.open_exercise(
        launch.scope, link, created_by=launch.user.id, now=datetime.now(UTC)
    )
    remember(launch, record.id)
    return record.id


def here() -> Here:
    """The current launch's exercise; 401 without a launch, 400 outside a course or link."""
    launch = require_launch()
    exercise_link(launch)  # the same 400 for a launch that cannot have an exercise
    assert launch.scope is not None
    held = session.get(EXERCISES_KEY)
    entry = held.get(launch.launch_id) if isinstance(held, dict) else None
    exercise_id = entry if isinstance(entry, int) else open_launch_exercise(launch)
    return Here(launch, launch.scope, exercise_id)
