"""Who sees what: hidden posts, withdrawn cases, instructors and consent, phases, pseudonyms."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.settings import Anonymity, CaseAccess
from lti_app.domain.exercises.validation import CaseStatus, Posted
from lti_app.domain.exercises.visibility import (
    FULL,
    METADATA,
    NOTHING,
    TOMBSTONE,
    Access,
    display_name,
    pseudonyms,
    sight,
    visible_posts,
)
from tests.support.exercise_rounds import (
    ADVICE,
    ANNA,
    BEN,
    CARL,
    CASE_BRINGER,
    CASE_POST,
    MODERATOR,
    OUTSIDER,
    QUESTION,
    TAKEAWAY,
    index_of,
    instructor,
    member,
    round_at,
)

NEVER = Access()
POSTS = (CASE_POST, QUESTION, ADVICE, TAKEAWAY)
MEMBERS = (CASE_BRINGER, MODERATOR, ANNA, BEN, CARL)


def test_members_see_what_has_been_posted_up_to_now() -> None:
    at = round_at("consultation", POSTS)
    for user in MEMBERS:
        assert sight(at, member(user), CASE_POST, NEVER) == FULL
        assert sight(at, member(user), ADVICE, NEVER) == FULL


def test_nothing_shows_before_its_phase_except_to_its_author() -> None:
    early_advice = replace(ADVICE, phase_index=index_of("consultation"))
    at = round_at("comprehension-questions", (CASE_POST, QUESTION, early_advice))
    assert sight(at, member(CASE_BRINGER), early_advice, NEVER) == NOTHING
    assert sight(at, member(ANNA), early_advice, NEVER) == NOTHING
    assert (
        sight(at, instructor(), early_advice, Access(CaseAccess.WITH_CONSENT, consent=True))
        == NOTHING
    )
    assert sight(at, member(BEN), early_advice, NEVER) == FULL  # the author
    assert [p.post_id for p, _ in visible_posts(at, member(ANNA), NEVER)] == [10, 11]


def test_another_group_sees_nothing() -> None:
    at = round_at("closing", POSTS)
    for post in POSTS:
        assert sight(at, Actor(OUTSIDER, None), post, NEVER) == NOTHING
        # even claiming a role: membership comes from the assignment, not from the actor
        assert sight(at, Actor(OUTSIDER, "consultant"), post, NEVER) == NOTHING


def test_a_hidden_post_shows_only_to_the_moderator_and_instructors_marked_hidden() -> None:
    hidden = replace(QUESTION, hidden=True)
    at = round_at("consultation", (CASE_POST, hidden))
    moderator_sees = sight(at, member(MODERATOR), hidden, NEVER)
    assert moderator_sees.visible and moderator_sees.text and moderator_sees.marked_hidden
    for user in (CASE_BRINGER, ANNA, BEN, CARL):  # ANNA wrote it
        assert sight(at, member(user), hidden, NEVER) == NOTHING
    teacher = sight(at, instructor(), hidden, NEVER)
    assert teacher.visible and teacher.marked_hidden and not teacher.text
    with_consent = sight(at, instructor(), hidden, Access(CaseAccess.WITH_CONSENT, consent=True))
    assert with_consent.text and with_consent.marked_hidden


def test_a_withdrawn_case_leaves_a_tombstone_for_everyone() -> None:
    at = round_at("closing", POSTS, status=CaseStatus.WITHDRAWN)
    everyone = [member(u) for u in MEMBERS] + [instructor()]
    for viewer in everyone:
        assert (
            sight(
                at, viewer, CASE_POST, Access(CaseAccess.ALWAYS_ANNOUNCED, announced_in_time=True)
            )
            == TOMBSTONE
        )
        for post in (QUESTION, ADVICE, TAKEAWAY):
            assert sight(at, viewer, post, NEVER) == NOTHING
    assert [s for _, s in visible_posts(at, member(CASE_BRINGER), NEVER)] == [TOMBSTONE]


def test_instructors_see_metadata_only_unless_access_allows_text() -> None:
    at = round_at("closing", POSTS)
    cases = {
        Access(CaseAccess.NEVER): False,
        Access(CaseAccess.NEVER, consent=True, announced_in_time=True): False,
        Access(CaseAccess.WITH_CONSENT): False,
        Access(CaseAccess.WITH_CONSENT, consent=True): True,
        Access(CaseAccess.ALWAYS_ANNOUNCED): False,
        Access(CaseAccess.ALWAYS_ANNOUNCED, announced_in_time=True): True,
        Access(CaseAccess.ALWAYS_ANNOUNCED, consent=True): False,
    }
    for access, reads in cases.items():
        for post in POSTS:
            assert sight(at, instructor(), post, access) == (FULL if reads else METADATA), access


def test_ratings_and_marks_carry_no_text_even_for_instructors_with_access() -> None:
    rating = Posted(
        20, CASE_BRINGER, PostType.RATING, index_of("closing"), target_id=ADVICE.post_id
    )
    at = round_at("closing", (*POSTS, rating))
    assert (
        sight(at, instructor(), rating, Access(CaseAccess.WITH_CONSENT, consent=True)) == METADATA
    )


def test_pseudonyms_are_stable_distinct_and_per_exercise() -> None:
    group = [1, 2, 3, 4, 5, 6]
    first = pseudonyms("exercise-a", group)
    assert len(set(first.values())) == len(group)
    assert pseudonyms("exercise-a", list(reversed(group))) == first
    # a newcomer does not rename anyone
    grown = pseudonyms("exercise-a", [*group, 7], existing=first)
    assert {u: grown[u] for u in group} == first
    assert grown[7] not in first.values()
    other = pseudonyms("exercise-b", group)
    assert other != first


@given(st.sets(st.integers(1, 10_000), min_size=1, max_size=45), st.text(min_size=1, max_size=8))
def test_pseudonyms_never_repeat_in_a_group(members: set[int], key: str) -> None:
    names = pseudonyms(key, sorted(members))
    assert set(names) == members
    assert len(set(names.values())) == len(members)


def test_display_names_follow_anonymity() -> None:
    real = {ANNA: "Anna de Vries", BEN: "Ben Bakker"}
    fake = pseudonyms("x", [ANNA, BEN])
    anna, teacher = member(ANNA), instructor()
    assert display_name(anna, BEN, Anonymity.NAMED, real, fake) == "Ben Bakker"
    assert display_name(anna, BEN, Anonymity.PSEUDONYMOUS, real, fake) == fake[BEN]
    assert display_name(anna, ANNA, Anonymity.PSEUDONYMOUS, real, fake) == "You"
    assert display_name(teacher, BEN, Anonymity.PSEUDONYMOUS, real, fake) == "Ben Bakker"
    assert "Bakker" not in display_name(anna, BEN, Anonymity.PSEUDONYMOUS, real, fake)


def test_only_the_case_bringer_gives_or_takes_back_consent_and_only_when_it_matters() -> None:
    from lti_app.domain.exercises.outcomes import Reason, Refused
    from lti_app.domain.exercises.visibility import ConsentChange, decide_consent
    from tests.support.exercise_rounds import T0

    at = round_at("closing", POSTS)
    given_ = decide_consent(at, member(CASE_BRINGER), CaseAccess.WITH_CONSENT, True, T0)
    assert given_ == ConsentChange(True, CASE_BRINGER, T0)
    taken_back = decide_consent(at, member(CASE_BRINGER), CaseAccess.WITH_CONSENT, False, T0)
    assert isinstance(taken_back, ConsentChange) and not taken_back.consent
    for actor in (member(MODERATOR), member(ANNA), instructor()):
        refused = decide_consent(at, actor, CaseAccess.WITH_CONSENT, True, T0)
        assert isinstance(refused, Refused) and refused.reason is Reason.NOT_ALLOWED
    for access in (CaseAccess.NEVER, CaseAccess.ALWAYS_ANNOUNCED):
        refused = decide_consent(at, member(CASE_BRINGER), access, True, T0)
        assert isinstance(refused, Refused)
    # Taking consent back hides the text again.
    after = Access(CaseAccess.WITH_CONSENT, consent=taken_back.consent)
    assert sight(at, instructor(), CASE_POST, after) == METADATA


def test_an_instructor_in_the_group_sees_and_posts_as_a_member() -> None:
    from lti_app.domain.exercises.roles import RoleAssignment, assign_roles
    from lti_app.domain.exercises.validation import Draft, Round, check_post
    from tests.support.exercise_rounds import CC, TEACHER, clock_at

    group = assign_roles(CC, [CASE_BRINGER, TEACHER, ANNA, BEN, CARL], CASE_BRINGER, TEACHER)
    assert isinstance(group, RoleAssignment)
    hidden = replace(QUESTION, hidden=True)
    at = Round(CC, group, clock_at("consultation"), CaseStatus.SUBMITTED, (CASE_POST, hidden))
    leader = Actor(TEACHER, "moderator", instructor=True)
    assert sight(at, leader, CASE_POST, NEVER) == FULL  # a member reads the case
    assert sight(at, leader, hidden, NEVER).marked_hidden
    assert check_post(at, leader, Draft(PostType.ADVICE, "Could it be that ...?"))
