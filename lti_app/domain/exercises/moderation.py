"""Flags, hiding and restoring, and withdrawing the case: decisions storage logs and applies.

- Flag: any group member, once per person per contribution (a second flag changes nothing and
  says so); a short optional reason. Instructors outside the group do not flag: they hide.
- Hide / restore: the group's moderator or an instructor, always with a reason; each is a
  :class:`ModerationAction` that storage appends to the log (the resolution log of the flags).
  In a method without a moderator role (Troika), only instructors hide.
- Withdraw the case: the case-bringer, at any time (also after the round closed), once.
  Visibility then shows a tombstone only, and retention purges the text at once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises.outcomes import Actor, Reason, Refused
from lti_app.domain.exercises.roles import moderator_role
from lti_app.domain.exercises.validation import CaseStatus, Round
from lti_app.domain.methods import CASE_BRINGER

REASON_CHARS_MAX = 500


class ActionKind(enum.StrEnum):
    HIDE = "hide"
    RESTORE = "restore"
    WITHDRAW_CASE = "withdraw_case"


@dataclass(frozen=True, slots=True)
class Flag:
    post_id: int
    by_user: int
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ModerationAction:
    kind: ActionKind
    by_user: int
    by_instructor: bool
    reason: str
    at: datetime
    post_id: int | None = None
    """None for WITHDRAW_CASE."""


def decide_flag(
    round_: Round, flags: tuple[Flag, ...], actor: Actor, post_id: int, reason: str, now: datetime
) -> Flag | Refused:
    if round_.assignment.role_of(actor.user_id) is None:
        return Refused(
            Reason.NOT_IN_GROUP,
            "Members of the group flag contributions; instructors can hide them directly.",
        )
    if round_.post(post_id) is None:
        return Refused(Reason.BAD_TARGET, "There is no such contribution in this group.")
    if any(f.post_id == post_id and f.by_user == actor.user_id for f in flags):
        return Refused(Reason.ALREADY_DONE, "You have already flagged this contribution.")
    if len(reason.strip()) > REASON_CHARS_MAX:
        return Refused(Reason.TOO_LONG, f"Keep the reason to {REASON_CHARS_MAX} characters.")
    return Flag(post_id, actor.user_id, reason.strip(), now)


def open_flags(flags: tuple[Flag, ...], actions: tuple[ModerationAction, ...]) -> tuple[Flag, ...]:
    """Flags raised after the last hide or restore of their post: what moderators still review."""
    resolved_at: dict[int, datetime] = {}
    for action in actions:
        if action.post_id is not None and action.kind is not ActionKind.WITHDRAW_CASE:
            resolved_at[action.post_id] = max(resolved_at.get(action.post_id, action.at), action.at)
    return tuple(f for f in flags if f.post_id not in resolved_at or f.at > resolved_at[f.post_id])


def _may_moderate(round_: Round, actor: Actor) -> Refused | None:
    if actor.instructor:
        return None
    role = round_.assignment.role_of(actor.user_id)
    mod = moderator_role(round_.method)
    if role is None or mod is None or role != mod:
        return Refused(
            Reason.NOT_ALLOWED, "Only the group's moderator or an instructor can hide or restore."
        )
    return None


def _moderate(
    round_: Round, actor: Actor, post_id: int, reason: str, now: datetime, hide: bool
) -> ModerationAction | Refused:
    refused = _may_moderate(round_, actor)
    if refused is not None:
        return refused
    post = round_.post(post_id)
    if post is None:
        return Refused(Reason.BAD_TARGET, "There is no such contribution in this group.")
    if post.hidden == hide:
        state = "hidden" if hide else "visible"
        return Refused(Reason.ALREADY_DONE, f"This contribution is already {state}.")
    if not reason.strip():
        return Refused(
            Reason.REASON_REQUIRED, "Say why, so the log shows it: a reason is required."
        )
    if len(reason.strip()) > REASON_CHARS_MAX:
        return Refused(Reason.TOO_LONG, f"Keep the reason to {REASON_CHARS_MAX} characters.")
    kind = ActionKind.HIDE if hide else ActionKind.RESTORE
    return ModerationAction(kind, actor.user_id, actor.instructor, reason.strip(), now, post_id)


def decide_hide(
    round_: Round, actor: Actor, post_id: int, reason: str, now: datetime
) -> ModerationAction | Refused:
    return _moderate(round_, actor, post_id, reason, now, hide=True)


def decide_restore(
    round_: Round, actor: Actor, post_id: int, reason: str, now: datetime
) -> ModerationAction | Refused:
    return _moderate(round_, actor, post_id, reason, now, hide=False)


def decide_withdraw(
    round_: Round, actor: Actor, now: datetime, reason: str = ""
) -> ModerationAction | Refused:
    """The case-bringer withdraws the case; no reason is required (it is their case)."""
    if round_.assignment.role_of(actor.user_id) != CASE_BRINGER:
        return Refused(Reason.NOT_ALLOWED, "Only the case-bringer can withdraw their case.")
    if round_.case_status is CaseStatus.WITHDRAWN:
        return Refused(Reason.ALREADY_DONE, "This case has already been withdrawn.")
    if round_.case_status is CaseStatus.NONE:
        return Refused(Reason.NO_CASE_YET, "There is no submitted case to withdraw.")
    return ModerationAction(
        ActionKind.WITHDRAW_CASE, actor.user_id, False, reason.strip()[:REASON_CHARS_MAX], now
    )
