"""check_settings: every problem at once; what learners rely on cannot change under them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from lti_app.domain.exercises.settings import (
    Anonymity,
    CaseAccess,
    ExerciseSettings,
    GroupSource,
    Mode,
    announced_in_time,
    check_settings,
)
from tests.support.shipped_methods import METHODS

TROIKA = METHODS["troika-consulting"]
DAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
OK = ExerciseSettings("troika-consulting", Mode.ASYNC, GroupSource.SESSION, session_id=7)


def _fields(settings: ExerciseSettings, **kwargs: object) -> list[str]:
    return [p.field for p in check_settings(settings, TROIKA, **kwargs)]  # type: ignore[arg-type]


def test_good_settings_have_no_problems_and_default_to_no_instructor_access() -> None:
    assert check_settings(OK, TROIKA) == ()
    assert OK.case_access is CaseAccess.NEVER
    assert OK.anonymity is Anonymity.NAMED


def test_an_unknown_method_is_a_problem() -> None:
    assert [p.field for p in check_settings(OK, None)] == ["method"]
    assert _fields(replace(OK, method_slug="balint-group")) == ["method"]


def test_each_group_source_needs_its_own_field() -> None:
    assert _fields(replace(OK, session_id=None)) == ["session"]
    assert _fields(replace(OK, group_source=GroupSource.STABLE_GROUP, session_id=None)) == ["group"]
    self_formed = replace(OK, group_source=GroupSource.SELF_FORMED, session_id=None)
    assert _fields(self_formed) == ["size"]
    assert _fields(replace(self_formed, size_min=3, size_max=4)) == []
    assert _fields(replace(OK, size_min=3, size_max=4)) == ["size"]


def test_a_self_formed_range_must_fit_the_method() -> None:
    self_formed = replace(OK, group_source=GroupSource.SELF_FORMED, session_id=None)
    (problem,) = check_settings(replace(self_formed, size_min=3, size_max=6), TROIKA)
    assert "3 to 4" in problem.message
    assert _fields(replace(self_formed, size_min=4, size_max=3)) == ["size"]


def test_retention_is_1_to_365_days() -> None:
    assert _fields(replace(OK, retention_days=0)) == ["retention_days"]
    assert _fields(replace(OK, retention_days=366)) == ["retention_days"]
    assert _fields(replace(OK, retention_days=365)) == []


def test_always_needs_an_announcement_before_the_first_learner_access() -> None:
    always = replace(OK, case_access=CaseAccess.ALWAYS_ANNOUNCED)
    assert _fields(always) == ["announced_at"]
    announced = replace(always, announced_at=DAY)
    assert _fields(announced) == []
    assert _fields(announced, first_learner_access=DAY + timedelta(hours=1)) == []
    assert _fields(announced, first_learner_access=DAY - timedelta(seconds=1)) == ["case_access"]
    assert announced_in_time(announced, None)
    assert announced_in_time(announced, DAY)
    assert not announced_in_time(announced, DAY - timedelta(seconds=1))
    assert not announced_in_time(replace(OK, case_access=CaseAccess.WITH_CONSENT), None)


def test_an_announcement_date_without_always_is_a_problem() -> None:
    assert _fields(replace(OK, announced_at=DAY)) == ["announced_at"]


def test_mode_and_anonymity_are_locked_once_learners_opened_it() -> None:
    changed = replace(OK, mode=Mode.LIVE, anonymity=Anonymity.PSEUDONYMOUS)
    assert _fields(changed, previous=OK) == []
    assert sorted(_fields(changed, previous=OK, first_learner_access=DAY)) == ["anonymity", "mode"]
    assert _fields(replace(OK, retention_days=60), previous=OK, first_learner_access=DAY) == []


def test_all_problems_come_at_once() -> None:
    bad = replace(OK, session_id=None, retention_days=0, case_access=CaseAccess.ALWAYS_ANNOUNCED)
    assert sorted(_fields(bad)) == ["announced_at", "retention_days", "session"]
