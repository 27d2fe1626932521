"""The instructor's pages: settings with the domain's problems next to their fields, the
course's versioned copy of a method, the dashboard before any group, consent to reading."""

from __future__ import annotations

from flask import Flask

from tests.support.exercise_pages import (
    CASE,
    CHECKLIST,
    SETTINGS,
    Page,
    at_phase,
    configure,
    group_of_four,
    member,
)
from tests.support.launches import LaunchAs


def test_settings_problems_show_next_to_their_fields(app: Flask, launch_as: LaunchAs) -> None:
    instructor = member(app, launch_as, "instructor", "teacher")
    page = instructor.open("/settings")
    response = instructor.submit(
        page,
        "/exercises/settings",
        {**SETTINGS, "size_min": "2", "size_max": "9", "retention_days": "900"},
    )
    assert response.status_code == 400
    shown = Page(response.get_data(as_text=True))
    size = shown.by_id("size_min-error")
    retention = shown.by_id("retention_days-error")
    assert size is not None and "keep the range inside that" in size.text
    assert retention is not None and "between 1 and 365 days" in retention.text
    assert shown.with_attr("aria-invalid", "true")
    # Nothing was saved: learners are still told the exercise is not set up.
    learner = member(app, launch_as, "learner", "learner-x")
    assert learner.get("/").status_code == 409
    board = configure(instructor)
    assert "not set up yet" not in board.text


def test_adapting_a_method_makes_a_new_version(app: Flask, launch_as: LaunchAs) -> None:
    instructor = member(app, launch_as, "instructor", "teacher")
    page = instructor.page("/methods/ten-step-method")
    assert page.with_attr("data-version", "0")
    response = instructor.submit(
        page,
        "/methods/ten-step-method",
        {"phase-describe-problem-minutes": "500", "phase-rate-questions-skip": "1"},
    )
    assert response.status_code == 400
    assert "lasts 1 to 120 minutes" in response.get_data(as_text=True)
    page = instructor.page("/methods/ten-step-method")
    assert page.with_attr("data-version", "0")  # nothing saved
    response = instructor.submit(
        page,
        "/methods/ten-step-method",
        {
            "phase-describe-problem-minutes": "12",
            "phase-describe-problem-prompts": "What happened, in one moment?",
        },
    )
    after = instructor.follow(response)
    assert after.with_attr("data-version", "1")
    assert "What happened, in one moment?" in after.html
    assert instructor.get("/methods/no-such-method").status_code == 404


def test_consent_lets_the_instructor_read_the_case_and_can_be_taken_back(
    app: Flask, launch_as: LaunchAs
) -> None:
    instructor, (bringer, *_), group_id = group_of_four(app, launch_as, case_access="with_consent")
    url = f"/groups/{group_id}/"
    at_phase(app, group_id, 0)
    page = bringer.page(url)
    bringer.submit(page, f"/groups/{group_id}/case", {**CASE, "case-checklist": CHECKLIST})
    assert "ignores" not in instructor.page(url).html
    page = bringer.page(url)
    assert bringer.submit(page, f"/groups/{group_id}/consent", {}).status_code == 303
    assert "ignores" in instructor.page(url).html
    page = bringer.page(url)
    assert bringer.submit(page, f"/groups/{group_id}/consent", {}).status_code == 303
    assert "ignores" not in instructor.page(url).html
