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
from tests.support.launches import LaunchAs, registered_platform
from tests.support.platforms import KeySetServer


@dataclass(frozen=True)
class StableStart:
    instructor: Member
    learners: tuple[Member, ...]
    scope: CourseScope
    group_id: int
    group_name: str


def sheet_group(
    app: Flask,
    scope: CourseScope,
    link: str,
    people: list[int],
    *,
    title: str = "Groups",
    now: datetime | None = None,
) -> tuple[int, str]:
    """One stable group of ``people`` on a new sheet ``link`` of the course: (id, name)."""
    now = now or datetime.now(UTC)
    with app.app_context():
        sheet = signups.open_sheet(scope, SheetLink(link, title), now)
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


@dataclass(frozen=True)
class ForeignGroups:
    """A stable group in another course of this tenant and one in another tenant."""

    other_course: int
    other_course_people: list[Member]
    other_tenant: int


def foreign_groups(
    app: Flask, launch_as: LaunchAs, key_server: KeySetServer, size: int, course: CourseScope
) -> ForeignGroups:
    """Groups of ``size`` that a ``course``'s instructor must never reach."""
    elsewhere = member(app, launch_as, "instructor", "teacher", context_id="course-77")
    scope = elsewhere.launched.launch.scope
    assert scope is not None and scope.course_id != course.course_id
    people = [
        member(app, launch_as, "learner", f"l{n}", context_id="course-77") for n in range(size)
    ]
    other_course, _ = sheet_group(app, scope, "their-sheet", [p.user_id for p in people])
    tenant = registered_platform(app, key_server, client_id="another-tenant")
    stranger = member(app, launch_as, "instructor", "teacher", platform=tenant)
    far = stranger.launched.launch.scope
    assert far is not None and far.tenant_id != course.tenant_id
    strangers = [member(app, launch_as, "learner", f"s{n}", platform=tenant) for n in range(size)]
    other_tenant, _ = sheet_group(app, far, "tenant-sheet", [p.user_id for p in strangers])
    return ForeignGroups(other_course, people, other_tenant)
