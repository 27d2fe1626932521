"""A course's adapted copy of a method: phase minutes, prompts, skipped phases; versioned.

The content files stay as they are: an adaptation is a set of :class:`PhaseChange` per phase id,
checked against the catalogue's :class:`MethodSpec`. The result, :class:`AdaptedMethod`, is a
snapshot (storage keeps every version); an exercise stores the version it started with and runs
on that snapshot even after the course adapts the method again or the catalogue changes.

Which phases may be skipped (the method data has no "optional" flag, so this is the rule):

- a phase whose contribution is ``none`` (casting, opening, closing, choosing a module ...);
- a ``reflection`` phase, as long as another reflection phase in which the case-bringer speaks
  is kept: the action plan (and the completion grade) needs one;
- never a phase whose contribution is the case, a question, an answer, the key question, a
  hypothesis or advice: those are the protocol.

Limits: minutes 1..120 per phase; at most 5 prompts per phase, each 1..300 characters; at
least one phase is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from lti_app.domain.methods import CASE_BRINGER, Contribution, MethodSpec, PhaseSpec
from lti_app.domain.signups.problems import Problem

MINUTES_MIN = 1
MINUTES_MAX = 120
PROMPTS_MAX = 5
PROMPT_CHARS_MAX = 300
AS_SHIPPED = 0
"""The version number of a method as the catalogue ships it, unadapted."""


@dataclass(frozen=True, slots=True)
class PhaseChange:
    """What the course changes in one phase; None keeps the method's own value."""

    minutes: int | None = None
    prompts: tuple[str, ...] | None = None
    skip: bool = False


@dataclass(frozen=True, slots=True)
class AdaptedMethod:
    """The method as a course runs it. ``phases`` are the kept phases, in the method's order."""

    method: MethodSpec
    version: int
    changes: Mapping[str, PhaseChange] = field(default_factory=dict)
    phases: tuple[PhaseSpec, ...] = ()

    @property
    def spec(self) -> MethodSpec:
        """The method with its adapted phases: what every other exercise rule is given."""
        return replace(self.method, phases=self.phases)

    @property
    def skipped(self) -> tuple[str, ...]:
        return tuple(pid for pid, change in self.changes.items() if change.skip)


def as_shipped(method: MethodSpec) -> AdaptedMethod:
    return AdaptedMethod(method=method, version=AS_SHIPPED, changes={}, phases=method.phases)


def may_skip(method: MethodSpec, phase_id: str, skipped: frozenset[str] = frozenset()) -> bool:
    """Whether ``phase_id`` may be skipped when ``skipped`` are skipped too (see module doc)."""
    phase = method.phase(phase_id)
    if phase is None:
        return False
    if phase.contribution is Contribution.NONE:
        return True
    if phase.contribution is not Contribution.REFLECTION:
        return False
    return any(
        other.contribution is Contribution.REFLECTION
        and other.speaks(CASE_BRINGER)
        and other.id != phase_id
        and other.id not in skipped
        for other in method.phases
    )


def adapt(
    method: MethodSpec,
    changes: Mapping[str, PhaseChange],
    *,
    previous: AdaptedMethod | None = None,
) -> AdaptedMethod | tuple[Problem, ...]:
    """The adapted method (version ``previous.version + 1``, or 1), or every problem at once.

    Problem fields are ``phases.<phase id>.minutes`` / ``.prompts`` / ``.skip``.
    """
    problems: list[Problem] = []
    if previous is not None and previous.method.slug != method.slug:
        problems.append(
            Problem("method", "A course's copy adapts one method; adapt the other one separately.")
        )
    skipped = frozenset(pid for pid, change in changes.items() if change.skip)
    for phase_id, change in changes.items():
        where = f"phases.{phase_id}"
        phase = method.phase(phase_id)
        if phase is None:
            problems.append(Problem(where, f"{method.name} has no phase '{phase_id}'."))
            continue
        if change.minutes is not None and not MINUTES_MIN <= change.minutes <= MINUTES_MAX:
            problems.append(
                Problem(
                    f"{where}.minutes",
                    f"'{phase.name}' lasts {MINUTES_MIN} to {MINUTES_MAX} minutes.",
                )
            )
        if change.prompts is not None:
            problems.extend(_prompt_problems(f"{where}.prompts", phase, change.prompts))
        if change.skip and not may_skip(method, phase_id, skipped - {phase_id}):
            problems.append(Problem(f"{where}.skip", _why_not_skip(phase)))
    kept = tuple(
        _changed(phase, changes.get(phase.id)) for phase in method.phases if phase.id not in skipped
    )
    if not kept:
        problems.append(Problem("phases", "Keep at least one phase."))
    if problems:
        return tuple(problems)
    version = previous.version + 1 if previous is not None else 1
    return AdaptedMethod(method=method, version=version, changes=dict(changes), phases=kept)


def _changed(phase: PhaseSpec, change: PhaseChange | None) -> PhaseSpec:
    if change is None:
        return phase
    return replace(
        phase,
        minutes=phase.minutes if change.minutes is None else change.minutes,
        prompts=phase.prompts
        if change.prompts is None
        else tuple(p.strip() for p in change.prompts),
    )


def _prompt_problems(where: str, phase: PhaseSpec, prompts: tuple[str, ...]) -> list[Problem]:
    if len(prompts) > PROMPTS_MAX:
        return [Problem(where, f"'{phase.name}' takes at most {PROMPTS_MAX} prompts.")]
    for prompt in prompts:
        if not prompt.strip():
            return [Problem(where, "Remove the empty prompt, or write it.")]
        if len(prompt.strip()) > PROMPT_CHARS_MAX:
            return [Problem(where, f"Keep each prompt to {PROMPT_CHARS_MAX} characters or fewer.")]
    return []


def _why_not_skip(phase: PhaseSpec) -> str:
    if phase.contribution is Contribution.REFLECTION:
        return (
            f"'{phase.name}' is the last reflection in which the case-bringer speaks; the action "
            "plan needs it, so it cannot be skipped."
        )
    return (
        f"'{phase.name}' is part of the protocol ({phase.contribution.value}); only phases "
        "without a contribution, or a second reflection, can be skipped."
    )
