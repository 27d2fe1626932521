"""MethodSpec's small queries: who speaks in a phase, phases in order, a round's length."""

from __future__ import annotations

import pytest

from lti_app.domain.methods import (
    CASE_BRINGER,
    CONTRIBUTIONS,
    Contribution,
    GroupSize,
    MethodSpec,
    PhaseSpec,
    RoleSpec,
)


def _phase(phase_id: str, minutes: int, speakers: tuple[str, ...], silent: bool) -> PhaseSpec:
    return PhaseSpec(
        phase_id, phase_id.title(), minutes, "Goal.", speakers, silent, Contribution.NONE
    )


TROIKA = MethodSpec(
    slug="troika-consulting",
    name="Troika Consulting",
    summary="Three people, one case.",
    url="methods/troika-consulting/",
    roles=(RoleSpec(CASE_BRINGER, "Client", "Brings it."), RoleSpec("consultant", "C", "Asks.")),
    phases=(
        _phase("state-challenge", 2, (CASE_BRINGER,), silent=False),
        _phase("consultation", 5, ("consultant",), silent=True),
        _phase("round-up", 1, ("all",), silent=False),
    ),
    group_size=GroupSize(3, 4),
    evidence="Anecdotal.",
)


def test_total_minutes_is_one_round() -> None:
    assert TROIKA.total_minutes == 8


def test_roles_and_phases_by_id() -> None:
    assert TROIKA.role("consultant") is TROIKA.roles[1]
    assert TROIKA.role("observer") is None
    assert TROIKA.phase("consultation") is TROIKA.phases[1]
    assert TROIKA.phase("nope") is None


@pytest.mark.parametrize(
    ("phase_id", "expected"),
    [("state-challenge", "consultation"), ("consultation", "round-up"), ("round-up", None)],
)
def test_phase_after(phase_id: str, expected: str | None) -> None:
    following = TROIKA.phase_after(phase_id)
    assert (following.id if following else None) == expected


def test_phase_after_an_unknown_phase_is_none() -> None:
    assert TROIKA.phase_after("nope") is None


@pytest.mark.parametrize(
    ("phase_id", "role_id", "speaks"),
    [
        ("state-challenge", CASE_BRINGER, True),
        ("state-challenge", "consultant", False),
        ("consultation", CASE_BRINGER, False),
        ("consultation", "consultant", True),
        ("round-up", CASE_BRINGER, True),
        ("round-up", "consultant", True),
    ],
)
def test_who_speaks(phase_id: str, role_id: str, speaks: bool) -> None:
    phase = TROIKA.phase(phase_id)
    assert phase is not None and phase.speaks(role_id) is speaks


def test_a_silent_case_bringer_never_speaks_even_when_all_do() -> None:
    assert not _phase("p", 1, ("all",), silent=True).speaks(CASE_BRINGER)


def test_contribution_values_are_the_catalogue_schemas() -> None:
    assert CONTRIBUTIONS == {
        "none",
        "case",
        "question",
        "answer",
        "key-question",
        "hypothesis",
        "advice",
        "reflection",
    }
    assert Contribution("key-question") is Contribution.KEY_QUESTION
