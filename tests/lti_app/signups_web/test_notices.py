"""In-tool notices: a seat freed by someone else's cancellation (or by an instructor taking
someone off, moving them, changing their role or raising the seats) is a "you have a place"
notice for the promoted learner only, made with the seat (no worker tick needed), at the top
of their sheet until they mark it read, and emailed once by the worker, also when no tick ever
saw them waiting. Nobody else, and no other course, sees it or can mark it read."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import update

from lti_app.cli_worker import run_due_work
from lti_app.services import notifications
from lti_app.storage import db
from lti_app.storage.models import LtiUser
from tests.support.future_dates import MAY_TUESDAY, at
from tests.support.launches import LaunchAs
from tests.support.mail_course import SENDER, SmtpServer
from tests.support.mail_course import smtp_server as smtp_server  # the loopback server
from tests.support.page_structure import check
from tests.support.signup_people import Person, person, rename, session_fields

NOTICE = re.compile(r'<li data-notice="(\d+)" data-kind="([a-z]+)">')
NAMES = ("Ann Arbor", "Bob Bristol", "Cat Cardiff")


@pytest.fixture
def trainer(app: Flask, launch_as: LaunchAs) -> Person:
    return person(app, launch_as, "instructor", "trainer")


@pytest.fixture
def people(app: Flask, launch_as: LaunchAs) -> list[Person]:
    """Three learners with names of their own (to show no notice carries anyone's name)."""
    found = [person(app, launch_as, "learner", f"learner-{n}") for n in range(len(NAMES))]
    for who, name in zip(found, NAMES, strict=True):
        rename(app, who, name)
    return found


def on_sheet(who: Person) -> list[tuple[int, str]]:
    """The notices at the top of this person's sheet: (id, kind), newest first."""
    page = who.page("/")
    if 'id="signup-notices"' not in page:
        return []
    section = page.split('id="signup-notices"', 1)[1].split("</section>", 1)[0]
    return [(int(i), kind) for i, kind in NOTICE.findall(section)]


def test_a_learners_cancellation_tells_the_promoted_learner_only_until_they_read_it(
    app: Flask, trainer: Person, people: list[Person]
) -> None:
    session_id = trainer.create(seats_max="1", title="Intervision, group A")
    ann, bob, cat = people
    ann.book(session_id)
    bob.book(session_id)  # number 1 on the waitlist
    cat.book(session_id)  # number 2
    assert [on_sheet(p) for p in people] == [[], [], []]

    assert "Your booking is cancelled." in ann.follow(ann.leave(session_id))
    ((notice_id, kind),) = on_sheet(bob)  # made with the seat: no tick yet
    assert kind == notifications.PROMOTED
    sheet = bob.page("/")
    section = sheet.split('id="signup-notices"', 1)[1].split("</section>", 1)[0]
    assert "You have a place: Intervision, group A" in section
    assert "All notices" in section
    check(sheet)  # unique ids, labelled controls, still the one live region (the status)
    assert not any(name in section for name in NAMES)
    assert on_sheet(ann) == [] and on_sheet(cat) == []
    assert on_sheet(trainer) == []

    full = bob.page("/notices/")
    check(full)
    assert "A place became free and it is yours now" in full
    assert "Where: Room 1.12" in full
    assert not any(name in full for name in NAMES)
    assert notifications.FOOTER not in full  # the email's "open the sheet" line, not here
    assert "No new notices" in cat.page("/notices/")

    # Someone else posting its id marks nothing; the owner's post marks it, then it is gone.
    assert "0 notices marked as read" in cat.follow(
        cat.post("/notices/read", {"notice_id": str(notice_id)})
    )
    assert on_sheet(bob) == [(notice_id, kind)]
    read = bob.post("/notices/read", {"notice_id": str(notice_id), "back": "sheet"})
    assert read.headers["Location"].endswith("/signups/")
    page = bob.follow(read)
    assert "Notice marked as read." in page and 'id="signup-notices"' not in page
    assert "No new notices" in bob.page("/notices/")


def test_marking_read_needs_the_csrf_token_and_real_ids(
    app: Flask, trainer: Person, people: list[Person]
) -> None:
    session_id = trainer.create(seats_max="1")
    ann, bob, _ = people
    ann.book(session_id)
    bob.book(session_id)
    ann.leave(session_id)
    ((notice_id, _kind),) = on_sheet(bob)
    forged = bob.post("/notices/read", {"notice_id": str(notice_id)}, token=False)
    assert forged.status_code == 400
    for bad in ({}, {"notice_id": "first"}, {"notice_id": "9" * 40}, {"notice_id": "-1"}):
        assert bob.post("/notices/read", bad).status_code == 400
    assert on_sheet(bob) == [(notice_id, notifications.PROMOTED)]


def test_another_course_shows_none_and_cannot_mark_them_read(
    app: Flask, launch_as: LaunchAs, trainer: Person, people: list[Person]
) -> None:
    session_id = trainer.create(seats_max="1")
    ann, bob, _ = people
    ann.book(session_id)
    bob.book(session_id)
    ann.leave(session_id)
    ((notice_id, _kind),) = on_sheet(bob)
    elsewhere = person(app, launch_as, "learner", "learner-1", context_id="course-77")
    assert elsewhere.launched.launch.user.id == bob.launched.launch.user.id  # the same person
    assert on_sheet(elsewhere) == []
    assert "No new notices" in elsewhere.page("/notices/")
    marked = elsewhere.follow(elsewhere.post("/notices/read", {"notice_id": str(notice_id)}))
    assert "0 notices marked as read" in marked
    assert on_sheet(bob) == [(notice_id, notifications.PROMOTED)]


def test_every_instructor_change_that_promotes_tells_the_promoted(
    app: Flask, trainer: Person, launch_as: LaunchAs
) -> None:
    ann, bob, cat, dan, eve = (person(app, launch_as, "learner", f"learner-{n}") for n in range(5))

    def user(who: Person) -> str:
        return str(who.launched.launch.user.id)

    # Taken off by the trainer: the next in line has a place.
    one = trainer.create(seats_max="1", title="Taken off")
    ann.book(one)
    bob.book(one)
    trainer.post(f"/sessions/{one}/remove", {"user_id": user(ann), "reason": "Ill"})
    assert [k for _, k in on_sheet(bob)] == [notifications.PROMOTED]

    # Moved to another session: the seat they left goes to the waitlist.
    two, there = trainer.create(seats_max="1", title="Moved"), trainer.create(title="There")
    cat.book(two)
    dan.book(two)
    moved = trainer.post(
        f"/sessions/{two}/move",
        {"move-user_id": user(cat), "move-to_session": str(there), "move-reason": "Swap"},
    )
    assert moved.status_code == 303
    assert [k for _, k in on_sheet(dan)] == [notifications.PROMOTED]
    assert on_sheet(cat) == []

    # A seated case-bringer made a consultant: the case-bringer place goes to the waitlist.
    three = trainer.create(seats_max="3", case_bringer_places="1", title="Role changed")
    eve.book(three, "case_bringer")
    ann.book(three, "consultant")
    bob_before = on_sheet(bob)
    bob.book(three, "case_bringer")  # the one case-bringer place is taken: waitlisted
    given = trainer.post(
        f"/sessions/{three}/override",
        {"override-user_id": user(eve), "override-intent": "consultant",
         "override-reason": "Swapped roles"},
    )  # fmt: skip
    assert given.status_code == 303
    assert len(on_sheet(bob)) == len(bob_before) + 1
    assert on_sheet(eve) == []

    # More seats: everyone waiting gets one.
    four = trainer.create(seats_max="1", title="More seats")
    cat.book(four)
    eve.book(four)
    form = trainer.page(f"/sessions/{four}/edit")
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form)
    assert version is not None
    saved = trainer.post(
        f"/sessions/{four}/edit",
        session_fields(version=version.group(1), seats_max="2", title="More seats",
                       apply_to="this", reason="Bigger room"),
    )  # fmt: skip
    assert saved.status_code == 303
    assert [k for _, k in on_sheet(eve)] == [notifications.PROMOTED]
    assert on_sheet(cat) == [] and on_sheet(ann) == []


