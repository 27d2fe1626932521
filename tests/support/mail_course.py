"""A real SMTP server on loopback (aiosmtpd, the ``smtp_server`` fixture) and a course whose
people the platform shared email addresses for, some of them: the world of the worker and
notification tests. A test module imports what it needs from here, never from a conftest."""

from __future__ import annotations

import email
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Intent
from lti_app.domain.signups.plan import SessionPlan
from lti_app.services import signups
from lti_app.storage import db
from lti_app.storage.models import CourseContext, LtiUser, Tenant
from lti_app.storage.signups_repo import SheetLink
from tests.support.lti_fixtures import free_loopback_port

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
STARTS = NOW + timedelta(hours=30)  # a reminder is due from NOW + 6 h on
WAIT = 30.0  # upper bound for anything to arrive; nothing waits for a fixed time
ISSUER = "https://lms1.test"
SENDER = "intervision@tool.test"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def text(self) -> str:
        return self.message.as_string()


@dataclass
class Inbox:
    """What the loopback SMTP server accepted; ``refuse`` answers the next DATA commands."""

    messages: list[Received] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)  # e.g. "451 4.3.0 try again later"
    changed: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.changed:
            if self.refuse:
                return self.refuse.pop(0)
            parsed = email.message_from_bytes(envelope.content, policy=default_policy)
            assert isinstance(parsed, EmailMessage)
            self.messages.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), parsed))
            self.changed.notify_all()
        return "250 OK"

    def wait_for(self, count: int) -> list[Received]:
        """At least ``count`` messages, or fail after WAIT seconds (polls on a condition)."""
        with self.changed:
            arrived = self.changed.wait_for(lambda: len(self.messages) >= count, WAIT)
            assert arrived, f"{len(self.messages)} of {count} messages arrived"
            return list(self.messages)

    def recipients(self) -> list[str]:
        with self.changed:
            return sorted(r for received in self.messages for r in received.rcpt_tos)


@dataclass(frozen=True)
class SmtpServer:
    port: int
    inbox: Inbox

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """aiosmtpd on a free loopback port; ``start`` returns once it answers."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_loopback_port())
    controller.start()
    try:
        yield SmtpServer(controller.port, inbox)
    finally:
        controller.stop()


def plan(starts_at: datetime = STARTS, seats: int = 8, **changes: Any) -> SessionPlan:
    values: dict[str, Any] = {
        "title": "Intervision, group A",
        "method": "tietze",
        "starts_at": starts_at,
        "duration": timedelta(minutes=90),
        "timezone": "Europe/Amsterdam",
        "place": "Room 2.14",
        "seats_max": seats,
        "case_bringer_places": 0,
    }
    values.update(changes)
    return SessionPlan(**values)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str | None


@dataclass(frozen=True)
class World:
    course: CourseScope
    sheet: int
    instructor: int
    people: tuple[Person, ...]

    def email_of(self, user_id: int) -> str | None:
        return next(p.email for p in self.people if p.id == user_id)

    def names(self) -> list[str]:
        return [p.name for p in self.people]


def build_world(app: Flask, count: int = 6, without_email: tuple[int, ...] = ()) -> World:
    """A course with ``count`` named learners; those at the ``without_email`` indexes had
    their address withheld by the platform."""
    with app.app_context():
        with db.transaction() as session:
            tenant = Tenant(issuer=ISSUER, client_id="c", deployment_id="d")
            session.add(tenant)
            session.flush()
            course = CourseContext(tenant_id=tenant.id, context_id="A")
            trainer = LtiUser(issuer=ISSUER, sub="trainer", name="Tess Trainer")
            learners = [
                LtiUser(
                    issuer=ISSUER,
                    sub=f"learner-{n}",
                    name=f"Learner Number{n} Surname{n}",
                    email=None if n in without_email else f"learner{n}@example.test",
                )  # fmt: skip
                for n in range(count)
            ]
            session.add_all([course, trainer, *learners])
            session.flush()
            scope = CourseScope(tenant.id, course.id)
            people = tuple(Person(p.id, p.name or "", p.email) for p in learners)
            trainer_id = trainer.id
        sheet = signups.open_sheet(scope, SheetLink("link-1", "Sign-up"), NOW)
    return World(scope, sheet.id, trainer_id, people)


def new_session(app: Flask, world: World, **changes: Any) -> int:
    with app.app_context():
        saved = signups.create_session(
            world.course, sheet_id=world.sheet, plan=plan(**changes), now=NOW
        )
    assert saved.session is not None, saved.problems
    return saved.session.id


def book(app: Flask, world: World, session_id: int, user_id: int, now: datetime = NOW) -> Any:
    with app.app_context():
        return signups.book(
            world.course, sheet_id=world.sheet, session_id=session_id, user_id=user_id,
            intent=Intent.CONSULTANT, now=now,
        )  # fmt: skip
