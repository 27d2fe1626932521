"""Who may post what in which phase, derived from the method data; and where a round is now.

**Posting** (:func:`may_post`). Every post type belongs to a phase contribution, and a person
may post it only where the phase's ``contribution`` matches, their role speaks there
(``PhaseSpec.speaks``: ``speakers`` and ``case_bringer_silent``), and the type is theirs:

==============  ======================  ===============================================
post type       phase contribution      by
==============  ======================  ===============================================
CASE            case                    the case-bringer (situation, own role, key q.)
KEY_QUESTION    key-question            the case-bringer (sharpened / reformulated)
QUESTION        question                anyone else who speaks there
HYPOTHESIS      hypothesis              anyone else who speaks there
ADVICE          advice                  anyone else who speaks there
ACTION_PLAN     reflection              the case-bringer
TAKEAWAY        reflection              anyone else who speaks there
==============  ======================  ===============================================

The moderator counts as "anyone else": the data makes chairs and leaders speakers of analysis
and advice phases (the ten-step chair "may take part as a member"), and only the data decides.

**The case-bringer's reactions** are allowed wherever the case-bringer speaks (never in a
silent phase: research invariant 4), from the first phase of what they react to onwards, so
that a silent hypothesis round is rated in the round after it:

- MARK (warm / neutral / cold on a question) and ANSWER (to a chosen question): from the first
  ``question`` phase on (Socratic: in "warm, neutral or cold"; ten-step: in "rate" and
  "answer the questions"; Troika: while the questions are asked);
- RATING (1–5 with tags, of a hypothesis or piece of advice): from the first ``hypothesis`` or
  ``advice`` phase on (in practice the phase after the silent one, or the reflection).

A method without a phase for a type refuses it as NOT_IN_METHOD. Instructors never post.

**Where a round is.** LIVE: :class:`RunState` holds the current phase and when it started; the
moderator (or, in a method without one, any member) or an instructor moves on with
:func:`advance`; the timer shows time left and may overrun (nobody is cut off mid-sentence).
ASYNC: a :class:`Schedule` of deadlines decides alone (:func:`current_phase`). HYBRID: the
later of the two, so the moderator may move on early but a deadline always moves everyone on.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from lti_app.domain.exercises.outcomes import ALLOWED, Actor, Reason, Refused, Verdict
from lti_app.domain.exercises.roles import RoleAssignment, moderator_role
from lti_app.domain.exercises.settings import Mode
from lti_app.domain.methods import CASE_BRINGER, Contribution, MethodSpec, PhaseSpec
from lti_app.domain.signups.problems import Problem


class PostType(enum.StrEnum):
    CASE = "case"
    KEY_QUESTION = "key_question"
    QUESTION = "question"
    HYPOTHESIS = "hypothesis"
    ADVICE = "advice"
    ACTION_PLAN = "action_plan"
    TAKEAWAY = "takeaway"
    MARK = "mark"
    ANSWER = "answer"
    RATING = "rating"


CONTENT_PHASE: dict[PostType, Contribution] = {
    PostType.CASE: Contribution.CASE,
    PostType.KEY_QUESTION: Contribution.KEY_QUESTION,
    PostType.QUESTION: Contribution.QUESTION,
    PostType.HYPOTHESIS: Contribution.HYPOTHESIS,
    PostType.ADVICE: Contribution.ADVICE,
    PostType.ACTION_PLAN: Contribution.REFLECTION,
    PostType.TAKEAWAY: Contribution.REFLECTION,
}
"""Types posted only in the phase of this contribution."""

REACTION_FROM: dict[PostType, frozenset[Contribution]] = {
    PostType.MARK: frozenset({Contribution.QUESTION}),
    PostType.ANSWER: frozenset({Contribution.QUESTION}),
    PostType.RATING: frozenset({Contribution.HYPOTHESIS, Contribution.ADVICE}),
}
"""The case-bringer's reactions: allowed from the first phase of one of these contributions."""

CASE_BRINGER_ONLY = frozenset(
    {PostType.CASE, PostType.KEY_QUESTION, PostType.ACTION_PLAN, *REACTION_FROM}
)

LABELS: dict[PostType, str] = {
    PostType.CASE: "the case",
    PostType.KEY_QUESTION: "the key question",
    PostType.QUESTION: "questions",
    PostType.HYPOTHESIS: "hypotheses",
    PostType.ADVICE: "advice",
    PostType.ACTION_PLAN: "the action plan",
    PostType.TAKEAWAY: "what you take away",
    PostType.MARK: "warm / neutral / cold marks",
    PostType.ANSWER: "answers to questions",
    PostType.RATING: "helpfulness ratings",
}


