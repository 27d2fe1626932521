"""What every exercise rule answers: :class:`Allowed`, or :class:`Refused` with a reason and a
message for people; and who is asking (:class:`Actor`).

A refusal means *nothing is saved*: views show ``message`` and storage writes nothing. The
reason is for code and tests (and the process dashboard's counts); the message is for people
and never quotes learner text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Reason(enum.StrEnum):
    NOT_IN_GROUP = "not_in_group"
    NOT_STARTED = "not_started"
    CLOSED = "closed"
    CASE_WITHDRAWN = "case_withdrawn"
    NO_CASE_YET = "no_case_yet"
    WRONG_PHASE = "wrong_phase"
    WRONG_ROLE = "wrong_role"
    SILENT = "silent"
    NOT_IN_METHOD = "not_in_method"
    INSTRUCTORS_DO_NOT_POST = "instructors_do_not_post"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BAD_TARGET = "bad_target"
    BAD_VALUE = "bad_value"
    CHECKLIST_INCOMPLETE = "checklist_incomplete"
    NOT_ALLOWED = "not_allowed"
    ALREADY_DONE = "already_done"
    REASON_REQUIRED = "reason_required"
    LIVE_ONLY = "live_only"
    LAST_PHASE_DONE = "last_phase_done"


@dataclass(frozen=True, slots=True)
class Allowed:
    """The request may go ahead."""

    def __bool__(self) -> bool:
        return True


ALLOWED = Allowed()


@dataclass(frozen=True, slots=True)
class Refused:
    """The request changes nothing; ``message`` says why and what to do instead."""

    reason: Reason
    message: str

    def __bool__(self) -> bool:
        return False


Verdict = Allowed | Refused


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts or looks: a user, and whether the course makes them an instructor.

    ``role`` is what the page thinks the person's method role is (for display); every rule
    that decides reads the role from the group's :class:`roles.RoleAssignment` instead, so a
    claimed role counts for nothing.
    """

    user_id: int
    role: str | None = None
    instructor: bool = False
