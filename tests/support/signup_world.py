"""A small world for sign-up storage tests: two tenants, three courses, sheets and people.

Rows are made directly (tests may build rows); everything after that goes through
``services.signups`` as a view would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from flask import Flask

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.plan import SessionPlan
from lti_app.services import signups
from lti_app.storage import db
from lti_app.storage.models import CourseContext, LtiUser, Tenant
from lti_app.storage.signups_repo import SheetLink

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
STARTS = NOW + timedelta(days=7)
WAIT = 60.0  # upper bound for a thread to finish; nothing waits for a fixed time

T = TypeVar("T")


@dataclass(frozen=True)
class World:
    course: CourseScope  # course A of tenant 1
    sibling: CourseScope  # course B of tenant 1
    other_tenant: CourseScope  # course A of tenant 2 (same context id)
    sheet: int  # a sheet in course A
    second_sheet: int  # another sheet in course A
    instructor: int
    learners: tuple[int, ...]


def plan(
    seats: int = 8, case_bringer_places: int = 0, starts_at: datetime = STARTS, **changes: object
) -> SessionPlan:
    """A valid plan; the cancellation deadline is a day before the start unless given."""
    values: dict[str, object] = {
        "title": "Intervision, group A",
        "method": "tietze",
        "starts_at": starts_at,
        "duration": timedelta(minutes=90),
        "timezone": "Europe/Amsterdam",
        "seats_max": seats,
        "seats_min": 0,
        "case_bringer_places": case_bringer_places,
        "cancel_deadline": starts_at - timedelta(days=1),
    }
    values.update(changes)
    return SessionPlan(**values)  # type: ignore[arg-type]


def build_world(app: Flask, learners: int = 20) -> World:
    with app.app_context():
        with db.transaction() as session:
            tenants = [
                Tenant(issuer=f"https://lms{i}.test", client_id="c", deployment_id="d")
                for i in (1, 2)
            ]
            session.add_all(tenants)
            session.flush()
            courses = [
                CourseContext(tenant_id=tenants[0].id, context_id="A"),
                CourseContext(tenant_id=tenants[0].id, context_id="B"),
                CourseContext(tenant_id=tenants[1].id, context_id="A"),
            ]
            people = [LtiUser(issuer="https://lms1.test", sub="trainer")] + [
                LtiUser(issuer="https://lms1.test", sub=f"learner-{n}") for n in range(learners)
            ]
            session.add_all([*courses, *people])
            session.flush()
            scopes = [CourseScope(c.tenant_id, c.id) for c in courses]
            ids = [p.id for p in people]
        sheet = signups.open_sheet(scopes[0], SheetLink("link-1", "Sign-up"), NOW)
        second = signups.open_sheet(scopes[0], SheetLink("link-2", "Other sheet"), NOW)
    return World(scopes[0], scopes[1], scopes[2], sheet.id, second.id, ids[0], tuple(ids[1:]))


def new_session(app: Flask, world: World, sheet: int | None = None, **plan_changes: object) -> int:
    with app.app_context():
        saved = signups.create_session(
            world.course, sheet_id=sheet or world.sheet, plan=plan(**plan_changes), now=NOW
        )
    assert saved.session is not None, saved.problems
    return saved.session.id


def race(app: Flask, calls: Sequence[Callable[[], T]]) -> list[T]:
    """Run every call on its own thread (and so its own pooled connection), all released at
    once by a barrier; results in call order, the first error re-raised."""
    barrier = threading.Barrier(len(calls))
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            with app.app_context():
                barrier.wait(WAIT)
                results[index] = calls[index]()
        except BaseException as error:  # noqa: BLE001 - re-raised in the test thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads), "a racing call never finished"
    if errors:
        raise errors[0]
    assert sorted(results) == list(range(len(calls)))
    return [results[index] for index in range(len(calls))]
