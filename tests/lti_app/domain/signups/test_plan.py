"""check_plan: each way a session plan can be wrong, each with its own message."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from lti_app.domain.signups.plan import SessionPlan, check_plan

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
START = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)
NO_DEADLINES: dict[str, object] = {
    "signup_opens_at": None,
    "signup_closes_at": None,
    "cancel_deadline": None,
    "min_size_deadline": None,
}


def _plan(**changes: object) -> SessionPlan:
    plan = SessionPlan(
        title="Intervision, group A",
        method="tietze-6",
        starts_at=START,
        duration=timedelta(minutes=90),
        timezone="Europe/Amsterdam",
        place="Room 2.14",
        online_url="https://meet.example.org/a",
        seats_max=8,
        seats_min=4,
        case_bringer_places=2,
        signup_opens_at=START - timedelta(days=14),
        signup_closes_at=START - timedelta(days=1),
        cancel_deadline=START - timedelta(days=2),
        min_size_deadline=START - timedelta(days=1),
    )
    return replace(plan, **changes)  # type: ignore[arg-type]


def test_a_good_plan_has_no_problems() -> None:
    assert check_plan(_plan(), NOW) == ()


def test_optional_fields_may_be_empty() -> None:
    plan = _plan(
        method=None,
        place="",
        online_url="",
        seats_min=0,
        case_bringer_places=0,
        signup_opens_at=None,
        signup_closes_at=None,
        cancel_deadline=None,
        min_size_deadline=None,
    )
    assert check_plan(plan, NOW) == ()


def test_ends_at_is_start_plus_duration() -> None:
    assert _plan().ends_at == START + timedelta(minutes=90)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": "  "}, "title", "Give the session a title"),
        ({"title": "x" * 201}, "title", "201 characters; keep it to 200"),
        ({"place": "x" * 301}, "place", "keep it to 300"),
        ({"online_url": "ftp://files.example.org/x"}, "online_url", "starting with https://"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "starting with https://"),
        ({"online_url": "https://"}, "online_url", "starting with https://"),
        ({"online_url": "https://a.example/" + "x" * 2000}, "online_url", "too long"),
        ({"starts_at": NOW, **NO_DEADLINES}, "starts_at", "in the past"),
        ({"starts_at": NOW - timedelta(days=1), **NO_DEADLINES}, "starts_at", "in the past"),
        ({"duration": timedelta(0)}, "duration", "longer than zero"),
        ({"duration": timedelta(minutes=-5)}, "duration", "longer than zero"),
        ({"duration": timedelta(hours=25)}, "duration", "at most 24 hours"),
        ({"seats_max": 0, "seats_min": 0, "case_bringer_places": 0}, "seats_max", "at least one"),
        ({"seats_max": -3, "seats_min": 0, "case_bringer_places": 0}, "seats_max", "at least one"),
        ({"seats_max": 501}, "seats_max", "At most 500"),
        ({"seats_min": -1}, "seats_min", "cannot be negative"),
        ({"seats_min": 9}, "seats_min", "minimum size (9) is above the seats (8)"),
        ({"case_bringer_places": -1}, "case_bringer_places", "cannot be negative"),
        ({"case_bringer_places": 9}, "case_bringer_places", "9 case-bringer places do not fit"),
        (
            {"signup_opens_at": START - timedelta(hours=12)},
            "signup_opens_at",
            "opens after it closes",
        ),
        (
            {"signup_opens_at": START, "signup_closes_at": None},
            "signup_opens_at",
            "opens after the session starts",
        ),
        (
            {"signup_closes_at": START + timedelta(minutes=1)},
            "signup_closes_at",
            "closes after the session starts",
        ),
        ({"cancel_deadline": START + timedelta(hours=1)}, "cancel_deadline", "after the start"),
        ({"min_size_deadline": START + timedelta(hours=1)}, "min_size_deadline", "after the start"),
        ({"method": "Tietze 6!"}, "method", "Choose the method from the list"),
        ({"method": ""}, "method", "Choose the method from the list"),
        ({"timezone": "Europe/Amsterdm"}, "timezone", "“Europe/Amsterdm” is not a time zone"),
        ({"signup_opens_at": datetime(2026, 3, 10, 9)}, "signup_opens_at", "no time zone"),
    ],
)
def test_each_problem_names_its_field_and_the_fix(
    changes: dict[str, object], field: str, words: str
) -> None:
    problems = check_plan(_plan(**changes), NOW)
    assert [p.field for p in problems] == [field], problems
    assert words in problems[0].message


def test_all_problems_are_reported_at_once() -> None:
    plan = _plan(title="", seats_max=0, seats_min=0, case_bringer_places=0, timezone="x")
    assert {p.field for p in check_plan(plan, NOW)} == {"title", "seats_max", "timezone"}


def test_closing_exactly_at_the_start_and_deadline_at_the_start_are_allowed() -> None:
    assert check_plan(_plan(signup_closes_at=START, cancel_deadline=START), NOW) == ()


def test_every_seat_may_be_a_case_bringer_place() -> None:
    assert check_plan(_plan(case_bringer_places=8), NOW) == ()
