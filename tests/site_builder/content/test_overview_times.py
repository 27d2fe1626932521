"""The course overview tells self-study and group-session time apart (content review P3:
one duration hid that most of a module's time is the group exercise)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from site_builder.build_steps.pages import format_minutes, overview_markdown
from site_builder.course.loader import load_course

CONTENT = Path(__file__).resolve().parents[3] / "content"


def test_the_overview_shows_self_study_and_group_minutes_for_course_and_modules() -> None:
    course = load_course(CONTENT)
    alone = sum(m.self_study_minutes or 0 for m in course.modules)
    together = sum(m.group_session_minutes or 0 for m in course.modules)
    text = overview_markdown(course)
    assert (
        f"about {format_minutes(course.total_minutes)} of study in total: "
        f"{format_minutes(alone)} of self-study, {format_minutes(together)} in a group.**"
    ) in text
    first = course.modules[0]
    assert first.self_study_minutes and first.group_session_minutes
    assert (
        f"about {format_minutes(first.duration_minutes)}: "
        f"{format_minutes(first.self_study_minutes)} of self-study, "
        f"{format_minutes(first.group_session_minutes)} in a group*"
    ) in text


def test_without_the_split_in_one_module_the_course_line_shows_the_total_only() -> None:
    course = load_course(CONTENT)
    unsplit = dataclasses.replace(course.modules[0], self_study_minutes=None)
    text = overview_markdown(dataclasses.replace(course, modules=(unsplit, *course.modules[1:])))
    assert f"about {format_minutes(course.total_minutes)} of study in total.**" in text
    assert f"about {format_minutes(unsplit.duration_minutes)}*" in text
