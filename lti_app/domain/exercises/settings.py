"""An exercise's settings as the instructor places it, and every problem with them at once.

- ``mode``: ASYNC (a deadline per phase), LIVE (a shared phase timer the moderator moves on),
  HYBRID (deadlines frame it; the moderator may move on before a deadline, never after it).
- ``group_source``: a sign-up session, a stable group, or self-formed within a size range
  (which must lie inside the method's own ``group_size``: the protocol needs its roles).
- ``anonymity``: NAMED or PSEUDONYMOUS (learners see stable pseudonyms, see ``visibility``).
  Mode, anonymity and method cannot change once learners have opened the exercise.
- ``case_access``: NEVER (default), WITH_CONSENT (the case-bringer's, per case), or
  ALWAYS_ANNOUNCED: only when the announcement was made before any learner's first access;
  choosing it after learners have opened the exercise is a problem, never silently applied.
- ``retention_days`` (1..365) of case text after the round ends (see ``retention``).
- ``grading``: COMPLETION (sent through AGS without content) or NONE.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.methods import MethodSpec
from lti_app.domain.signups.problems import Problem

RETENTION_DAYS_MIN = 1
RETENTION_DAYS_MAX = 365
RETENTION_DAYS_DEFAULT = 30


class Mode(enum.StrEnum):
    ASYNC = "async"
    LIVE = "live"
    HYBRID = "hybrid"


class GroupSource(enum.StrEnum):
    SESSION = "session"
    STABLE_GROUP = "stable_group"
    SELF_FORMED = "self_formed"


class Anonymity(enum.StrEnum):
    NAMED = "named"
    PSEUDONYMOUS = "pseudonymous"


class CaseAccess(enum.StrEnum):
    NEVER = "never"
    WITH_CONSENT = "with_consent"
    ALWAYS_ANNOUNCED = "always_announced"


class Grading(enum.StrEnum):
    NONE = "none"
    COMPLETION = "completion"


@dataclass(frozen=True, slots=True)
class ExerciseSettings:
    method_slug: str
    mode: Mode
    group_source: GroupSource
    anonymity: Anonymity = Anonymity.NAMED
    case_access: CaseAccess = CaseAccess.NEVER
    announced_at: datetime | None = None
    """When the course announced that instructors read case text (ALWAYS_ANNOUNCED only)."""
    retention_days: int = RETENTION_DAYS_DEFAULT
    grading: Grading = Grading.COMPLETION
    session_id: int | None = None
    group_id: int | None = None
    size_min: int | None = None
    size_max: int | None = None
    """Self-formed groups only: how many people a group may have."""


def check_settings(
    settings: ExerciseSettings,
    method: MethodSpec | None,
    *,
    previous: ExerciseSettings | None = None,
    first_learner_access: datetime | None = None,
) -> tuple[Problem, ...]:
    """Every problem with ``settings``; empty means they may be saved.

    ``method`` is the catalogue's method for ``settings.method_slug`` (None: not in the
    catalogue). ``previous`` and ``first_learner_access`` are given when editing an exercise:
    what learners already rely on cannot change under them.
    """
    problems: list[Problem] = []
    if method is None or method.slug != settings.method_slug:
        problems.append(
            Problem("method", "This method is not in the course catalogue. Choose another one.")
        )
    if settings.group_source is GroupSource.SESSION and settings.session_id is None:
        problems.append(Problem("session", "Choose the sign-up session whose groups take part."))
    if settings.group_source is GroupSource.STABLE_GROUP and settings.group_id is None:
        problems.append(Problem("group", "Choose the stable group that takes part."))
    if settings.group_source is GroupSource.SELF_FORMED:
        problems.extend(_size_problems(settings, method))
    elif settings.size_min is not None or settings.size_max is not None:
        problems.append(
            Problem("size", "A size range applies to self-formed groups only; leave it empty.")
        )
    if not RETENTION_DAYS_MIN <= settings.retention_days <= RETENTION_DAYS_MAX:
        problems.append(
            Problem(
                "retention_days",
                f"Keep case text between {RETENTION_DAYS_MIN} and {RETENTION_DAYS_MAX} days "
                "after the round ends.",
            )
        )
    problems.extend(_access_problems(settings, first_learner_access))
    if previous is not None and first_learner_access is not None:
        for field, label in (
            ("method_slug", "method"),
            ("mode", "mode"),
            ("anonymity", "anonymity"),
        ):
            if getattr(previous, field) != getattr(settings, field):
                problems.append(
                    Problem(
                        label,
                        f"Learners have already opened this exercise, so its {label} can no "
                        "longer change. Place a new exercise instead.",
                    )
                )
    return tuple(problems)


def _size_problems(settings: ExerciseSettings, method: MethodSpec | None) -> list[Problem]:
    low, high = settings.size_min, settings.size_max
    if low is None or high is None:
        return [Problem("size", "Say how many people a self-formed group may have (from, to).")]
    if low < 2 or high < low:
        return [Problem("size", "A group has at least 2 people and 'to' is not below 'from'.")]
    if method is not None and (low < method.group_size.min or high > method.group_size.max):
        return [
            Problem(
                "size",
                f"{method.name} is meant for groups of {method.group_size.min} to "
                f"{method.group_size.max}; keep the range inside that.",
            )
        ]
    return []


def _access_problems(
    settings: ExerciseSettings, first_learner_access: datetime | None
) -> list[Problem]:
    if settings.case_access is not CaseAccess.ALWAYS_ANNOUNCED:
        if settings.announced_at is not None:
            return [
                Problem(
                    "announced_at",
                    "An announcement date applies only when instructors always read case text.",
                )
            ]
        return []
    if settings.announced_at is None:
        return [
            Problem(
                "announced_at",
                "Announce to the course that instructors read case text, and record when, "
                "before learners open the exercise.",
            )
        ]
    if first_learner_access is not None and settings.announced_at > first_learner_access:
        return [
            Problem(
                "case_access",
                "Learners opened this exercise before the announcement, so instructors cannot "
                "read their case text: choose 'with consent' or 'never'.",
            )
        ]
    return []


def announced_in_time(settings: ExerciseSettings, first_learner_access: datetime | None) -> bool:
    """ALWAYS_ANNOUNCED takes effect only if announced no later than the first learner access."""
    if settings.case_access is not CaseAccess.ALWAYS_ANNOUNCED or settings.announced_at is None:
        return False
    return first_learner_access is None or settings.announced_at <= first_learner_access
