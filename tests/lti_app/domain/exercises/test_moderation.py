"""Flag (anyone, once), hide and restore (moderator or instructor, reason), withdraw the case."""

from __future__ import annotations

from dataclasses import replace

from lti_app.domain.exercises.moderation import (
    ActionKind,
    Flag,
    ModerationAction,
    decide_flag,
    decide_hide,
    decide_restore,
    decide_withdraw,
    open_flags,
)
from lti_app.domain.exercises.outcomes import Actor, Reason, Refused
from lti_app.domain.exercises.roles import RoleAssignment, assign_roles
from lti_app.domain.exercises.validation import CaseStatus, Round
from tests.support.exercise_rounds import (
    ANNA,
    BEN,
    CASE_BRINGER,
    MODERATOR,
    OUTSIDER,
    QUESTION,
    T0,
    instructor,
    member,
    round_at,
)
from tests.support.shipped_methods import METHODS


def _refused(result: object, reason: Reason) -> None:
    assert isinstance(result, Refused), result
    assert result.reason is reason


def test_anyone_in_the_group_flags_once() -> None:
    at = round_at("consultation")
    flag = decide_flag(at, (), member(BEN), QUESTION.post_id, " rude ", T0)
    assert flag == Flag(QUESTION.post_id, BEN, "rude", T0)
    assert isinstance(flag, Flag)
    _refused(decide_flag(at, (flag,), member(BEN), QUESTION.post_id, "", T0), Reason.ALREADY_DONE)
    assert isinstance(
        decide_flag(at, (flag,), member(CASE_BRINGER), QUESTION.post_id, "", T0), Flag
    )
    _refused(
        decide_flag(at, (), Actor(OUTSIDER, None), QUESTION.post_id, "", T0), Reason.NOT_IN_GROUP
    )
    _refused(decide_flag(at, (), member(BEN), 404, "", T0), Reason.BAD_TARGET)
    _refused(decide_flag(at, (), member(BEN), QUESTION.post_id, "x" * 501, T0), Reason.TOO_LONG)


def test_the_moderator_or_an_instructor_hides_with_a_reason() -> None:
    at = round_at("consultation")
    action = decide_hide(at, member(MODERATOR), QUESTION.post_id, "names a client", T0)
    assert action == ModerationAction(
        ActionKind.HIDE, MODERATOR, False, "names a client", T0, QUESTION.post_id
    )
    by_teacher = decide_hide(at, instructor(), QUESTION.post_id, "names a client", T0)
    assert isinstance(by_teacher, ModerationAction) and by_teacher.by_instructor
    _refused(decide_hide(at, member(ANNA), QUESTION.post_id, "mine", T0), Reason.NOT_ALLOWED)
    _refused(decide_hide(at, member(CASE_BRINGER), QUESTION.post_id, "r", T0), Reason.NOT_ALLOWED)
    _refused(decide_hide(at, member(MODERATOR), QUESTION.post_id, "  ", T0), Reason.REASON_REQUIRED)


def test_hide_and_restore_flip_and_refuse_repeats() -> None:
    at = round_at("consultation")
    _refused(decide_restore(at, member(MODERATOR), QUESTION.post_id, "ok", T0), Reason.ALREADY_DONE)
    hidden = round_at("consultation", posts=(replace(QUESTION, hidden=True),))
    _refused(
        decide_hide(hidden, member(MODERATOR), QUESTION.post_id, "again", T0), Reason.ALREADY_DONE
    )
    restored = decide_restore(hidden, member(MODERATOR), QUESTION.post_id, "it was fine", T0)
    assert isinstance(restored, ModerationAction) and restored.kind is ActionKind.RESTORE


def test_without_a_moderator_role_only_instructors_hide() -> None:
    troika = METHODS["troika-consulting"]
    group = assign_roles(troika, [1, 2, 3], 1)
    assert isinstance(group, RoleAssignment)
    at = Round(
        troika,
        group,
        round_at("consultation").clock,
        CaseStatus.SUBMITTED,
        (replace(QUESTION, author=2),),
    )
    _refused(decide_hide(at, Actor(3, "consultant"), QUESTION.post_id, "r", T0), Reason.NOT_ALLOWED)
    assert isinstance(decide_hide(at, instructor(), QUESTION.post_id, "r", T0), ModerationAction)


def test_flags_are_open_until_the_post_is_hidden_or_restored_after_them() -> None:
    first = Flag(QUESTION.post_id, BEN, "", T0)
    other = Flag(99, BEN, "", T0)
    assert open_flags((first, other), ()) == (first, other)
    resolved = ModerationAction(
        ActionKind.RESTORE, MODERATOR, False, "fine", T0.replace(hour=10), QUESTION.post_id
    )
    assert open_flags((first, other), (resolved,)) == (other,)
    later = Flag(QUESTION.post_id, ANNA, "", T0.replace(hour=11))
    assert open_flags((first, later), (resolved,)) == (later,)


def test_the_case_bringer_withdraws_at_any_time_once() -> None:
    for at in (round_at("consultation"), round_at("closing", closed=True)):
        action = decide_withdraw(at, member(CASE_BRINGER), T0)
        assert isinstance(action, ModerationAction)
        assert (action.kind, action.post_id) == (ActionKind.WITHDRAW_CASE, None)
    at = round_at("consultation")
    _refused(decide_withdraw(at, member(MODERATOR), T0), Reason.NOT_ALLOWED)
    _refused(decide_withdraw(at, instructor(), T0), Reason.NOT_ALLOWED)
    gone = round_at("consultation", status=CaseStatus.WITHDRAWN)
    _refused(decide_withdraw(gone, member(CASE_BRINGER), T0), Reason.ALREADY_DONE)
    none = round_at("spontaneous-account", posts=(), status=CaseStatus.NONE)
    _refused(decide_withdraw(none, member(CASE_BRINGER), T0), Reason.NO_CASE_YET)
