"""People with their own browser (test client) and launch, and the session form as typed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from werkzeug.test import TestResponse

from tests.support.launches import FORM_HEADERS, TOOL, LaunchAs, Launched

WALL = "%Y-%m-%dT%H:%M"
SESSION_ROW = re.compile(r'<tr data-session="(\d+)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(page: str) -> str:
    """The form's CSRF token (WTForms renders ``id`` and ``type`` between name and value)."""
    found = CSRF.search(page)
    assert found, "no CSRF token in the page"
    return found.group(1)


def wall(instant: datetime) -> str:
    return instant.strftime(WALL)


def soon(days: int = 7, hour: int = 18) -> datetime:
    """A whole hour some days ahead, in UTC (naive: the form's wall time with zone UTC)."""
    day = datetime.now(UTC) + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0, tzinfo=None)


def session_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Intervision, group A",
        "method": "",
        "starts_at": wall(soon()),
        "timezone": "UTC",
        "duration": "90",
        "place": "Room 1.12",
        "online_url": "",
        "seats_max": "2",
        "seats_min": "0",
        "case_bringer_places": "0",
        "signup_opens_at": "",
        "signup_closes_at": "",
        "cancel_deadline": "",
        "repeat": "",
        "rrule": "",
        "count": "",
        "until": "",
    }
    fields.update(overrides)
    return fields


@dataclass
class Person:
    """Someone in their own browser, launched into one course's sheet."""

    app: Flask
    client: FlaskClient
    launched: Launched
    _token: str | None = None
    last_page: str = ""

    def url(self, path: str) -> str:
        return self.launched.url("/signups" + path)

    def get(self, path: str = "/") -> TestResponse:
        return self.client.get(self.url(path))

    def page(self, path: str = "/") -> str:
        response = self.get(path)
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        return response.get_data(as_text=True)

    @property
    def token(self) -> str:
        """This browser's CSRF token, minted as Flask-WTF mints it (a learner's page may carry
        no form, e.g. in another course)."""
        if self._token is None:
            with self.app.test_request_context(TOOL + "/"):
                token = generate_csrf()
                raw = session["csrf_token"]
            with self.client.session_transaction(TOOL + "/") as held:
                held["csrf_token"] = raw
            self._token = str(token)
        return self._token

    @property
    def is_instructor(self) -> bool:
        return self.launched.launch.is_instructor

    def post(self, path: str, data: dict[str, Any], *, token: bool = True) -> TestResponse:
        body = {"csrf_token": self.token, **data} if token else data
        return self.client.post(self.url(path), data=body, headers=FORM_HEADERS)

    def follow(self, response: TestResponse) -> str:
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        location = response.headers["Location"]
        page = self.client.get(
            location if location.startswith("http") else "https://tool.test" + location
        )
        assert page.status_code == 200
        return page.get_data(as_text=True)

    # --- instructors ---

    def create(self, **overrides: Any) -> int:
        """Plan one session through the form; its id."""
        (new,) = self.create_series(**overrides)
        return new

    def create_series(self, **overrides: Any) -> list[int]:
        """Plan sessions through the form; the new ones' ids, by start."""
        before = self.session_ids()
        response = self.post("/sessions/new", session_fields(**overrides))
        assert response.status_code == 303, response.get_data(as_text=True)[:3000]
        self.last_page = self.follow(response)  # the sheet, with the flashed outcome
        return [int(i) for i in SESSION_ROW.findall(self.last_page) if int(i) not in before]

    def session_ids(self) -> list[int]:
        return [int(i) for i in SESSION_ROW.findall(self.page("/"))]

    # --- learners ---

    def book(self, session_id: int, intent: str = "consultant") -> TestResponse:
        return self.post(
            f"/sessions/{session_id}/book", {"session_id": str(session_id), "intent": intent}
        )

    def leave(self, session_id: int) -> TestResponse:
        return self.post(f"/sessions/{session_id}/leave", {"session_id": str(session_id)})


def person(app: Flask, launch_as: LaunchAs, role: str, user_id: str, **options: Any) -> Person:
    client = app.test_client()
    return Person(app, client, launch_as(role, client=client, user_id=user_id, **options))


def rename(app: Flask, who: Person, name: str | None) -> None:
    """What the platform shares as this person's name from now on (None: it withholds it), as
    their next launch would store it; the row is written directly, as storage tests do."""
    from sqlalchemy import update

    from lti_app.storage import db
    from lti_app.storage.models import LtiUser

    with app.app_context(), db.transaction() as session:
        session.execute(
            update(LtiUser).where(LtiUser.id == who.launched.launch.user.id).values(name=name)
        )
