"""Advice for authors that does not stop a build: study time, guessable self-checks and
incomplete or mirrored citations.

`intervision check` prints these after validating (and fails on them with --strict)."""

from __future__ import annotations

from site_builder.course.answer_bias import answer_bias_warnings
from site_builder.course.citations import citation_warnings
from site_builder.course.errors import ContentError
from site_builder.course.model import Course
from site_builder.course.study_time import study_time_warnings


def course_warnings(course: Course) -> list[ContentError]:
    """Every warning for the course, in file and line order."""
    found = [
        *study_time_warnings(course),
        *answer_bias_warnings(course),
        *citation_warnings(course),
    ]
    return sorted(found, key=ContentError.sort_key)
