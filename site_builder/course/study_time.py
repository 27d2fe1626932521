"""Study time that is honest: a module's stated self-study minutes must cover reading the page
(prose at 200 words a minute) plus the time its self-checks and reflections take.

A warning, not an error: the estimate is a floor, and an author may know better for a page
that is mostly tables. The warning names the file and the field, and says by how much.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from site_builder.course.body_checks import words_outside_blocks
from site_builder.course.errors import ContentError
from site_builder.course.model import Course, Module

WORDS_PER_MINUTE = 200
MINUTES_PER_SELF_CHECK = 2
MINUTES_PER_REFLECTION = 5


@dataclass(frozen=True)
class StudyEstimate:
    """The floor for a module's self-study minutes, and what it is made of."""

    words: int
    self_checks: int
    reflections: int

    @property
    def reading_minutes(self) -> int:
        return math.ceil(self.words / WORDS_PER_MINUTE)

    @property
    def minutes(self) -> int:
        return (
            self.reading_minutes
            + self.self_checks * MINUTES_PER_SELF_CHECK
            + self.reflections * MINUTES_PER_REFLECTION
        )

    def explain(self) -> str:
        return (
            f"{self.words} words at {WORDS_PER_MINUTE}/min ({self.reading_minutes} min) + "
            f"{self.self_checks} self-checks × {MINUTES_PER_SELF_CHECK} min + "
            f"{self.reflections} reflections × {MINUTES_PER_REFLECTION} min = {self.minutes} min"
        )


def estimate(module: Module) -> StudyEstimate:
    from site_builder.markdown.blocks import Reflection, SelfCheck, parse_blocks

    blocks = parse_blocks(module.body, module.body_first_line)
    return StudyEstimate(
        words=words_outside_blocks(module.body),
        self_checks=sum(isinstance(block, SelfCheck) for block in blocks),
        reflections=sum(isinstance(block, Reflection) for block in blocks),
    )


def study_time_warnings(course: Course) -> list[ContentError]:
    """One warning per module whose stated times cannot be right."""
    warnings: list[ContentError] = []
    for module in course.modules:
        warnings.extend(module_warnings(module))
    return warnings


def module_warnings(module: Module) -> list[ContentError]:
    found = estimate(module)
    self_study = module.self_study_minutes
    field = "self_study_minutes"
    if self_study is None:
        # Without the split, the whole duration has to cover the reading at least.
        self_study, field = module.duration_minutes, "duration_minutes"
    warnings: list[ContentError] = []
    if self_study < found.minutes:
        warnings.append(
            ContentError(
                module.path,
                module.line_of(field),
                field,
                f"states {self_study} min of self-study, but reading the page takes at least "
                f"{found.minutes} min: {found.explain()}",
                f"raise '{field}' to {found.minutes} or more, or shorten the page",
            )
        )
    group = module.group_session_minutes
    if module.self_study_minutes is None or group is None:
        warnings.append(
            ContentError(
                module.path,
                module.line_of("duration_minutes"),
                "duration_minutes",
                "states one duration for reading and group work together",
                "add 'self_study_minutes' (alone with the page) and 'group_session_minutes' "
                "(the group exercise), see docs/authoring.md",
            )
        )
    elif module.self_study_minutes + group != module.duration_minutes:
        warnings.append(
            ContentError(
                module.path,
                module.line_of("duration_minutes"),
                "duration_minutes",
                f"is {module.duration_minutes}, but self-study ({module.self_study_minutes}) "
                f"plus group session ({group}) make {module.self_study_minutes + group}",
                f"set 'duration_minutes' to {module.self_study_minutes + group}",
            )
        )
    return warnings
