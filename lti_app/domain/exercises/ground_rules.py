"""The ground rules (confidentiality pledge) each learner accepts before first access.

The rules are versioned; a learner who accepted an older version is asked again when they
change. Storage keeps each acceptance (user, version, at); the view asks :func:`must_accept`
before showing anything of the exercise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises.outcomes import Reason, Refused


@dataclass(frozen=True, slots=True)
class Acceptance:
    user_id: int
    version: int
    at: datetime


def must_accept(user_id: int, current_version: int, accepted: Iterable[Acceptance]) -> bool:
    """True until ``user_id`` has accepted ``current_version`` (an older one does not count)."""
    return not any(a.user_id == user_id and a.version == current_version for a in accepted)


def decide_accept(
    user_id: int,
    current_version: int,
    shown_version: int,
    accepted: Iterable[Acceptance],
    now: datetime,
) -> Acceptance | Refused:
    """Accept the version the learner was shown; if the rules changed meanwhile, ask again."""
    if shown_version != current_version:
        return Refused(
            Reason.NOT_ALLOWED,
            "The ground rules changed while you were reading them. Read the new version and "
            "accept it.",
        )
    if not must_accept(user_id, current_version, accepted):
        return Refused(Reason.ALREADY_DONE, "You have already accepted these ground rules.")
    return Acceptance(user_id, current_version, now)
