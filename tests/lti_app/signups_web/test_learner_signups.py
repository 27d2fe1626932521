"""Learners on a sheet: sign up, the waitlist, cancelling, windows and deadlines, privacy."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Intent
from lti_app.domain.signups.plan import SessionPlan
from lti_app.services import signups
from lti_app.services.signups import SheetLink
from lti_app.web.people import pseudonym
from tests.support.launches import FORM_HEADERS, TOOL, LaunchAs, deep_link_settings, follow, launch
from tests.support.platforms import LEARNER, Platform
from tests.support.signup_people import Person, person, rename, soon, wall


@pytest.fixture
def trainer(app: Flask, launch_as: LaunchAs) -> Person:
    return person(app, launch_as, "instructor", "trainer")


def learners(app: Flask, launch_as: LaunchAs, count: int, **options: object) -> list[Person]:
    return [person(app, launch_as, "learner", f"learner-{n}", **options) for n in range(count)]


def seats_left(page: str, session_id: int) -> int:
    row = page.split(f'<tr data-session="{session_id}"', 1)[1]
    found = re.search(r'data-seats-left="(\d+)"', row)
    assert found
    return int(found.group(1))


def test_a_signup_launch_opens_the_links_sheet(client: FlaskClient, platform: Platform) -> None:
    response = launch(
        client, platform, [LEARNER], custom={"kind": "signup", "intervision_ref": "kick-off"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert re.fullmatch(r"/launch/[^/]+/signups/", response.headers["Location"])
    sheet = follow(client, response, TOOL)
    assert sheet.status_code == 200
    page = sheet.get_data(as_text=True)
    assert "Practice round" in page  # the resource link's title
    assert "has not planned any sessions" in page
    assert "coming soon" not in page


def test_a_launch_without_a_resource_link_gets_a_clear_400(
    launch_as: LaunchAs, client: FlaskClient
) -> None:
    launched = launch_as("instructor", deep_link=deep_link_settings())
    response = client.get(launched.url("/signups/"))
    assert response.status_code == 400
    assert "belongs to one activity link in one course" in response.get_data(as_text=True)


def test_confirmed_then_waitlisted_with_position_then_promoted_on_cancel(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    session_id = trainer.create(seats_max="2")
    ann, bob, cat, dan = learners(app, launch_as, 4)
    assert "You have a seat as consultant" in ann.follow(ann.book(session_id))
    assert "You have a seat as consultant" in bob.follow(bob.book(session_id))
    page = cat.follow(cat.book(session_id))
    assert "number 1 on the waitlist" in page
    assert "number 2 on the waitlist" in dan.follow(dan.book(session_id))
    sheet = dan.page("/")
    assert seats_left(sheet, session_id) == 0
    assert 'data-waitlist="2"' in sheet
    assert "waitlisted as consultant, number 2" in sheet  # "Your bookings"

    assert "Your booking is cancelled." in ann.follow(ann.leave(session_id))
    cat_page = cat.page(f"/sessions/{session_id}/")
    assert "You have a seat as consultant" in cat_page
    assert "Waitlisted as consultant, number 1" in dan.page(f"/sessions/{session_id}/")
    roster = trainer.page(f"/sessions/{session_id}/")
    assert "Nobody is waiting" not in roster and "Cancelled (1)" in roster


def test_a_double_submit_books_once(app: Flask, launch_as: LaunchAs, trainer: Person) -> None:
    session_id = trainer.create(seats_max="3")
    (ann,) = learners(app, launch_as, 1)
    first, second = ann.book(session_id), ann.book(session_id)
    assert first.status_code == second.status_code == 303
    assert "You have a seat" in ann.follow(second)
    assert seats_left(ann.page("/"), session_id) == 2
    with app.app_context():
        _, roster = signups.session_roster(
            _scope(ann), sheet_id=_sheet_id(ann), session_id=session_id
        )
    assert len(roster) == 1


def test_a_form_replayed_onto_another_session_books_nothing(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    one, two = trainer.create(), trainer.create(title="Group B")
    (ann,) = learners(app, launch_as, 1)
    response = ann.post(f"/sessions/{two}/book", {"session_id": str(one), "intent": "consultant"})
    assert response.status_code == 400
    assert seats_left(ann.page("/"), one) == 2 and seats_left(ann.page("/"), two) == 2


def test_a_book_or_leave_post_missing_a_field_is_a_clear_400_and_changes_nothing(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    session_id = trainer.create()
    (ann,) = learners(app, launch_as, 1)
    incomplete = "The sign-up form was incomplete; reload the page and try again."
    for fields in ({"intent": "consultant"}, {"session_id": str(session_id), "intent": ""}):
        response = ann.post(f"/sessions/{session_id}/book", fields)
        assert response.status_code == 400
        assert incomplete in response.get_data(as_text=True)
    unknown = ann.post(
        f"/sessions/{session_id}/book", {"session_id": str(session_id), "intent": "observer"}
    )
    assert unknown.status_code == 400
    assert "Choose whether you bring a case or consult." in unknown.get_data(as_text=True)
    assert seats_left(ann.page("/"), session_id) == 2

    assert "You have a seat" in ann.follow(ann.book(session_id))
    leave = ann.post(f"/sessions/{session_id}/leave", {"session_id": ""})
    assert leave.status_code == 400
    assert "The form was incomplete" in leave.get_data(as_text=True)
    assert seats_left(ann.page("/"), session_id) == 1


def test_signup_refused_before_opening_and_after_closing(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    later = trainer.create(signup_opens_at=wall(soon(days=3)))
    closed = trainer.create(title="Closed", signup_closes_at=wall(soon(days=-1)))
    (ann,) = learners(app, launch_as, 1)
    sheet = ann.page("/")
    assert "Sign-up not open yet" in sheet and "Sign-up closed" in sheet
    assert "Sign-up for this session has not opened yet" in ann.follow(ann.book(later))
    assert "Sign-up for this session has closed" in ann.follow(ann.book(closed))
    assert seats_left(ann.page("/"), later) == 2 and seats_left(ann.page("/"), closed) == 2


def test_cancelling_is_refused_after_the_deadline(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    """The deadline passes between sign-up and cancelling: the session is planned (through the
    service, with an earlier ``now``) with a deadline that has just passed."""
    (ann,) = learners(app, launch_as, 1)
    earlier = datetime.now(UTC) - timedelta(hours=2)
    deadline = earlier + timedelta(hours=1)
    plan = _plan(starts_at=datetime.now(UTC) + timedelta(days=2), cancel_deadline=deadline)
    with app.app_context():
        scope, sheet_id = _scope(trainer), _sheet_id(trainer)
        saved = signups.create_session(scope, sheet_id=sheet_id, plan=plan, now=earlier)
        assert saved.session is not None
        session_id = saved.session.id
        signups.book(scope, sheet_id=sheet_id, session_id=session_id,
                     user_id=ann.launched.launch.user.id, intent=Intent.CONSULTANT,
                     now=earlier)  # fmt: skip
    page = ann.page(f"/sessions/{session_id}/")
    assert "The cancellation deadline has passed" in page
    assert "Cancel my booking" not in page
    refused = ann.follow(ann.leave(session_id))
    assert "The cancellation deadline has passed. Ask your trainer" in refused
    assert "You have a seat as consultant" in refused


def test_another_courses_learner_can_neither_see_nor_book_the_session(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    session_id = trainer.create()
    (outsider,) = learners(app, launch_as, 1, context_id="course-B")
    assert outsider.get(f"/sessions/{session_id}/").status_code == 404
    assert outsider.book(session_id).status_code == 404
    assert f'data-session="{session_id}"' not in outsider.page("/")
    (insider,) = learners(app, launch_as, 1)
    assert seats_left(insider.page("/"), session_id) == 2


def test_learners_see_who_else_is_in_their_own_session_only(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    mine, other = trainer.create(seats_max="3"), trainer.create(title="Group B", seats_max="3")
    ann, bob, cat, dan = learners(app, launch_as, 4)
    for who, where in ((ann, mine), (bob, mine), (cat, other), (dan, other)):
        who.book(where)
    rename(app, ann, "Ann Archer")
    rename(app, bob, "Bob Baker")
    rename(app, cat, "Cat Cole")
    rename(app, dan, None)  # the platform withholds Dan's name
    with app.app_context():
        dan_name = pseudonym(_scope(dan), dan.launched.launch.user.id)

    ann_page = ann.page(f"/sessions/{mine}/")
    assert "Who else is in this session" in ann_page
    assert "Bob Baker" in ann_page and "Ada Lovelace (you)" in ann_page
    assert "Cat Cole" not in ann_page and dan_name not in ann_page
    not_hers = ann.page(f"/sessions/{other}/")
    assert "Cat Cole" not in not_hers and dan_name not in not_hers
    assert "Who else is in this session" not in not_hers

    cat_page = cat.page(f"/sessions/{other}/")
    assert dan_name in cat_page  # no name shared: the stable pseudonym
    assert "learner-3" not in cat_page  # never the platform's sub
    assert re.fullmatch(r"Participant [0-9A-F]{6}", dan_name)
    trainers_view = trainer.page(f"/sessions/{other}/")
    assert dan_name in trainers_view and "Cat Cole" in trainers_view  # instructors see all
    assert "Ann Archer" in trainer.page(f"/sessions/{mine}/")


def test_times_are_shown_in_the_browsers_zone_when_known_else_the_courses(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    trainer.create(starts_at=wall(soon(hour=18)), timezone="UTC")
    (ann,) = learners(app, launch_as, 1)
    plain = ann.page("/")
    assert (
        "UTC (UTC+00:00), the course&#39;s time zone" in plain or "the course's time zone" in plain
    )
    assert ", 18:00</time>" in plain
    zoned = ann.page("/?tz=Asia/Tokyo")
    assert "Asia/Tokyo (UTC+09:00), your browser" in zoned
    assert ", 03:00</time>" in zoned
    assert "the course" in ann.page("/?tz=Not/AZone")
    assert 'nonce="' in plain and "signups.js" in plain


# --- helpers -------------------------------------------------------------------------------------


def _scope(who: Person) -> CourseScope:
    scope = who.launched.launch.scope
    assert scope is not None
    return scope


def _sheet_id(who: Person) -> int:
    launch = who.launched.launch
    assert launch.resource_link is not None
    sheet = signups.open_sheet(
        _scope(who),
        SheetLink(launch.resource_link.id, launch.resource_link.title),
        datetime.now(UTC),
    )
    return sheet.id


def _plan(**overrides: object) -> SessionPlan:
    values: dict[str, object] = {
        "title": "Planned earlier",
        "method": None,
        "starts_at": datetime.now(UTC) + timedelta(days=2),
        "duration": timedelta(minutes=90),
        "timezone": "UTC",
        "seats_max": 2,
        "case_bringer_places": 0,
    }
    values.update(overrides)
    return SessionPlan(**values)  # type: ignore[arg-type]


def test_a_cancelled_session_no_longer_shows_a_seat(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    session_id = trainer.create()
    (ann,) = learners(app, launch_as, 1)
    assert "You have a seat" in ann.follow(ann.book(session_id))
    cancelled = trainer.post(f"/sessions/{session_id}/cancel", {"cancel-reason": "Trainer ill"})
    assert cancelled.status_code == 303
    page = ann.page(f"/sessions/{session_id}/")
    assert "This session is cancelled." in page and "will not take place" in page
    assert "You have a seat" not in page and "Cancel my booking" not in page
    assert "the session is cancelled" in ann.page("/")
    late = person(app, launch_as, "learner", "learner-9")
    assert "This session was cancelled" in late.follow(late.book(session_id))


def test_a_case_bringer_who_finds_the_places_taken_is_offered_a_consultant_seat(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    session_id = trainer.create(seats_max="3", case_bringer_places="1")
    ann, bob = learners(app, launch_as, 2)
    assert "You have a seat as case-bringer" in ann.follow(ann.book(session_id, "case_bringer"))
    page = bob.follow(bob.book(session_id, "case_bringer"))
    assert "number 1 on the waitlist for case-bringers" in page
    assert "A consultant seat is still free: you can sign up as consultant instead." in page
    assert "Take a consultant seat instead" in page
    taken = bob.follow(bob.book(session_id, "consultant"))
    assert "You have a seat as consultant" in taken
    assert "Add to my calendar" in taken  # the calendar blueprint is installed
    assert seats_left(bob.page("/"), session_id) == 1


def test_a_sign_up_or_cancel_without_this_browsers_csrf_token_is_refused_and_changes_nothing(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    """The book and leave forms leave the token to CSRFProtect, which checks every POST
    before the view runs: no token, or another browser's, is the 400 page and no booking."""
    session_id = trainer.create(seats_max="2")
    ann, bob = learners(app, launch_as, 2)
    fields = {"session_id": str(session_id), "intent": "consultant"}
    for data in (fields, {**fields, "csrf_token": bob.token}, {**fields, "csrf_token": "x"}):
        refused = ann.client.post(
            ann.url(f"/sessions/{session_id}/book"), data=data, headers=FORM_HEADERS
        )
        assert refused.status_code == 400
        assert "CSRF" in refused.get_data(as_text=True)
    assert seats_left(trainer.page("/"), session_id) == 2

    assert "You have a seat" in ann.follow(ann.book(session_id))
    kept = ann.post(f"/sessions/{session_id}/leave", {"session_id": str(session_id)}, token=False)
    assert kept.status_code == 400
    assert seats_left(trainer.page("/"), session_id) == 1


