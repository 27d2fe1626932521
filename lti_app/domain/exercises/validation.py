"""One check for everything a learner posts: the round, the phase rules, the text, the target.

:func:`check_post` is what storage calls before saving a post (and, if it refuses, saves
nothing). The order of checks gives the most useful message first: not your group, closed,
not open yet, case withdrawn, the phase rules of :func:`phases.may_post` (for the process
observer, the observer role's: ``observer.may_member_post``), no case yet, then the
text and the thing reacted to.

Membership comes from the :class:`RoleAssignment`, never from the actor's claim. An instructor
who is also in the group (say, a trained Balint leader) posts in that role; an instructor
outside the group posts nothing.

Text limits (characters, after trimming whitespace) are per type, in :data:`LIMITS`; the case
has three fields (situation, own role, key question) and an anonymisation checklist that must be
ticked whole. The key question may stay empty in the case when the method has a key-question
phase of its own (Tietze formulates it in phase 3); otherwise it is required.

Reactions name their target (``target_id``), which must be a visible post of this round of the
right type: a question for a MARK or an ANSWER, a hypothesis or advice for a RATING. Marking is
not a precondition of answering (which questions count as "chosen" is the case-bringer's
call); a repeated mark or rating replaces the earlier one (storage upserts per target).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from lti_app.domain.exercises.observer import may_member_post
from lti_app.domain.exercises.outcomes import ALLOWED, Actor, Reason, Refused, Verdict
from lti_app.domain.exercises.phases import LABELS, PhaseClock, PostType
from lti_app.domain.exercises.roles import RoleAssignment
from lti_app.domain.methods import Contribution, MethodSpec

LIMITS: dict[PostType, int] = {
    PostType.KEY_QUESTION: 500,
    PostType.QUESTION: 500,
    PostType.ANSWER: 2000,
    PostType.HYPOTHESIS: 1000,
    PostType.ADVICE: 1000,
    PostType.ACTION_PLAN: 3000,
    PostType.TAKEAWAY: 2000,
}
CASE_LIMITS: dict[str, int] = {"situation": 5000, "own_role": 2000, "key_question": 500}
CASE_FIELD_LABELS = {
    "situation": "the situation",
    "own_role": "your own role",
    "key_question": "the key question",
}

ANONYMISATION_CHECKLIST: tuple[str, ...] = (
    "no-names",
    "no-identifying-details",
    "no-third-party-secrets",
    "own-part",
)
"""The case-bringer confirms each before submitting: no real names (pseudonyms instead); no
details that identify a person or organisation; nothing told in confidence by others; the case
is about their own part in it."""

RATING_TAGS: frozenset[str] = frozenset(
    {"new-perspective", "actionable", "recognisable", "clarifying", "encouraging"}
)
SCORE_MIN, SCORE_MAX = 1, 5


class Mark(enum.StrEnum):
    WARM = "warm"
    NEUTRAL = "neutral"
    COLD = "cold"


class CaseStatus(enum.StrEnum):
    NONE = "none"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Posted:
    """A saved post as the rules need it: metadata, never its text."""

    post_id: int
    author: int
    kind: PostType
    phase_index: int
    hidden: bool = False
    target_id: int | None = None
    """What a MARK, ANSWER or RATING reacts to."""
    score: int | None = None
    """A RATING's 1–5 (a number, not text: process data for helpfulness received)."""


@dataclass(frozen=True, slots=True)
class Round:
    """One group's round, read by storage: everything a check needs."""

    method: MethodSpec
    """The adapted method (``AdaptedMethod.spec``) the exercise started with."""
    assignment: RoleAssignment
    clock: PhaseClock
    case_status: CaseStatus = CaseStatus.NONE
    posts: tuple[Posted, ...] = ()

    def post(self, post_id: int) -> Posted | None:
        return next((p for p in self.posts if p.post_id == post_id), None)


@dataclass(frozen=True, slots=True)
class Draft:
    """What someone wants to post. CASE uses ``case`` (field → text) and ``checklist``;
    MARK uses ``mark``; RATING ``score`` and ``tags``; the reactions ``target_id``."""

    kind: PostType
    text: str = ""
    case: Mapping[str, str] = field(default_factory=dict)
    checklist: frozenset[str] = frozenset()
    target_id: int | None = None
    mark: Mark | None = None
    score: int | None = None
    tags: frozenset[str] = frozenset()


