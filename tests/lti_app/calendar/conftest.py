"""The tool with an lti1p3platform platform registered, and a course with one sign-up sheet
whose sessions and bookings are made through ``services.signups`` as the sign-up pages would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from lti_app.domain.signups.booking import Intent
from lti_app.services import signups
from lti_app.storage.signups_repo import SheetLink
from tests.support.calendar_course import CO_EMAIL, CO_PARTICIPANT, CO_SUB, Course, add_person, plan
from tests.support.launches import TOOL, LaunchAs, launch_as, registered_platform
from tests.support.platforms import KeySetServer, Platform

__all__ = ["app_config", "launch_as", "platform"]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "BASE_URL": TOOL}


@pytest.fixture
def platform(app: Flask, key_server: KeySetServer) -> Platform:
    return registered_platform(app, key_server)


@pytest.fixture
def course(app: Flask, launch_as: LaunchAs) -> Course:
    """A learner launched in course-42, booked (confirmed) on a session with a named other."""
    launched = launch_as("learner")
    scope = launched.launch.scope
    assert scope is not None
    me = launched.launch.user.id
    other = add_person(app, CO_SUB, CO_PARTICIPANT, CO_EMAIL)
    now = datetime.now(UTC)
    starts_at = (now + timedelta(days=10)).replace(microsecond=0)
    with app.app_context():
        sheet = signups.open_sheet(scope, SheetLink("resource-1", "Practice round"), now)
        saved = signups.create_session(scope, sheet_id=sheet.id, plan=plan(starts_at), now=now)
        assert saved.session is not None, saved.problems
        session_id = saved.session.id
        mine = signups.book(
            scope, sheet_id=sheet.id, session_id=session_id, user_id=me,
            intent=Intent.CONSULTANT, now=now,
        )  # fmt: skip
        theirs = signups.book(
            scope, sheet_id=sheet.id, session_id=session_id, user_id=other,
            intent=Intent.CONSULTANT, now=now,
        )  # fmt: skip
    assert mine.booking is not None and mine.booking.booking_id is not None
    assert theirs.booking is not None and theirs.booking.booking_id is not None
    return Course(
        launched, scope, me, other, sheet.id, session_id, mine.booking.booking_id,
        theirs.booking.booking_id, starts_at,
    )  # fmt: skip