def test_a_sign_up_answers_without_touching_the_session_cookie_and_the_page_says_what_it_did(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    """The outcome rides in the redirect's query as codes; the post's 303 changes nothing in
    the signed session cookie, so it sends none."""
    session_id = trainer.create(seats_max="1")
    ann, bob = learners(app, launch_as, 2)
    for someone in (ann, bob):  # the sheet first, as in the LMS: its cookie holds the sheet
        someone.page("/")
    seated = ann.book(session_id)
    assert seated.status_code == 303
    assert "Set-Cookie" not in seated.headers
    assert (
        "done=seat" in seated.headers["Location"] and "as=consultant" in seated.headers["Location"]
    )
    assert "You have a seat as consultant." in ann.follow(seated)

    waiting = bob.book(session_id)
    assert "Set-Cookie" not in waiting.headers
    assert "you are number 1 on the waitlist" in bob.follow(waiting)

    left = ann.leave(session_id)
    assert "Set-Cookie" not in left.headers
    assert "Your booking is cancelled." in ann.follow(left)
    # A plain visit, and one with made-up codes, say nothing.
    page = ann.page(f"/sessions/{session_id}/")
    crafted = ann.page(f"/sessions/{session_id}/?done=refused&refused=%3Cb%3Ehi%3C%2Fb%3E")
    for shown in (page, crafted):
        status = shown.split('id="iv-status"', 1)[1].split("</div>", 1)[0]
        assert "<p" not in status and "<b>hi" not in shown
