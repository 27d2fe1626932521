"""Where a piece of course data belongs: one value instead of loose tenant and course ints.

A tenant is (issuer, client_id, deployment_id); a course is a tenant plus the platform's context
id. Repositories take a ``CourseScope`` first, so a tenant id can never be passed where a course
id was meant, and every query of course data filters by both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CourseScope:
    """Our row ids of the tenant and of the course within it."""

    tenant_id: int
    course_id: int


@dataclass(frozen=True, slots=True)
class PersonInCourse:
    """A person (our user row id) acting inside one course."""

    scope: CourseScope
    user_id: int
