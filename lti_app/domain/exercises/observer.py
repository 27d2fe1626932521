"""What a group member may post, with the process observer kept out of the consultation.

Collegial counselling lists a "Process observer (optional)": one member who takes no part in
the consultation, notes phase by phase where the group kept to its rules, and reports in the
closing. Like the scribe it is a duty given on top of a consultant's role (``roles``); unlike
the scribe (a consultant who writes), its holder does not post as a consultant. Which phases
are left to the observer is the method's data, not a list here: the holder posts *as the
observer role* (``roles.posting_role``), so ``phases.may_post`` applies each phase's
``speakers`` and ``contribution`` to that role. In the shipped data that is a takeaway (what
they noticed) in the closing, whose speakers are ``all``, and nothing in the comprehension
questions or the consultation, whose speakers name the consultants but not the observer.
"""

from __future__ import annotations

from lti_app.domain.exercises.outcomes import Reason, Refused, Verdict
from lti_app.domain.exercises.phases import CASE_BRINGER_ONLY, LABELS, PostType, may_post
from lti_app.domain.exercises.roles import RoleAssignment, observer_role, posting_role
from lti_app.domain.methods import MethodSpec, PhaseSpec


def may_member_post(
    method: MethodSpec,
    phase: PhaseSpec,
    assignment: RoleAssignment,
    user_id: int | None,
    kind: PostType,
) -> Verdict:
    """``phases.may_post`` for the role the assignment gives ``user_id`` (None, or someone
    outside the group: as an instructor), the observer duty taking precedence."""
    role = posting_role(method, assignment, user_id) if user_id is not None else None
    verdict = may_post(method, phase, role, kind)
    if isinstance(verdict, Refused) and role is not None and role == observer_role(method):
        return _observer_refusal(method, phase, role, kind, verdict)
    return verdict


def observer_posts(method: MethodSpec) -> tuple[tuple[PhaseSpec, tuple[PostType, ...]], ...]:
    """Each phase where the method's observer may post something, and what (for the page)."""
    role = observer_role(method)
    if role is None:
        return ()
    found = []
    for phase in method.phases:
        kinds = tuple(kind for kind in PostType if may_post(method, phase, role, kind))
        if kinds:
            found.append((phase, kinds))
    return tuple(found)


def _observer_refusal(
    method: MethodSpec, phase: PhaseSpec, role: str, kind: PostType, verdict: Refused
) -> Refused:
    """The observer's own message for the consultants' types; the rest keep theirs (the
    case-bringer's types, a closed phase, a type the observer posts only in another phase)."""
    if kind in CASE_BRINGER_ONLY or verdict.reason not in (Reason.WRONG_ROLE, Reason.WRONG_PHASE):
        return verdict
    anywhere = any(may_post(method, p, role, kind) for p in method.phases)
    if verdict.reason is Reason.WRONG_PHASE and anywhere:
        return verdict  # only not in this phase: the message names the phase to use
    when = f"in '{phase.name}'" if anywhere else "in this round"
    where = [f"{LABELS[k]} in '{p.name}'" for p, kinds in observer_posts(method) for k in kinds]
    then = f" You post {' and '.join(where)}." if where else ""
    return Refused(
        Reason.WRONG_ROLE,
        f"As process observer you stay out of the consultation: you do not post {LABELS[kind]} "
        f"{when}; you note, phase by phase, where the group keeps to its rules.{then}",
    )
