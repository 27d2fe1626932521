"""What the calendar tests build their course from: the session plan, the frozen ``Course``
the ``course`` fixture gives (``tests/lti_app/calendar/conftest.py``) and a co-participant
whose name and email the platform shared. Kept out of the conftest, which holds fixtures only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.plan import SessionPlan
from lti_app.storage import db
from lti_app.storage.models import LtiUser
from tests.support.launches import Launched

CO_PARTICIPANT = "Grace Hopper"
CO_EMAIL = "grace@example.test"
CO_SUB = "co-participant-7"


def plan(starts_at: datetime, **changes: Any) -> SessionPlan:
    values: dict[str, Any] = {
        "title": "Intervision, group A",
        "method": "tietze",
        "starts_at": starts_at,
        "duration": timedelta(minutes=90),
        "timezone": "Europe/Amsterdam",
        "place": "Room 2.14",
        "seats_max": 2,
        "case_bringer_places": 0,
    }
    values.update(changes)
    return SessionPlan(**values)


@dataclass(frozen=True)
class Course:
    launched: Launched
    scope: CourseScope
    me: int
    other: int  # a co-participant with a name and email the platform shared
    sheet: int
    session: int
    my_booking: int
    other_booking: int
    starts_at: datetime


def add_person(app: Flask, sub: str, name: str | None = None, email: str | None = None) -> int:
    with app.app_context(), db.transaction() as session:
        person = LtiUser(issuer="https://elsewhere.test", sub=sub, name=name, email=email)
        session.add(person)
        session.flush()
        return person.id
