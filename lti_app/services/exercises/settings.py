"""Exercises and the course's versioned copies of a method: made on the first launch,
configured by the instructor, adapted. A configured exercise pins one method version, so a
later adaptation never changes a round already running."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from lti_app.domain.exercises.adaptation import AdaptedMethod, PhaseChange, adapt, as_shipped
from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.exercises.settings import ExerciseSettings, GroupSource, check_settings
from lti_app.domain.methods import MethodSpec
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.problems import Problem
from lti_app.storage import db, exercises_repo, stable_group_rounds_repo
from lti_app.storage.db import StorageBusy
from lti_app.storage.exercises_repo import (
    DbSession,
    ExerciseLink,
    ExerciseRecord,
    MethodVersionRecord,
)

_VERSION_ATTEMPTS = 5


PSEUDONYM_KEY_BYTES = 24


@dataclass(frozen=True, slots=True)
class ExerciseSaved:
    exercise: ExerciseRecord | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class MethodSaved:
    version: MethodVersionRecord | None
    problems: tuple[Problem, ...] = ()


def open_exercise(
    scope: CourseScope, link: ExerciseLink, *, now: datetime, created_by: int | None = None
) -> ExerciseRecord:
    """The exercise of a launched resource link, made (unconfigured) on its first launch; what
    the platform sends later (title, line item) replaces what it sent before."""
    with db.write_transaction() as session:
        found = exercises_repo.find_exercise(session, scope, link.resource_link_id)
        if found is None:
            key = secrets.token_urlsafe(PSEUDONYM_KEY_BYTES)
            return exercises_repo.add_exercise(session, scope, link, key, created_by, now)
        if (found.title, found.lineitem_url, found.activity_id) != (
            link.title,
            link.lineitem_url,
            link.activity_id,
        ):
            exercises_repo.update_link(session, scope, found.id, link)
            found = replace(
                found,
                title=link.title,
                lineitem_url=link.lineitem_url,
                activity_id=link.activity_id,
            )
        return found


def get_exercise(scope: CourseScope, exercise_id: int) -> ExerciseRecord:
    with db.transaction() as session:
        return exercises_repo.get_exercise(session, scope, exercise_id)


def _current_version(
    session: DbSession, scope: CourseScope, method: MethodSpec, by_user: int | None, now: datetime
) -> MethodVersionRecord:
    """The course's newest copy of ``method``; a new snapshot when there is none yet (version 0,
    as shipped) or when the catalogue's method changed since (the course's changes applied to
    it again, or as shipped if they no longer fit). Two at once: the loser reads the winner's."""
    for _ in range(_VERSION_ATTEMPTS):
        latest = exercises_repo.latest_method_version(session, scope, method.slug)
        if latest is not None and latest.adapted.method == method:
            return latest
        if latest is None:
            added = exercises_repo.add_method_version(session, scope, method, {}, 0, by_user, now)
        else:
            readapted = adapt(method, latest.adapted.changes) if latest.adapted.changes else None
            changes = readapted.changes if isinstance(readapted, AdaptedMethod) else {}
            added = exercises_repo.add_method_version(
                session, scope, method, changes, latest.version + 1, by_user, now
            )
        if added is not None:
            return added
    raise StorageBusy(f"method versions of {method.slug} in {scope} kept changing")


def current_method(
    scope: CourseScope, method: MethodSpec, *, now: datetime, by_user: int | None = None
) -> MethodVersionRecord:
    """The course's current copy of a catalogue method (what a new exercise would run)."""
    with db.write_transaction() as session:
        return _current_version(session, scope, method, by_user, now)


def adapt_method(
    scope: CourseScope,
    method: MethodSpec,
    changes: Mapping[str, PhaseChange],
    *,
    by_user: int | None,
    now: datetime,
) -> MethodSaved:
    """A new version of the course's copy (``adaptation.adapt``), or every problem at once.
    Exercises already configured keep the version they started with."""
    with db.write_transaction() as session:
        for _ in range(_VERSION_ATTEMPTS):
            latest = exercises_repo.latest_method_version(session, scope, method.slug)
            previous = latest.adapted if latest is not None else as_shipped(method)
            result = adapt(method, changes, previous=previous)
            if isinstance(result, tuple):
                return MethodSaved(None, result)
            version = (latest.version + 1) if latest is not None else 1
            added = exercises_repo.add_method_version(
                session, scope, method, changes, version, by_user, now
            )
            if added is not None:
                return MethodSaved(added)
        raise StorageBusy(f"method versions of {method.slug} in {scope} kept changing")


def configure_exercise(
    scope: CourseScope,
    exercise_id: int,
    settings: ExerciseSettings,
    method: MethodSpec | None,
    *,
    now: datetime,
    by_user: int | None = None,
) -> ExerciseSaved:
    """Save the instructor's settings (``settings.check_settings``, with what learners already
    rely on; a stable group must be one of this course's); the exercise pins the course's
    current copy of the method the first time, and keeps it while the method stays the same."""
    with db.write_transaction() as session:
        current = exercises_repo.lock_exercise(session, scope, exercise_id)
        problems = check_settings(
            settings,
            method,
            previous=current.settings,
            first_learner_access=current.first_learner_access_at,
        )
        if (
            not problems
            and settings.group_source is GroupSource.STABLE_GROUP
            and settings.group_id is not None
            and stable_group_rounds_repo.group_name(session, scope, settings.group_id) is None
        ):
            problems = (
                Problem(
                    "group",
                    "That stable group is not one of this course's groups; choose one from the "
                    "list.",
                ),
            )
        if problems or method is None:
            return ExerciseSaved(None, problems)
        keep = (
            current.method_version_id is not None
            and current.settings is not None
            and current.settings.method_slug == settings.method_slug
        )
        if keep and current.method_version_id is not None:
            version_id = current.method_version_id
        else:
            version_id = _current_version(session, scope, method, by_user, now).id
        return ExerciseSaved(
            exercises_repo.save_settings(session, scope, exercise_id, settings, version_id, now)
        )


def exercise_method(scope: CourseScope, exercise_id: int) -> AdaptedMethod | None:
    """The method snapshot the exercise runs (None until configured)."""
    with db.transaction() as session:
        exercise = exercises_repo.get_exercise(session, scope, exercise_id)
        if exercise.method_version_id is None:
            return None
        return exercises_repo.get_method_version(session, scope, exercise.method_version_id).adapted


def note_access(scope: CourseScope, exercise_id: int, actor: Actor, now: datetime) -> None:
    """Record a learner's first access (it fixes mode, anonymity and the announcement rule)."""
    if actor.instructor:
        return
    with db.transaction() as session:  # a read: every page view comes here, one writes
        if exercises_repo.get_exercise(session, scope, exercise_id).first_learner_access_at:
            return
    with db.write_transaction() as session:
        exercises_repo.note_first_access(session, scope, exercise_id, now)
