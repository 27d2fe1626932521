"""When a group's case text is purged, and what goes and what stays.

The round ends at the first of: the exercise's close, or its planned end (the session's end
for a session group, else the last async deadline). Case text is purged ``retention_days``
after that; a purge never waits for someone to close an exercise that overran its plan. A
withdrawn case is purged at once (nobody may see it any more, so nothing is kept for later).

Purged (:data:`PURGED`): the case's text (situation, own role, key question), the bodies of
key questions, questions, answers, hypotheses and advice, and flags' free-text reasons; after a
withdrawal also the reflections. Kept: reflections (action plan, takeaway), ratings and their
tags, warm/neutral/cold marks, every post's metadata (type, phase, author, time), moderation
actions, and therefore all process counts and completion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.validation import Posted

PURGED: frozenset[PostType] = frozenset(
    {
        PostType.CASE,
        PostType.KEY_QUESTION,
        PostType.QUESTION,
        PostType.ANSWER,
        PostType.HYPOTHESIS,
        PostType.ADVICE,
    }
)
KEPT: frozenset[PostType] = frozenset(PostType) - PURGED
REFLECTIONS: frozenset[PostType] = frozenset({PostType.ACTION_PLAN, PostType.TAKEAWAY})


def round_end(
    closed_at: datetime | None,
    session_ends_at: datetime | None = None,
    last_deadline: datetime | None = None,
) -> datetime | None:
    planned = session_ends_at if session_ends_at is not None else last_deadline
    known = [at for at in (closed_at, planned) if at is not None]
    return min(known) if known else None


def purge_at(
    retention_days: int,
    *,
    closed_at: datetime | None,
    session_ends_at: datetime | None = None,
    last_deadline: datetime | None = None,
    withdrawn_at: datetime | None = None,
) -> datetime | None:
    """When the case text is purged; None while the round has no known end."""
    if withdrawn_at is not None:
        return withdrawn_at
    end = round_end(closed_at, session_ends_at, last_deadline)
    return None if end is None else end + timedelta(days=retention_days)


@dataclass(frozen=True, slots=True)
class Purge:
    """What the worker blanks now: the case text and these posts' bodies (ids), flag reasons."""

    case_text: bool
    post_ids: tuple[int, ...]
    flag_reasons: bool


NOTHING_YET = Purge(False, (), False)


def decide_purge(
    posts: Sequence[Posted], due_at: datetime | None, now: datetime, *, withdrawn: bool = False
) -> Purge:
    """The purge due at ``now`` (idempotent: the worker may run it again and again)."""
    if due_at is None or now < due_at:
        return NOTHING_YET
    kinds = PURGED | REFLECTIONS if withdrawn else PURGED
    ids = tuple(p.post_id for p in posts if p.kind in kinds)
    return Purge(case_text=True, post_ids=ids, flag_reasons=True)