def test_the_worker_emails_a_promotion_once_though_no_tick_saw_them_wait(
    app: Flask, trainer: Person, people: list[Person], smtp_server: SmtpServer
) -> None:
    app.config.update(SMTP_URL=smtp_server.url, SMTP_FROM=SENDER)
    with app.app_context(), db.transaction() as session:
        for who in people:
            address = f"{who.launched.launch.user.id}@learners.test"
            session.execute(
                update(LtiUser)
                .where(LtiUser.id == who.launched.launch.user.id)
                .values(email=address)
            )
    session_id = trainer.create(seats_max="1", title="Intervision, group A")
    ann, bob, cat = people
    ann.book(session_id)
    bob.book(session_id)
    cat.book(session_id)
    ann.leave(session_id)  # bob is promoted before any worker tick saw him waiting

    first = run_due_work(app, datetime.now(UTC))
    assert first.notices_made == 0  # the promotion made its notice; the tick only emails it
    assert len(first.delivery.emailed) == 1
    (message,) = smtp_server.inbox.wait_for(1)
    assert message.rcpt_tos == (f"{bob.launched.launch.user.id}@learners.test",)
    assert str(message.message["Subject"]).startswith("You have a place: Intervision, group A")
    assert not any(name in message.text for name in NAMES)

    again = run_due_work(app, datetime.now(UTC))
    assert again.notices_made == 0 and again.delivery.handled == 0
    assert len(smtp_server.inbox.messages) == 1
    assert [k for _, k in on_sheet(bob)] == [notifications.PROMOTED]  # still unread in the tool