def check_post(round_: Round, actor: Actor, draft: Draft) -> Verdict:
    role = round_.assignment.role_of(actor.user_id)
    if role is None and not actor.instructor:
        return Refused(Reason.NOT_IN_GROUP, "You are not a member of this group.")
    clock = round_.clock
    if clock.closed:
        return Refused(Reason.CLOSED, "This exercise is closed; nothing more can be posted in it.")
    if clock.phase is None:
        return Refused(Reason.NOT_STARTED, "This round has not started yet.")
    if round_.case_status is CaseStatus.WITHDRAWN:
        return Refused(
            Reason.CASE_WITHDRAWN, "The case-bringer withdrew this case; the round has ended."
        )
    verdict = may_member_post(
        round_.method, clock.phase, round_.assignment, actor.user_id, draft.kind
    )
    if isinstance(verdict, Refused):
        return verdict
    if draft.kind is PostType.CASE:
        return check_case(round_.method, draft)
    if round_.case_status is not CaseStatus.SUBMITTED:
        return Refused(Reason.NO_CASE_YET, "The case-bringer has not submitted the case yet.")
    if draft.kind in LIMITS:
        text = check_text(draft.kind, draft.text)
        if isinstance(text, Refused):
            return text
    return _check_reaction(round_, draft)


def check_text(kind: PostType, text: str) -> Verdict:
    label = LABELS[kind]
    return _text(label, text, LIMITS[kind])


def _text(label: str, text: str, limit: int) -> Verdict:
    body = text.strip()
    if not body:
        return Refused(Reason.EMPTY, f"Write {label} before posting: it is empty.")
    if "\x00" in body:
        return Refused(
            Reason.BAD_VALUE,
            f"{label.capitalize()} contains a character that cannot be saved; retype it.",
        )
    if len(body) > limit:
        return Refused(
            Reason.TOO_LONG,
            f"Keep {label} to {limit} characters; it has {len(body)}. Shorten it and post again.",
        )
    return ALLOWED


def check_case(method: MethodSpec, draft: Draft) -> Verdict:
    unknown = set(draft.case) - set(CASE_LIMITS)
    if unknown:
        return Refused(
            Reason.BAD_VALUE,
            "The case has the situation, your own role and the key question; nothing else.",
        )
    own_phase = any(p.contribution is Contribution.KEY_QUESTION for p in method.phases)
    for name, limit in CASE_LIMITS.items():
        value = draft.case.get(name, "")
        if name == "key_question" and own_phase and not value.strip():
            continue
        verdict = _text(CASE_FIELD_LABELS[name], value, limit)
        if isinstance(verdict, Refused):
            return verdict
    missing = [item for item in ANONYMISATION_CHECKLIST if item not in draft.checklist]
    if missing:
        return Refused(
            Reason.CHECKLIST_INCOMPLETE,
            "Go through the anonymisation checklist and confirm every item before submitting.",
        )
    return ALLOWED


_TARGETS: dict[PostType, frozenset[PostType]] = {
    PostType.MARK: frozenset({PostType.QUESTION}),
    PostType.ANSWER: frozenset({PostType.QUESTION}),
    PostType.RATING: frozenset({PostType.HYPOTHESIS, PostType.ADVICE}),
}


def _check_reaction(round_: Round, draft: Draft) -> Verdict:
    if draft.kind not in _TARGETS:
        if draft.target_id is not None:
            return Refused(Reason.BAD_TARGET, f"{LABELS[draft.kind].capitalize()} stand alone.")
        return ALLOWED
    target = round_.post(draft.target_id) if draft.target_id is not None else None
    if target is None or target.hidden or target.kind not in _TARGETS[draft.kind]:
        what = " or ".join(sorted(LABELS[k] for k in _TARGETS[draft.kind]))
        return Refused(Reason.BAD_TARGET, f"Choose one of the {what} of this round.")
    if draft.kind is PostType.MARK and draft.mark is None:
        return Refused(Reason.BAD_VALUE, "Mark the question warm, neutral or cold.")
    if draft.kind is PostType.RATING:
        if draft.score is None or not SCORE_MIN <= draft.score <= SCORE_MAX:
            return Refused(
                Reason.BAD_VALUE, f"Rate how helpful it was from {SCORE_MIN} to {SCORE_MAX}."
            )
        if not draft.tags <= RATING_TAGS:
            return Refused(Reason.BAD_VALUE, "Choose tags from the list offered.")
    return ALLOWED
