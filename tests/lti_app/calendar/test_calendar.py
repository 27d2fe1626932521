"""Calendar data of sign-ups, read back with icalendar: one booking's .ics and the private
feed URL (made, replaced and stopped through the page a launched person uses)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar, Event

from lti_app.domain.signups.booking import Intent
from lti_app.services import signups
from lti_app.storage.signups_repo import SheetLink
from tests.support.calendar_course import CO_EMAIL, CO_PARTICIPANT, CO_SUB, Course, plan
from tests.support.launches import FORM_HEADERS, TOOL, LaunchAs, csrf_token

HOST = "tool.test"


def events(body: bytes) -> list[Event]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def only_event(body: bytes) -> Event:
    found = events(body)
    assert len(found) == 1
    return found[0]


def download(client: FlaskClient, course: Course, booking_id: int | None = None) -> bytes:
    response = client.get(
        course.launched.url(f"/signups/bookings/{booking_id or course.my_booking}.ics")
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["Cache-Control"]
    return response.data


def assert_nobody_else(body: bytes) -> None:
    text = body.decode("utf-8")
    for secret in (CO_PARTICIPANT, "Grace", "Hopper", CO_EMAIL, CO_SUB):
        assert secret not in text
    # The person's own name is not needed either: a calendar entry is about the session.
    assert "Ada Lovelace" not in text


def test_a_booking_downloads_as_one_event_in_utc_with_reminders(
    client: FlaskClient, course: Course
) -> None:
    body = download(client, course)
    calendar = Calendar.from_ical(body)
    assert str(calendar["METHOD"]) == "PUBLISH"
    event = only_event(body)
    assert str(event["UID"]) == f"signup-session-{course.session}@{HOST}"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == course.starts_at
    assert event.decoded("DTSTART").tzinfo is not None
    assert b"DTSTART:" + course.starts_at.strftime("%Y%m%dT%H%M%SZ").encode() in body
    assert event.decoded("DTEND") == course.starts_at + timedelta(minutes=90)
    assert str(event["SUMMARY"]) == "Intervision, group A"
    assert str(event["LOCATION"]) == "Room 2.14"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Method: tietze" in str(event["DESCRIPTION"])
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [-timedelta(days=1), -timedelta(hours=1)]
    assert_nobody_else(body)


def test_an_edit_keeps_the_uid_and_raises_the_sequence(
    app: Flask, client: FlaskClient, course: Course
) -> None:
    before = only_event(download(client, course))
    moved = course.starts_at + timedelta(days=1, hours=2)
    with app.app_context():
        saved = signups.edit_session(
            course.scope, sheet_id=course.sheet, session_id=course.session,
            plan=plan(moved, online_url="https://meet.example.test/abc"), expected_version=1,
            editor_id=course.me, now=datetime.now(UTC),
        )  # fmt: skip
    assert saved.session is not None
    after = only_event(download(client, course))
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == moved
    assert "Online: https://meet.example.test/abc" in str(after["DESCRIPTION"])


def test_a_cancelled_session_is_a_cancel_with_a_higher_sequence(
    app: Flask, client: FlaskClient, course: Course
) -> None:
    before = only_event(download(client, course))
    with app.app_context():
        signups.cancel_session(
            course.scope, sheet_id=course.sheet, session_id=course.session,
            instructor_id=course.other, reason="Trainer ill", now=datetime.now(UTC),
        )  # fmt: skip
    body = download(client, course)
    assert str(Calendar.from_ical(body)["METHOD"]) == "CANCEL"
    event = only_event(body)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == before["UID"]
    assert int(event["SEQUENCE"]) > int(before["SEQUENCE"])
    assert list(event.walk("VALARM")) == []
    assert "Trainer ill" not in body.decode()  # the instructor's reason is for the log


def test_a_cancelled_booking_downloads_as_a_cancel(
    app: Flask, client: FlaskClient, course: Course
) -> None:
    with app.app_context():
        signups.cancel_booking(
            course.scope, sheet_id=course.sheet, session_id=course.session,
            user_id=course.me, now=datetime.now(UTC),
        )  # fmt: skip
    body = download(client, course)
    assert str(Calendar.from_ical(body)["METHOD"]) == "CANCEL"
    assert str(only_event(body)["STATUS"]) == "CANCELLED"


def test_another_persons_booking_and_an_unknown_one_are_404(
    client: FlaskClient, course: Course
) -> None:
    for booking_id in (course.other_booking, course.other_booking + 1000):
        response = client.get(course.launched.url(f"/signups/bookings/{booking_id}.ics"))
        assert response.status_code == 404
        assert CO_PARTICIPANT not in response.text


def test_a_download_needs_a_launch(app: Flask, course: Course) -> None:
    response = app.test_client().get(f"{TOOL}/signups/bookings/{course.my_booking}.ics")
    assert response.status_code == 401


def make_feed(client: FlaskClient, course: Course, action: str = "replace") -> str:
    page = client.get(course.launched.url("/calendar/feed"))
    assert page.status_code == 200
    response = client.post(
        course.launched.url("/calendar/feed"),
        data={"csrf_token": csrf_token(page.text), "action": action},
        headers=FORM_HEADERS,
    )
    assert response.status_code == 200, response.text
    return response.text


def feed_url_in(page: str) -> str:
    start = page.index(f'value="{TOOL}/calendar/') + len('value="')
    return page[start : page.index('"', start)]


def test_the_feed_works_without_a_session_and_holds_only_this_course(
    app: Flask, client: FlaskClient, course: Course, launch_as: LaunchAs
) -> None:
    now = datetime.now(UTC)
    with app.app_context():  # a waitlisted booking on a full second session, same course
        full = signups.create_session(
            course.scope, sheet_id=course.sheet,
            plan=replace(plan(course.starts_at + timedelta(days=7)), seats_max=1), now=now,
        ).session  # fmt: skip
        assert full is not None
        signups.book(
            course.scope, sheet_id=course.sheet, session_id=full.id, user_id=course.other,
            intent=Intent.CONSULTANT, now=now,
        )  # fmt: skip
        waiting = signups.book(
            course.scope, sheet_id=course.sheet, session_id=full.id, user_id=course.me,
            intent=Intent.CONSULTANT, now=now,
        )  # fmt: skip
    assert waiting.booking is not None and waiting.position == 1
    # The same person in another course, with a booking there.
    elsewhere = launch_as("learner", context_id="course-99")
    other_scope = elsewhere.launch.scope
    assert other_scope is not None and elsewhere.launch.user.id == course.me
    with app.app_context():
        sheet = signups.open_sheet(other_scope, SheetLink("resource-1", "Other"), now)
        there = signups.create_session(
            other_scope, sheet_id=sheet.id, plan=plan(course.starts_at, title="Elsewhere"), now=now
        ).session  # fmt: skip
        assert there is not None
        signups.book(
            other_scope, sheet_id=sheet.id, session_id=there.id, user_id=course.me,
            intent=Intent.CONSULTANT, now=now,
        )  # fmt: skip

    page = make_feed(client, course)
    url = feed_url_in(page)
    assert url.startswith(f"{TOOL}/calendar/") and "/launch/" not in url
    calendar_app = app.test_client()  # no cookie, no launch: what a calendar app has
    response = calendar_app.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["Cache-Control"]
    found = {str(e["UID"]): e for e in events(response.data)}
    assert set(found) == {
        f"signup-session-{course.session}@{HOST}",
        f"signup-session-{full.id}@{HOST}",
    }
    assert str(found[f"signup-session-{course.session}@{HOST}"]["STATUS"]) == "CONFIRMED"
    tentative = found[f"signup-session-{full.id}@{HOST}"]
    assert str(tentative["STATUS"]) == "TENTATIVE"
    assert "waitlist" in str(tentative["SUMMARY"])
    assert b"Elsewhere" not in response.data
    assert_nobody_else(response.data)


def test_a_replaced_or_revoked_feed_url_is_404_without_detail(
    app: Flask, client: FlaskClient, course: Course
) -> None:
    calendar_app = app.test_client()
    first = feed_url_in(make_feed(client, course))
    second = feed_url_in(make_feed(client, course))
    assert first != second
    assert calendar_app.get(first).status_code == 404
    assert calendar_app.get(second).status_code == 200
    stopped = make_feed(client, course, action="revoke")
    assert "was stopped" in stopped and TOOL + "/calendar/" not in stopped
    gone = calendar_app.get(second)
    assert gone.status_code == 404
    assert gone.text == "Not found\n"
    unknown = calendar_app.get(f"{TOOL}/calendar/not-a-token.ics")
    assert (unknown.status_code, unknown.text) == (404, "Not found\n")


def test_the_feed_page_refuses_a_post_without_csrf(client: FlaskClient, course: Course) -> None:
    response = client.post(
        course.launched.url("/calendar/feed"), data={"action": "replace"}, headers=FORM_HEADERS
    )
    assert response.status_code == 400
    assert TOOL + "/calendar/" not in response.text


def test_ones_own_booking_is_404_under_a_launch_from_another_course(
    client: FlaskClient, course: Course, launch_as: LaunchAs
) -> None:
    elsewhere = launch_as("learner", context_id="course-99")
    assert elsewhere.launch.user.id == course.me
    response = client.get(elsewhere.url(f"/signups/bookings/{course.my_booking}.ics"))
    assert response.status_code == 404
    assert (
        client.get(course.launched.url(f"/signups/bookings/{course.my_booking}.ics")).status_code
        == 200
    )
