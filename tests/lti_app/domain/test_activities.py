"""The kinds table: one row per kind, and every lookup reads it."""

from __future__ import annotations

from lti_app.domain.activities import (
    ACTIVITY_KINDS,
    CATALOGUE_ACTIVITY_KINDS,
    CATALOGUE_ACTIVITY_TYPES,
    KINDS,
    find_kind,
    kind_name,
)


def test_ids_and_launch_kinds_are_unique() -> None:
    assert len({kind.id for kind in ACTIVITY_KINDS}) == len(ACTIVITY_KINDS)
    assert len({kind.launch_kind for kind in ACTIVITY_KINDS}) == len(ACTIVITY_KINDS)
    assert list(KINDS) == [kind.id for kind in ACTIVITY_KINDS]


def test_module_pages_are_not_catalogue_activities() -> None:
    assert CATALOGUE_ACTIVITY_TYPES == {"signup", "peer-feedback"}
    assert [kind.id for kind in CATALOGUE_ACTIVITY_KINDS] == ["signup", "peer-feedback"]
    assert find_kind("module") is not None and not find_kind("module").is_activity  # type: ignore[union-attr]


def test_names_for_running_text() -> None:
    assert kind_name("signup") == "session sign-up sheet"
    assert kind_name("peer-feedback") == "peer-feedback exercise"
    assert kind_name("poll") == "activity"
    assert find_kind("poll") is None
    signup = KINDS["signup"]
    assert (signup.label, signup.grade_label) == ("Session sign-up sheet", "attendance")