def test_someone_moved_onto_a_waitlist_is_told_of_a_seat_without_a_tick(
    app: Flask, trainer: Person, people: list[Person]
) -> None:
    ann, bob, _ = people
    full, start = trainer.create(seats_max="1", title="Full"), trainer.create(title="Start")
    ann.book(full)
    bob.book(start)
    moved = trainer.post(
        f"/sessions/{start}/move",
        {"move-user_id": str(bob.launched.launch.user.id), "move-to_session": str(full),
         "move-reason": "Swap"},
    )  # fmt: skip
    assert "is number 1 on its waitlist" in trainer.follow(moved)
    ann.leave(full)
    ((_, kind),) = on_sheet(bob)
    assert kind == notifications.PROMOTED
    assert "You have a place: Full" in bob.page("/notices/")
    assert on_sheet(ann) == []


def test_raising_the_seats_of_a_whole_series_tells_each_promoted_learner(
    app: Flask, trainer: Person, people: list[Person]
) -> None:
    """No view hands this promotion over: the series edit's transaction tells each one."""
    ann, bob, cat = people
    first, second = trainer.create_series(
        starts_at=at(MAY_TUESDAY, "10:00"),
        repeat="weekly",
        count="2",
        timezone="UTC",
        seats_max="1",
    )
    ann.book(first)
    bob.book(first)  # waiting in the first session
    ann.book(second)
    cat.book(second)  # waiting in the second
    form = trainer.page(f"/sessions/{first}/edit")
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form)
    assert version is not None
    saved = trainer.post(
        f"/sessions/{first}/edit",
        session_fields(version=version.group(1), starts_at=at(MAY_TUESDAY, "10:00"), seats_max="2",
                       apply_to="series", reason="Bigger rooms"),
    )  # fmt: skip
    assert "2 people from the waitlist got a seat." in trainer.follow(saved)
    assert [k for _, k in on_sheet(bob)] == [notifications.PROMOTED]
    assert [k for _, k in on_sheet(cat)] == [notifications.PROMOTED]
    assert on_sheet(ann) == []
