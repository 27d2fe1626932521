"""A course's adapted copy of a method: checked against the method, versioned, a snapshot."""

from __future__ import annotations

import pytest

from lti_app.domain.exercises.adaptation import (
    AS_SHIPPED,
    AdaptedMethod,
    PhaseChange,
    adapt,
    as_shipped,
    may_skip,
)
from lti_app.domain.methods import Contribution
from lti_app.domain.signups.problems import Problem
from tests.support.shipped_methods import METHODS, SLUGS

CC = METHODS["collegial-counselling"]


def _ok(result: AdaptedMethod | tuple[Problem, ...]) -> AdaptedMethod:
    assert isinstance(result, AdaptedMethod), result
    return result


def _problems(result: AdaptedMethod | tuple[Problem, ...]) -> list[str]:
    assert isinstance(result, tuple), result
    return [p.field for p in result]


def test_as_shipped_is_version_0_with_the_methods_phases() -> None:
    shipped = as_shipped(CC)
    assert shipped.version == AS_SHIPPED
    assert shipped.phases == CC.phases
    assert shipped.spec == CC


def test_minutes_and_prompts_change_only_their_phase() -> None:
    adapted = _ok(
        adapt(CC, {"consultation": PhaseChange(minutes=25, prompts=("  One idea per post. ",))})
    )
    consultation = adapted.spec.phase("consultation")
    assert consultation is not None
    assert (consultation.minutes, consultation.prompts) == (25, ("One idea per post.",))
    assert adapted.spec.phase("casting") == CC.phase("casting")
    assert adapted.spec.total_minutes == CC.total_minutes + 10
    assert adapted.version == 1


@pytest.mark.parametrize("minutes", [0, -5, 121])
def test_minutes_are_1_to_120(minutes: int) -> None:
    assert _problems(adapt(CC, {"casting": PhaseChange(minutes=minutes)})) == [
        "phases.casting.minutes"
    ]


def test_prompt_limits() -> None:
    assert _problems(adapt(CC, {"casting": PhaseChange(prompts=("ok", " "))})) == [
        "phases.casting.prompts"
    ]
    assert _problems(adapt(CC, {"casting": PhaseChange(prompts=("x" * 301,))})) == [
        "phases.casting.prompts"
    ]
    assert _problems(adapt(CC, {"casting": PhaseChange(prompts=("p",) * 6)})) == [
        "phases.casting.prompts"
    ]
    assert _ok(adapt(CC, {"casting": PhaseChange(prompts=())})).spec.phases[0].prompts == ()


def test_an_unknown_phase_is_a_problem() -> None:
    assert _problems(adapt(CC, {"brainstorm": PhaseChange(minutes=5)})) == ["phases.brainstorm"]


@pytest.mark.parametrize("slug", SLUGS)
def test_only_phases_without_a_contribution_or_a_spare_reflection_may_be_skipped(slug: str) -> None:
    method = METHODS[slug]
    reflections_cb = [
        p.id
        for p in method.phases
        if p.contribution is Contribution.REFLECTION and p.speaks("case-bringer")
    ]
    for phase in method.phases:
        result = adapt(method, {phase.id: PhaseChange(skip=True)})
        if phase.contribution is Contribution.NONE:
            assert _ok(result).skipped == (phase.id,)
            assert phase.id not in [p.id for p in _ok(result).phases]
        elif phase.contribution is Contribution.REFLECTION:
            spare = [pid for pid in reflections_cb if pid != phase.id]
            assert isinstance(result, AdaptedMethod) is bool(spare)
        else:
            assert _problems(result) == [f"phases.{phase.id}.skip"]


def test_two_reflections_cannot_both_be_skipped() -> None:
    ten = METHODS["ten-step-method"]
    assert may_skip(ten, "new-approach") and may_skip(ten, "insights")
    result = adapt(
        ten, {"new-approach": PhaseChange(skip=True), "insights": PhaseChange(skip=True)}
    )
    assert sorted(_problems(result)) == ["phases.insights.skip", "phases.new-approach.skip"]


def test_skipping_keeps_the_order_of_the_rest() -> None:
    adapted = _ok(
        adapt(CC, {"casting": PhaseChange(skip=True), "choose-module": PhaseChange(skip=True)})
    )
    assert [p.id for p in adapted.phases] == [
        "spontaneous-account",
        "comprehension-questions",
        "key-question",
        "consultation",
        "closing",
    ]


def test_versions_count_up_and_an_older_version_is_unchanged() -> None:
    first = _ok(adapt(CC, {"casting": PhaseChange(minutes=10)}))
    second = _ok(adapt(CC, {"casting": PhaseChange(minutes=3)}, previous=first))
    assert (first.version, second.version) == (1, 2)
    # An exercise that started with version 1 keeps running on its snapshot.
    assert first.spec.phases[0].minutes == 10
    assert second.spec.phases[0].minutes == 3


def test_a_version_adapts_one_method() -> None:
    first = _ok(adapt(CC, {}))
    assert _problems(adapt(METHODS["troika-consulting"], {}, previous=first)) == ["method"]
