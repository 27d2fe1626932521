"""The instructor's phase schedule page: reached right after setting up an asynchronous
exercise; every problem shown on its phase with nothing saved; a valid plan in the instructor's
time zone saved in UTC, shown back in that zone, and followed by the group already running.
Dates are built from the real clock (the views read it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask

from tests.support.exercise_pages import SETTINGS, Page, group_of_four, member
from tests.support.launches import LaunchAs

PHASES = 10  # the ten-step method
ZONE = "Europe/Amsterdam"


def _wall(instant: datetime) -> str:
    return instant.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


def _durations(start_days: int) -> dict[str, str]:
    return {
        **{f"phase-{i}-kind": "after" for i in range(PHASES)},
        **{f"phase-{i}-amount": str(start_days + i) for i in range(PHASES)},
        **{f"phase-{i}-unit": "days" for i in range(PHASES)},
    }


def test_the_schedule_refuses_with_every_problem_then_saves_in_the_instructors_zone(
    app: Flask, launch_as: LaunchAs
) -> None:
    instructor, people, group_id = group_of_four(app, launch_as)
    page = instructor.page("/schedule")
    assert page.by_id("phase-0") is not None and page.by_id(f"phase-{PHASES - 1}") is not None
    before = people[0].page(f"/groups/{group_id}/").text

    now = datetime.now(UTC)
    bad = {
        "zone": ZONE,
        **_durations(4),
        "phase-0-kind": "at",
        "phase-0-at": _wall(now - timedelta(days=1)),  # passed
        "phase-1-amount": "soon",  # not a number
        "phase-2-kind": "at",
        "phase-2-at": "next tuesday",  # not a date-time
        "phase-4-amount": "1",  # before phase 3's 7 days
    }
    response = instructor.submit(page, "/exercises/schedule", bad)
    assert response.status_code == 400
    shown = Page(response.get_data(as_text=True))
    for index, words in ((0, "has passed"), (1, "whole number"), (2, "such as"), (4, "must end")):
        error = shown.by_id(f"phase-{index}-error")
        assert error is not None and words in error.text, (index, shown.text[:1500])
        fieldset = shown.by_id(f"phase-{index}")
        assert fieldset is not None and fieldset.attrs["aria-describedby"] == f"phase-{index}-error"
    assert shown.by_id("phase-3-error") is None
    assert shown.form("/exercises/schedule")["phase-1-amount"] == "soon"  # kept as typed
    # Nothing saved: the page still offers the default, the round keeps its deadline.
    assert instructor.page("/schedule").form("/exercises/schedule")["phase-0-amount"] == "2"
    assert people[0].page(f"/groups/{group_id}/").text == before

    first = (now + timedelta(days=3)).replace(second=0, microsecond=0)
    good = {"zone": ZONE, **_durations(4), "phase-0-kind": "at", "phase-0-at": _wall(first)}
    saved = instructor.follow(
        instructor.submit(instructor.page("/schedule"), "/exercises/schedule", good)
    )
    assert "1 running round(s) follow it" in saved.text
    fields = saved.form("/exercises/schedule")
    assert fields["phase-0-at"] == _wall(first) and fields["phase-1-amount"] == "5"
    zone = saved.by_id("zone")
    assert zone is not None
    round_page = people[0].page(f"/groups/{group_id}/")
    assert (
        f"{first:%H:%M} UTC" in round_page.text and f"{first.day} {first:%b %Y}" in round_page.text
    )


def test_a_live_exercise_has_no_schedule_and_learners_cannot_open_it(
    app: Flask, launch_as: LaunchAs
) -> None:
    instructor = member(app, launch_as, "instructor", "teacher")
    response = instructor.submit(
        instructor.open("/settings"), "/exercises/settings", {**SETTINGS, "mode": "live"}
    )
    assert response.headers["Location"].endswith("/exercises/dashboard")  # not the schedule
    page = instructor.page("/schedule")
    assert not page.has_form("/exercises/schedule") and "no deadlines" in page.text
    learner = member(app, launch_as, "learner", "learner-0")
    assert learner.get("/schedule").status_code == 403
