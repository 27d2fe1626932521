"""Who has completed a round, for the AGS completion grade: counts only, never content.

Requirements, derived from the (adapted) method and the role assignment:

- case-bringer: the case, and an action plan (in a reflection phase where they speak);
- everyone else (moderator and consultants): at least one post in each phase where their role
  may post the phase's own contribution (``phases.may_post``: questions, hypotheses, advice);
  and a takeaway if some reflection phase lets them post one (Troika's consultants: none). The
  moderator's role leads rather than consults, so a phase counts for the moderator only for the
  takeaway: leading is not measured by posts;
- the process observer: what the observer role may post (``roles.posting_role``): in the shipped
  data a takeaway in the closing, never the consultants' questions or advice;
- hidden posts do not count (else posting anything would complete);
- a withdrawn case excuses the whole group (:attr:`Status.EXCUSED`): no grade is sent
  automatically, so withdrawing never costs anyone a grade; the instructor decides.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from lti_app.domain.exercises.phases import CONTENT_PHASE, PostType, may_post
from lti_app.domain.exercises.roles import RoleAssignment, moderator_role, posting_role
from lti_app.domain.exercises.validation import Posted
from lti_app.domain.methods import CASE_BRINGER, Contribution, MethodSpec


class Status(enum.StrEnum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    EXCUSED = "excused"


@dataclass(frozen=True, slots=True)
class Requirement:
    """One thing to do: post ``kind``, in ``phase_id`` (None: in any phase)."""

    kind: PostType
    phase_id: str | None = None


@dataclass(frozen=True, slots=True)
class Completion:
    user_id: int
    role: str
    status: Status
    missing: tuple[Requirement, ...] = ()

    @property
    def score(self) -> tuple[float, float] | None:
        """(given, maximum) for AGS: 1/1 when complete, 0/1 when not, None when excused."""
        if self.status is Status.EXCUSED:
            return None
        return (1.0 if self.status is Status.COMPLETE else 0.0, 1.0)

    @property
    def ags_progress(self) -> tuple[str, str] | None:
        """(activityProgress, gradingProgress) for the AGS score; None when excused.

        Only a complete round is ``FullyGraded`` (final); an incomplete one is ``Pending``, so
        the gradebook does not show a final zero while the learner can still finish.
        """
        if self.status is Status.EXCUSED:
            return None
        if self.status is Status.COMPLETE:
            return ("Completed", "FullyGraded")
        return ("InProgress", "Pending")


def requirements(method: MethodSpec, role: str) -> tuple[Requirement, ...]:
    if role == CASE_BRINGER:
        return (Requirement(PostType.CASE), Requirement(PostType.ACTION_PLAN))
    needed: list[Requirement] = []
    if role != moderator_role(method):
        for phase in method.phases:
            for kind in (PostType.QUESTION, PostType.HYPOTHESIS, PostType.ADVICE):
                if phase.contribution is CONTENT_PHASE[kind] and may_post(
                    method, phase, role, kind
                ):
                    needed.append(Requirement(kind, phase.id))
    if any(
        p.contribution is Contribution.REFLECTION and may_post(method, p, role, PostType.TAKEAWAY)
        for p in method.phases
    ):
        needed.append(Requirement(PostType.TAKEAWAY))
    return tuple(needed)


def completion(
    method: MethodSpec,
    assignment: RoleAssignment,
    posts: Sequence[Posted],
    *,
    withdrawn: bool = False,
) -> tuple[Completion, ...]:
    """Everyone's completion, in the assignment's order."""
    results = []
    for user_id, role in assignment.roles.items():
        if withdrawn:
            results.append(Completion(user_id, role, Status.EXCUSED))
            continue
        mine = [p for p in posts if p.author == user_id and not p.hidden]
        needs = requirements(method, posting_role(method, assignment, user_id) or role)
        missing = tuple(need for need in needs if not _met(method, need, mine))
        status = Status.INCOMPLETE if missing else Status.COMPLETE
        results.append(Completion(user_id, role, status, missing))
    return tuple(results)


def _met(method: MethodSpec, need: Requirement, mine: Sequence[Posted]) -> bool:
    for post in mine:
        if post.kind is not need.kind:
            continue
        if need.phase_id is None:
            return True
        if 0 <= post.phase_index < len(method.phases) and (
            method.phases[post.phase_index].id == need.phase_id
        ):
            return True
    return False
