"""The follow-up of an action plan: when the case-bringer's group meets again, they are asked
what they tried of the plan they wrote, and the group reads the answer in that round's opening.

**When the group meets again** (:func:`same_group`): a later round (made after the earlier
one) of the same stable group, of the same sign-up series, or, for groups without either, a
round in which the case-bringer meets at least one other member of the earlier round again.
That later round asks (:func:`due_plans`) for every action plan of the viewer in such an
earlier round that was not answered yet; once answered, a plan is never asked again.

**Answering** (:func:`may_answer`): only the plan's author, only as a member of the later
round, while that round is neither closed nor withdrawn; the text is checked like other
reflections (:data:`FOLLOW_UP_LIMIT`). The answer is a reflection: the retention purge keeps
it, and it goes into no grade, export, mail or log.

**Who reads it** (:func:`answer_readable`): the later round's members; instructors outside the
group only when they may read that round's case text (``visibility.Access``), as for other
reflections. Time comes in as ``now`` where needed; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises.outcomes import Actor, Reason, Refused, Verdict
from lti_app.domain.exercises.validation import _text
from lti_app.domain.exercises.visibility import Access

FOLLOW_UP_LIMIT = 2000
LABEL = "what you tried of your action plan"


@dataclass(frozen=True, slots=True)
class RoundLink:
    """What ties rounds together: when the round was made, who is in it, and the stable group
    and sign-up series it belongs to (None where it has none)."""

    group_id: int
    created_at: datetime
    member_ids: frozenset[int]
    stable_group_id: int | None = None
    series_id: int | None = None


@dataclass(frozen=True, slots=True)
class PlanRef:
    """An action plan: its post, its author and the round it was written in."""

    plan_id: int
    author_id: int
    round: RoundLink


def same_group(earlier: RoundLink, later: RoundLink, case_bringer: int) -> bool:
    """Whether ``later`` is the case-bringer's group meeting again after ``earlier``."""
    if later.group_id == earlier.group_id or later.created_at <= earlier.created_at:
        return False
    if case_bringer not in later.member_ids:
        return False
    if earlier.stable_group_id is not None and earlier.stable_group_id == later.stable_group_id:
        return True
    if earlier.series_id is not None and earlier.series_id == later.series_id:
        return True
    if earlier.stable_group_id is None and earlier.series_id is None:
        others = earlier.member_ids - {case_bringer}
        return bool(others & later.member_ids)
    return False


def due_plans(
    later: RoundLink, viewer: int, plans: Sequence[PlanRef], answered: Collection[int]
) -> tuple[PlanRef, ...]:
    """The viewer's plans this round asks about, oldest first."""
    return tuple(
        plan
        for plan in sorted(plans, key=lambda p: (p.round.created_at, p.plan_id))
        if plan.author_id == viewer
        and plan.plan_id not in answered
        and same_group(plan.round, later, viewer)
    )


def may_answer(
    actor: Actor,
    later: RoundLink,
    plan_id: int,
    due: Sequence[PlanRef],
    *,
    closed: bool,
    withdrawn: bool,
    text: str,
) -> Verdict:
    """Whether ``actor`` may answer the follow-up of plan ``plan_id`` in round ``later`` now."""
    if actor.instructor and actor.user_id not in later.member_ids:
        return Refused(Reason.INSTRUCTORS_DO_NOT_POST, "Only the case-bringer answers this.")
    if actor.user_id not in later.member_ids:
        return Refused(Reason.NOT_IN_GROUP, "Only members of this group answer here.")
    if closed or withdrawn:
        return Refused(Reason.CLOSED, "This round is closed; the follow-up can no longer change.")
    if not any(plan.plan_id == plan_id for plan in due):
        return Refused(
            Reason.ALREADY_DONE,
            "There is no open follow-up of that plan for you here (it may be answered already).",
        )
    return _text(LABEL, text, FOLLOW_UP_LIMIT)


def answer_readable(viewer: Actor, later: RoundLink, access: Access) -> bool:
    """Members of the later round read its follow-up answers; instructors outside it only
    when they may read that round's case text."""
    if viewer.user_id in later.member_ids:
        return True
    return viewer.instructor and access.instructor_reads_text
