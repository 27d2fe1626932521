"""Helpers every part of the package shares: the exercise's settings (an unconfigured
exercise is not found), and a locked round's phase clock and ``validation.Round``, which the
domain's rules take. Private: the modules of this package import them, callers never do."""

from __future__ import annotations

from datetime import datetime

from lti_app.domain.exercises.phases import PhaseClock, phase_now
from lti_app.domain.exercises.settings import ExerciseSettings
from lti_app.domain.exercises.validation import Round
from lti_app.storage.exercise_groups_repo import LockedRound
from lti_app.storage.exercises_repo import ExerciseNotFound, ExerciseRecord


def _configured(exercise: ExerciseRecord) -> ExerciseSettings:
    if exercise.settings is None:
        raise ExerciseNotFound(f"exercise {exercise.id} is not configured yet")
    return exercise.settings


def _clock(snapshot: LockedRound, now: datetime) -> PhaseClock:
    settings = _configured(snapshot.exercise)
    return phase_now(
        settings.mode,
        snapshot.method.spec,
        now,
        state=snapshot.group.state,
        schedule=snapshot.group.schedule,
    )


def _round(snapshot: LockedRound, now: datetime) -> Round:
    return Round(
        snapshot.method.spec,
        snapshot.group.assignment,
        _clock(snapshot, now),
        snapshot.group.case_status,
        snapshot.posts,
    )
