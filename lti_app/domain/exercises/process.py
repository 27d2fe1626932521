"""The instructor's dashboard of a group's process: counts only, never content.

From posts' metadata (:class:`validation.Posted`, which has no text):

- participation per phase: posts per phase id and per member;
- questions asked before the first advice (the protocol working: understanding first);
- advice posted outside an advice phase cannot happen (``may_post``), so it is not counted;
- helpfulness received: the mean RATING score per author of hypotheses and advice;
- reflections handed in: who wrote an action plan or a takeaway;
- at risk (:class:`Risk`): no case once the case phase is over; a phase that is over without
  any post of its own contribution (answers and the key question excepted: those may live in
  reactions and in the case itself); open flags; the case withdrawn.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lti_app.domain.exercises.phases import CONTENT_PHASE, PhaseClock, PostType
from lti_app.domain.exercises.roles import RoleAssignment
from lti_app.domain.exercises.validation import CaseStatus, Posted
from lti_app.domain.methods import Contribution, MethodSpec

REFLECTION_TYPES = frozenset({PostType.ACTION_PLAN, PostType.TAKEAWAY})


class Risk(enum.StrEnum):
    NO_CASE = "no_case"
    SILENT_PHASE = "silent_phase"
    OPEN_FLAGS = "open_flags"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class GroupProcess:
    posts_per_phase: Mapping[str, int]
    posts_per_member: Mapping[int, int]
    questions_before_advice: int
    helpfulness_received: Mapping[int, float]
    reflections_by: frozenset[int]
    at_risk: tuple[Risk, ...]
    empty_phases: tuple[str, ...]


def group_process(
    method: MethodSpec,
    assignment: RoleAssignment,
    posts: Sequence[Posted],
    clock: PhaseClock,
    *,
    case_status: CaseStatus,
    open_flag_count: int = 0,
) -> GroupProcess:
    counted = [p for p in posts if 0 <= p.phase_index < len(method.phases)]
    per_phase = Counter(method.phases[p.phase_index].id for p in counted)
    per_member = Counter(p.author for p in counted if p.author in assignment.roles)
    advice_at = [p.phase_index for p in counted if p.kind is PostType.ADVICE]
    first_advice = min(advice_at) if advice_at else len(method.phases)
    questions = sum(
        1 for p in counted if p.kind is PostType.QUESTION and p.phase_index < first_advice
    )
    by_id = {p.post_id: p for p in counted}
    scores: dict[int, list[int]] = {}
    for rating in counted:
        if rating.kind is PostType.RATING and rating.score is not None:
            target = by_id.get(rating.target_id) if rating.target_id is not None else None
            if target is not None:
                scores.setdefault(target.author, []).append(rating.score)
    reflections = frozenset(p.author for p in counted if p.kind in REFLECTION_TYPES)
    over = len(method.phases) if clock.closed else (clock.index or 0)
    empty = tuple(
        phase.id
        for index, phase in enumerate(method.phases[:over])
        if phase.contribution is not Contribution.NONE
        and phase.contribution not in (Contribution.ANSWER, Contribution.KEY_QUESTION)
        and not any(
            p.phase_index == index and CONTENT_PHASE.get(p.kind) is phase.contribution
            for p in counted
        )
    )
    risks = []
    if case_status is CaseStatus.WITHDRAWN:
        risks.append(Risk.WITHDRAWN)
    else:
        case_over = any(phase.contribution is Contribution.CASE for phase in method.phases[:over])
        if case_over and case_status is CaseStatus.NONE:
            risks.append(Risk.NO_CASE)
        if empty:
            risks.append(Risk.SILENT_PHASE)
    if open_flag_count:
        risks.append(Risk.OPEN_FLAGS)
    return GroupProcess(
        posts_per_phase=dict(per_phase),
        posts_per_member=dict(per_member),
        questions_before_advice=questions,
        helpfulness_received={a: sum(s) / len(s) for a, s in scores.items()},
        reflections_by=reflections,
        at_risk=tuple(risks),
        empty_phases=empty,
    )
