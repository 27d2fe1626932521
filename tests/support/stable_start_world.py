"""A course whose sign-up sheet formed stable groups, for starting a stable group's round
from the exercise dashboard: ``size`` learners launched into the harness's exercise and put in
one group on a sheet (through the sign-up services, as the sheet's Groups page does), and the
exercise set up (live, the ten-step method, whose roles need three people, or ``method``) for
that group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask

from lti_app.domain.scope import CourseScope
from lti_app.services import signups
from lti_app.storage.signups_repo import SheetLink
from tests.support.exercise_pages import Member, configure, member
from tests.support.launches import LaunchAs


@dataclass(frozen=True)
class StableStart:
    instructor: Member
    learners: tuple[Member, ...]
    scope: CourseScope
    group_id: int
    group_name: str


def sheet_group(app: Flask, scope: CourseScope, link: str, people: list[int]) -> tuple[int, str]:
    """One stable group of ``people`` on a new sheet ``link`` of the course: (id, name)."""
    now = datetime.now(UTC)
    with app.app_context():
        sheet = signups.open_sheet(scope, SheetLink(link, "Groups"), now)
        formed = signups.form_sheet_groups(
            scope,
            sheet_id=sheet.id,
            roster=people,
            size_min=len(people),
            size_max=len(people),
            now=now,
        )
    (group,) = formed.groups
    return group.id, group.name


def stable_start(
    app: Flask, launch_as: LaunchAs, size: int = 5, method: str = "ten-step-method"
) -> StableStart:
    instructor = member(app, launch_as, "instructor", "teacher")
    learners = tuple(member(app, launch_as, "learner", f"learner-{n}") for n in range(size))
    scope = instructor.launched.launch.scope
    assert scope is not None
    group_id, name = sheet_group(app, scope, "groups-sheet", [m.user_id for m in learners])
    configure(
        instructor,
        method_slug=method,
        mode="live",
        group_source="stable_group",
        group_id=str(group_id),
        size_min="",
        size_max="",
    )
    return StableStart(instructor, learners, scope, group_id, name)