def may_post(method: MethodSpec, phase: PhaseSpec, role: str | None, kind: PostType) -> Verdict:
    """Whether someone in ``role`` (None: an instructor) may post ``kind`` in ``phase``."""
    if role is None:
        return Refused(
            Reason.INSTRUCTORS_DO_NOT_POST,
            "Instructors follow the process but do not post in a group's consultation.",
        )
    if method.role(role) is None:
        return Refused(Reason.WRONG_ROLE, f"{method.name} has no role '{role}'.")
    label = LABELS[kind]
    if kind in CASE_BRINGER_ONLY and role != CASE_BRINGER:
        return Refused(Reason.WRONG_ROLE, f"Only the case-bringer posts {label}.")
    if kind not in CASE_BRINGER_ONLY and role == CASE_BRINGER:
        return Refused(
            Reason.WRONG_ROLE,
            f"As case-bringer you do not post {label}; the others offer them to you.",
        )
    if kind in CONTENT_PHASE:
        if not any(p.contribution is CONTENT_PHASE[kind] for p in method.phases):
            return Refused(Reason.NOT_IN_METHOD, f"{method.name} has no phase for {label}.")
        if phase.contribution is not CONTENT_PHASE[kind]:
            return Refused(Reason.WRONG_PHASE, _wrong_phase(method, phase, kind))
    else:
        first = first_phase_of(method, REACTION_FROM[kind])
        if first is None:
            return Refused(Reason.NOT_IN_METHOD, f"{method.name} has no phase for {label}.")
        if _index(method, phase) < first:
            return Refused(Reason.WRONG_PHASE, _wrong_phase(method, phase, kind))
    if role == CASE_BRINGER and phase.case_bringer_silent:
        return Refused(
            Reason.SILENT,
            f"In '{phase.name}' the case-bringer listens and does not post; you can react "
            "once the phase is over.",
        )
    if not phase.speaks(role):
        role_name = method.role(role).name  # type: ignore[union-attr]
        return Refused(Reason.WRONG_ROLE, f"In '{phase.name}' the {role_name} does not post.")
    return ALLOWED


def postable(method: MethodSpec, phase: PhaseSpec, role: str | None) -> tuple[PostType, ...]:
    """Every type ``role`` may post in ``phase``: what the page offers."""
    return tuple(kind for kind in PostType if may_post(method, phase, role, kind))


def first_phase_of(method: MethodSpec, contributions: frozenset[Contribution]) -> int | None:
    return next((i for i, p in enumerate(method.phases) if p.contribution in contributions), None)


def _index(method: MethodSpec, phase: PhaseSpec) -> int:
    for index, candidate in enumerate(method.phases):
        if candidate.id == phase.id:
            return index
    raise ValueError(f"phase {phase.id!r} is not a phase of {method.slug!r} as adapted")


def _wrong_phase(method: MethodSpec, phase: PhaseSpec, kind: PostType) -> str:
    if kind in CONTENT_PHASE:
        where = [p.name for p in method.phases if p.contribution is CONTENT_PHASE[kind]]
        return f"This is '{phase.name}'. {LABELS[kind].capitalize()} belong in '{where[0]}'."
    return f"This is '{phase.name}'; {LABELS[kind]} come later in the round."


# --- where a round is --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunState:
    """A live (or hybrid) round: ``phase_index`` into the adapted phases, None before start."""

    phase_index: int | None = None
    phase_started_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True, slots=True)
class Schedule:
    """Async deadlines: phase ``i`` is open from ``deadlines[i-1]`` (or ``opens_at``) until
    ``deadlines[i]``; after the last deadline the round is closed."""

    opens_at: datetime
    deadlines: tuple[datetime, ...]


def check_schedule(method: MethodSpec, schedule: Schedule) -> tuple[Problem, ...]:
    problems = []
    if len(schedule.deadlines) != len(method.phases):
        problems.append(
            Problem("deadlines", f"Give one deadline for each of the {len(method.phases)} phases.")
        )
    previous = schedule.opens_at
    for index, deadline in enumerate(schedule.deadlines):
        if deadline <= previous:
            problems.append(
                Problem(
                    f"deadlines.{index}",
                    "Each deadline comes after the one before it (and after the opening).",
                )
            )
        previous = deadline
    return tuple(problems)


def schedule_by_days(method: MethodSpec, opens_at: datetime, days: Sequence[float]) -> Schedule:
    """Deadlines ``days[i]`` days after the previous one (a form's 'days per phase')."""
    deadlines, at = [], opens_at
    for count in days:
        at = at + timedelta(days=count)
        deadlines.append(at)
    return Schedule(opens_at, tuple(deadlines))


@dataclass(frozen=True, slots=True)
class PhaseClock:
    """Where the round is at one instant. ``index`` None: not open yet, or closed."""

    index: int | None
    phase: PhaseSpec | None
    ends_at: datetime | None
    closed: bool

    def time_left(self, now: datetime) -> timedelta | None:
        """None without a timer; never negative (an overrun live phase shows zero)."""
        if self.ends_at is None:
            return None
        return max(self.ends_at - now, timedelta(0))

    def overrun(self, now: datetime) -> bool:
        return self.ends_at is not None and now > self.ends_at and not self.closed


NOT_OPEN = PhaseClock(None, None, None, False)
CLOSED = PhaseClock(None, None, None, True)


