"""Property tests on made-up methods: the phase rules hold for any method data, not just ours."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lti_app.domain.exercises.outcomes import Reason, Refused
from lti_app.domain.exercises.phases import CONTENT_PHASE, PostType, may_post, postable
from lti_app.domain.methods import Contribution, GroupSize, MethodSpec, PhaseSpec, RoleSpec

ROLE_IDS = ("case-bringer", "moderator", "member", "scribe")


@st.composite
def methods(draw: st.DrawFn) -> MethodSpec:
    roles = tuple(RoleSpec(r, r.title(), "d") for r in ROLE_IDS)
    count = draw(st.integers(1, 9))
    phases = []
    for index in range(count):
        speakers = draw(
            st.one_of(
                st.just(("all",)),
                st.lists(st.sampled_from(ROLE_IDS), min_size=1, max_size=4, unique=True).map(tuple),
            )
        )
        phases.append(
            PhaseSpec(
                id=f"p{index}",
                name=f"Phase {index}",
                minutes=draw(st.integers(1, 30)),
                goal="g",
                speakers=speakers,
                case_bringer_silent=draw(st.booleans()),
                contribution=draw(st.sampled_from(list(Contribution))),
            )
        )
    return MethodSpec(
        slug="made-up",
        name="Made up",
        summary="s",
        url="methods/made-up/",
        roles=roles,
        phases=tuple(phases),
        group_size=GroupSize(3, 8),
        evidence="e",
    )


@settings(max_examples=100)
@given(methods())
def test_no_post_from_a_silent_case_bringer_or_an_instructor(method: MethodSpec) -> None:
    for phase in method.phases:
        if phase.case_bringer_silent:
            assert postable(method, phase, "case-bringer") == ()
        assert postable(method, phase, None) == ()


@settings(max_examples=100)
@given(methods())
def test_content_only_in_its_phase_by_a_speaker(method: MethodSpec) -> None:
    for phase in method.phases:
        for role in ROLE_IDS:
            for kind in postable(method, phase, role):
                assert phase.speaks(role)
                if kind in CONTENT_PHASE:
                    assert phase.contribution is CONTENT_PHASE[kind]


@settings(max_examples=100)
@given(methods())
def test_a_phase_without_contribution_takes_only_reactions(method: MethodSpec) -> None:
    for phase in method.phases:
        if phase.contribution is Contribution.NONE:
            for role in ROLE_IDS:
                assert set(postable(method, phase, role)) <= {
                    PostType.MARK,
                    PostType.ANSWER,
                    PostType.RATING,
                }


@settings(max_examples=100)
@given(methods())
def test_every_refusal_has_a_reason_and_a_message(method: MethodSpec) -> None:
    for phase in method.phases:
        for role in (*ROLE_IDS, "stranger", None):
            for kind in PostType:
                verdict = may_post(method, phase, role, kind)
                if isinstance(verdict, Refused):
                    assert isinstance(verdict.reason, Reason)
                    assert verdict.message.strip()
