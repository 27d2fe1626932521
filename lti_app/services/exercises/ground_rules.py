"""The ground rules everyone accepts before taking part: which version each person
accepted, so raising :data:`GROUND_RULES_VERSION` when the text changes asks everyone again."""

from __future__ import annotations

from datetime import datetime

from lti_app.domain.exercises.ground_rules import decide_accept, must_accept
from lti_app.domain.exercises.outcomes import ALLOWED, Refused, Verdict
from lti_app.domain.scope import CourseScope
from lti_app.storage import db, exercise_posts_repo, exercises_repo

GROUND_RULES_VERSION = 1
"""The ground rules' current version; raise it when their text changes (everyone re-accepts)."""


def must_accept_ground_rules(
    scope: CourseScope, exercise_id: int, user_id: int, *, version: int = GROUND_RULES_VERSION
) -> bool:
    with db.transaction() as session:
        accepted = exercise_posts_repo.acceptances(session, scope, exercise_id, user_id)
    return must_accept(user_id, version, accepted)


def accept_ground_rules(
    scope: CourseScope,
    exercise_id: int,
    user_id: int,
    *,
    shown_version: int,
    now: datetime,
    current_version: int = GROUND_RULES_VERSION,
) -> Verdict:
    with db.write_transaction() as session:
        exercises_repo.get_exercise(session, scope, exercise_id)
        accepted = exercise_posts_repo.acceptances(session, scope, exercise_id, user_id)
        decision = decide_accept(user_id, current_version, shown_version, accepted, now)
        if isinstance(decision, Refused):
            return decision
        exercise_posts_repo.add_acceptance(session, scope, exercise_id, decision)
        return ALLOWED