def current_phase(method: MethodSpec, schedule: Schedule, now: datetime) -> PhaseClock:
    """Async: the phase whose deadline is the first still ahead of ``now``."""
    if now < schedule.opens_at:
        return NOT_OPEN
    for index, deadline in enumerate(schedule.deadlines):
        if now < deadline and index < len(method.phases):
            return PhaseClock(index, method.phases[index], deadline, False)
    return CLOSED


def live_phase(method: MethodSpec, state: RunState) -> PhaseClock:
    if state.closed:
        return CLOSED
    if state.phase_index is None or state.phase_started_at is None:
        return NOT_OPEN
    phase = method.phases[state.phase_index]
    return PhaseClock(
        state.phase_index,
        phase,
        state.phase_started_at + timedelta(minutes=phase.minutes),
        False,
    )


def phase_now(
    mode: Mode,
    method: MethodSpec,
    now: datetime,
    *,
    state: RunState | None = None,
    schedule: Schedule | None = None,
) -> PhaseClock:
    """The phase for any mode: ASYNC needs ``schedule``, LIVE ``state``, HYBRID both."""
    if mode is Mode.ASYNC:
        if schedule is None:
            raise ValueError("an asynchronous exercise needs its schedule")
        return current_phase(method, schedule, now)
    live = live_phase(method, state or RunState())
    if mode is Mode.LIVE:
        return live
    if schedule is None:
        raise ValueError("a hybrid exercise needs its schedule")
    planned = current_phase(method, schedule, now)
    if live.closed or planned.closed:
        return CLOSED
    if planned.index is None:
        return NOT_OPEN
    if live.index is not None and live.index > planned.index:
        # Moved on early: the phase's own timer runs, but its deadline still closes it.
        deadline = schedule.deadlines[live.index]
        return replace(live, ends_at=min(live.ends_at or deadline, deadline))
    return planned


def sync_hybrid(method: MethodSpec, state: RunState, schedule: Schedule, now: datetime) -> RunState:
    """A hybrid round's live state, caught up with deadlines that passed: call before
    :func:`advance` so "next" moves on from the phase people actually see."""
    planned = current_phase(method, schedule, now)
    if state.closed:
        return state
    if planned.closed:
        return replace(state, closed_at=schedule.deadlines[-1])
    if planned.index is None:
        return state
    if state.phase_index is None or state.phase_index < planned.index:
        opened = schedule.deadlines[planned.index - 1] if planned.index else schedule.opens_at
        return RunState(phase_index=planned.index, phase_started_at=opened)
    return state


@dataclass(frozen=True, slots=True)
class Advanced:
    state: RunState


def may_advance(method: MethodSpec, assignment: RoleAssignment, actor: Actor) -> Verdict:
    """Instructors, and the moderator (any member when the method has no moderator role).
    The role comes from ``assignment``, not from the actor's claim."""
    mod = moderator_role(method)
    if actor.instructor:
        return ALLOWED
    role = assignment.role_of(actor.user_id)
    if role is None:
        return Refused(Reason.NOT_IN_GROUP, "Only members of this group can move it on.")
    if mod is not None and role != mod:
        name = method.role(mod).name  # type: ignore[union-attr]
        return Refused(Reason.NOT_ALLOWED, f"The {name} moves the group to the next phase.")
    return ALLOWED


def start(
    method: MethodSpec, assignment: RoleAssignment, state: RunState, actor: Actor, now: datetime
) -> Advanced | Refused:
    """Open the first phase of a live round."""
    verdict = may_advance(method, assignment, actor)
    if isinstance(verdict, Refused):
        return verdict
    if state.closed:
        return Refused(Reason.CLOSED, "This round is closed.")
    if state.phase_index is not None:
        return Refused(Reason.ALREADY_DONE, "This round has already started.")
    return Advanced(RunState(phase_index=0, phase_started_at=now))


def advance(
    method: MethodSpec,
    assignment: RoleAssignment,
    state: RunState,
    actor: Actor,
    now: datetime,
    *,
    mode: Mode = Mode.LIVE,
    from_index: int | None = None,
) -> Advanced | Refused:
    """Move a live or hybrid round to the next phase; after the last phase it closes.

    ``from_index`` is the phase the person saw when they pressed "next": if the round has moved
    on since (a double click, two moderators' tabs), nothing changes (ALREADY_DONE), so one
    press moves one phase.
    """
    if mode is Mode.ASYNC:
        return Refused(
            Reason.LIVE_ONLY, "An asynchronous round moves on by its deadlines, not by hand."
        )
    verdict = may_advance(method, assignment, actor)
    if isinstance(verdict, Refused):
        return verdict
    if state.closed:
        return Refused(Reason.CLOSED, "This round is closed.")
    if state.phase_index is None:
        return start(method, assignment, state, actor, now)
    if from_index is not None and from_index != state.phase_index:
        return Refused(Reason.ALREADY_DONE, "The group has already moved on to the next phase.")
    following = state.phase_index + 1
    if following >= len(method.phases):
        return Advanced(replace(state, closed_at=now))
    return Advanced(RunState(phase_index=following, phase_started_at=now))
