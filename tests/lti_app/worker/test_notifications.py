"""Notices and their emails, made and sent by the worker against a real SMTP server on
loopback, on SQLite and PostgreSQL: once per (person, session, kind, version), to the address
the platform shared, never naming anyone else."""

from __future__ import annotations

import threading
from datetime import timedelta

from flask import Flask

from lti_app.cli_worker import run_due_work
from lti_app.domain.scope import CourseScope
from lti_app.services import notifications, signups
from lti_app.storage import db, notifications_repo
from lti_app.storage.notification_models import (
    EMAIL_FAILED,
    EMAIL_INTERRUPTED,
    EMAIL_NONE,
    EMAIL_SENT,
)
from lti_app.storage.signups_repo import SessionRecord
from tests.support.mail_course import (
    NOW,
    SENDER,
    STARTS,
    WAIT,
    SmtpServer,
    World,
    book,
    build_world,
    new_session,
    plan,
)

DUE = NOW + timedelta(hours=7)  # the session starts 23 h later: its reminder is due


def notices(app: Flask, world: World) -> list[notifications_repo.NoticeRecord]:
    """The notices of the course that are messages (not the silent records of who booked)."""
    with app.app_context(), db.transaction() as session:
        stored = notifications_repo.all_notices(session, world.course)
    return [n for n in stored if n.kind not in notifications.SILENT]


def assert_private(world: World, text: str, recipient: str | None) -> None:
    """No participant's name, nor anyone else's address, in the message."""
    for person in world.people:
        assert person.name not in text
        assert "Surname" not in text
        if person.email and person.email != recipient:
            assert person.email not in text


def test_a_reminder_a_day_before_reaches_each_confirmed_person_once(
    db_app: Flask, smtp_server: SmtpServer
) -> None:
    world = build_world(db_app, count=5, without_email=(2,))
    session_id = new_session(db_app, world, seats=3)
    outcomes = [book(db_app, world, session_id, p.id) for p in world.people[:4]]
    assert [o.outcome.value for o in outcomes] == ["confirmed"] * 3 + ["waitlisted"]
    with db_app.app_context():  # learner 3 is promoted into the freed seat
        signups.cancel_booking(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=world.people[1].id,
            now=NOW,
        )
    early = run_due_work(db_app, NOW + timedelta(hours=5))  # no reminder due yet
    assert early.notices_made == 0  # the cancellation made learner 3's "you have a place"
    (promotion,) = smtp_server.inbox.wait_for(1)
    assert promotion.rcpt_tos == (world.people[3].email,)
    assert str(promotion.message["Subject"]).startswith("You have a place: ")

    report = run_due_work(db_app, DUE)
    confirmed = [world.people[i] for i in (0, 2, 3)]
    assert report.notices_made == 3
    assert len(report.delivery.emailed) == 2  # learner 2's address was withheld
    assert len(report.delivery.in_tool_only) == 1
    received = smtp_server.inbox.wait_for(3)[1:]
    assert sorted(r for m in received for r in m.rcpt_tos) == sorted(
        p.email for p in confirmed if p.email is not None
    )
    for message in received:
        assert message.mail_from == SENDER
        subject = str(message.message["Subject"])
        assert subject.startswith("Reminder: Intervision, group A, ")
        assert "(Europe/Amsterdam)" in subject
        body = message.message.get_content()
        assert "Where: Room 2.14" in body
        assert_private(world, message.text, message.rcpt_tos[0])

    again = run_due_work(db_app, DUE + timedelta(minutes=5))
    assert (again.notices_made, again.delivery.handled) == (0, 0)
    assert len(smtp_server.inbox.messages) == 3
    stored = [n for n in notices(db_app, world) if n.kind == notifications.REMINDER]
    assert sorted(n.user_id for n in stored) == sorted(p.id for p in confirmed)
    assert {n.email_status for n in stored} == {EMAIL_SENT, EMAIL_NONE}
    assert all(n.sent_at is not None for n in stored)
    with db_app.app_context():  # the in-tool notice is there for everyone, email or not
        unread = notifications.unread_notices(world.course, world.people[2].id, DUE)
        assert [n.kind for n in unread] == [notifications.REMINDER]
        assert notifications.mark_read(world.course, world.people[2].id, [unread[0].id], DUE) == 1
        assert notifications.unread_notices(world.course, world.people[2].id, DUE) == []


def test_two_workers_over_the_same_due_rows_send_each_email_once(
    db_app: Flask, smtp_server: SmtpServer
) -> None:
    world = build_world(db_app, count=24)
    first = new_session(db_app, world, seats=12)
    second = new_session(db_app, world, seats=12, starts_at=STARTS + timedelta(hours=1))
    for index, person in enumerate(world.people):
        book(db_app, world, first if index % 2 else second, person.id)
    barrier = threading.Barrier(2)
    reports: list[object] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(WAIT)
            for tick in range(3):
                reports.append(run_due_work(db_app, DUE + timedelta(seconds=tick)))
        except BaseException as error:  # noqa: BLE001 - re-raised below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert not any(t.is_alive() for t in threads) and errors == []
    assert all(not r.problems for r in reports)  # type: ignore[attr-defined]
    smtp_server.inbox.wait_for(24)
    assert smtp_server.inbox.recipients() == sorted(p.email for p in world.people if p.email)
    assert sum(r.notices_made for r in reports) == 24  # type: ignore[attr-defined]
    assert sum(len(r.delivery.emailed) for r in reports) == 24  # type: ignore[attr-defined]
    stored = notices(db_app, world)
    assert len(stored) == 24 and {n.email_status for n in stored} == {EMAIL_SENT}
    assert {n.attempts for n in stored} == {1}


def test_changes_and_cancellations_are_told_to_who_was_booked(
    db_app: Flask, smtp_server: SmtpServer
) -> None:
    world = build_world(db_app, count=3)
    session_id = new_session(db_app, world, starts_at=NOW + timedelta(days=5))
    for person in world.people[:2]:
        book(db_app, world, session_id, person.id)
    assert run_due_work(db_app, NOW + timedelta(minutes=30)).notices_made == 0  # noted only
    with db_app.app_context():  # roles move updated_at but are no change to tell
        rotation = signups.rotate_roles(
            world.course, sheet_id=world.sheet, session_id=session_id,
            now=NOW + timedelta(minutes=40),
        )  # fmt: skip
    assert not rotation.problems
    assert run_due_work(db_app, NOW + timedelta(minutes=45)).notices_made == 0
    moved = NOW + timedelta(days=6)
    with db_app.app_context():
        saved = signups.edit_session(
            world.course, sheet_id=world.sheet, session_id=session_id,
            plan=plan(starts_at=moved, place="Room 3.01"), expected_version=1,
            editor_id=world.instructor, now=NOW + timedelta(hours=1),
        )  # fmt: skip
    assert saved.session is not None
    book(db_app, world, session_id, world.people[2].id, now=NOW + timedelta(hours=2))
    with db_app.app_context():  # roles assigned after the third booked: still no change
        rotation = signups.rotate_roles(
            world.course, sheet_id=world.sheet, session_id=session_id,
            now=NOW + timedelta(hours=2, minutes=30),
        )  # fmt: skip
    assert not rotation.problems
    report = run_due_work(db_app, NOW + timedelta(hours=3))
    assert report.notices_made == 2  # the third booked after the change: nothing to tell
    changed = smtp_server.inbox.wait_for(2)
    assert all(str(m.message["Subject"]).startswith("Changed: ") for m in changed)
    assert all("Where: Room 3.01" in m.message.get_content() for m in changed)

    with db_app.app_context():
        signups.cancel_session(
            world.course, sheet_id=world.sheet, session_id=session_id,
            instructor_id=world.instructor, reason="Trainer ill", now=NOW + timedelta(hours=4),
        )  # fmt: skip
    report = run_due_work(db_app, NOW + timedelta(hours=5))
    assert report.notices_made == 3
    received = smtp_server.inbox.wait_for(5)
    cancelled = [m for m in received if str(m.message["Subject"]).startswith("Cancelled: ")]
    assert sorted(r for m in cancelled for r in m.rcpt_tos) == sorted(
        p.email for p in world.people if p.email
    )
    for message in received:
        assert "Trainer ill" not in message.text  # the instructor's reason is for the log
        assert_private(world, message.text, message.rcpt_tos[0])
    assert run_due_work(db_app, NOW + timedelta(hours=6)).notices_made == 0


def test_a_session_under_its_minimum_is_flagged_once(db_app: Flask) -> None:
    world = build_world(db_app, count=2)
    session_id = new_session(
        db_app, world, seats_min=3, min_size_deadline=STARTS - timedelta(hours=12)
    )
    book(db_app, world, session_id, world.people[0].id)
    assert run_due_work(db_app, NOW + timedelta(hours=1)).flagged == []  # before the deadline
    report = run_due_work(db_app, STARTS - timedelta(hours=11))
    assert report.flagged == [session_id] and report.cancelled == []
    assert run_due_work(db_app, STARTS - timedelta(hours=10)).flagged == []
    with db_app.app_context():
        record, _ = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=session_id
        )
    assert not record.cancelled  # flag only: the model has no auto-cancel choice yet


def test_a_refusing_server_is_retried_later_and_a_permanent_refusal_is_not(
    app: Flask, smtp_server: SmtpServer
) -> None:
    world = build_world(app, count=2)
    session_id = new_session(app, world)
    for person in world.people:
        book(app, world, session_id, person.id)
    smtp_server.inbox.refuse += ["451 4.3.0 try again later", "550 5.1.1 no such mailbox"]
    first = run_due_work(app, DUE)
    assert (len(first.delivery.retrying), len(first.delivery.failed)) == (1, 1)
    assert smtp_server.inbox.messages == []
    assert run_due_work(app, DUE + timedelta(seconds=30)).delivery.handled == 0  # not due yet
    later = run_due_work(app, DUE + timedelta(minutes=2))
    assert later.delivery.emailed == first.delivery.retrying
    assert len(smtp_server.inbox.wait_for(1)) == 1
    statuses = sorted(n.email_status for n in notices(app, world))
    assert statuses == [EMAIL_FAILED, EMAIL_SENT]


def test_a_worker_that_died_while_sending_is_not_followed_by_a_second_email(
    app: Flask, smtp_server: SmtpServer
) -> None:
    world = build_world(app, count=1)
    session_id = new_session(app, world)
    book(app, world, session_id, world.people[0].id)
    with app.app_context():
        assert notifications.schedule_due(DUE).total == 1
        with db.write_transaction() as session:  # a worker claims it, then is killed
            assert notifications_repo.claim_next(session, DUE, notifications.LEASE) is not None
        with db.write_transaction() as session:  # nobody else can claim it meanwhile
            assert notifications_repo.claim_next(session, DUE, notifications.LEASE) is None
    report = run_due_work(app, DUE + notifications.LEASE + timedelta(seconds=1))
    assert report.delivery.interrupted == 1 and report.delivery.handled == 0
    assert smtp_server.inbox.messages == []
    (stored,) = notices(app, world)
    assert stored.email_status == EMAIL_INTERRUPTED and stored.sent_at is not None


def test_a_promotion_is_told_once_though_a_caller_hands_it_over_again(
    db_app: Flask, smtp_server: SmtpServer
) -> None:
    world = build_world(db_app, count=2)
    session_id = new_session(db_app, world, seats=1, starts_at=NOW + timedelta(days=4))
    first, waiting = world.people
    book(db_app, world, session_id, first.id)
    assert book(db_app, world, session_id, waiting.id).outcome.value == "waitlisted"
    with db_app.app_context():
        decision = signups.cancel_booking(
            world.course, sheet_id=world.sheet, session_id=session_id, user_id=first.id, now=NOW
        )
        promoted = [b.user_id for b in decision.promoted]
        assert promoted == [waiting.id]
        kind = notifications.PROMOTED
        made = notifications.notify(
            world.course, session_id=session_id, user_ids=promoted, kind=kind, now=NOW
        )
        again = notifications.notify(
            world.course, session_id=session_id, user_ids=promoted, kind=kind, now=NOW
        )
    assert (made, again) == (0, 0)  # the cancellation's transaction made it already
    report = run_due_work(db_app, NOW + timedelta(minutes=1))
    assert len(report.delivery.emailed) == 1
    (message,) = smtp_server.inbox.wait_for(1)
    assert message.rcpt_tos == (waiting.email,)
    assert str(message.message["Subject"]).startswith("You have a place: ")
    assert_private(world, message.text, waiting.email)


def test_a_title_with_line_breaks_cannot_add_mail_headers() -> None:
    record = SessionRecord(1, 1, plan(title="Group A\r\nBcc: someone@example.test"), False, 3)
    subject, body = notifications.compose(notifications.REMINDER, record)
    assert "\n" not in subject and "\r" not in subject
    assert "Group A Bcc: someone@example.test" in body.splitlines()
    claimed = notifications_repo.ClaimedNotice(
        1, CourseScope(1, 1), 1, 1, notifications.REMINDER, subject, body, "a@example.test", 0
    )
    settings = notifications.SmtpSettings("127.0.0.1", 25, False, None, None, SENDER)
    message = notifications.message_for(claimed, settings)
    assert message.get_all("Bcc") is None
    assert message["To"] == "a@example.test"


def test_a_waiting_person_is_emailed_their_seat_once(
    db_app: Flask, smtp_server: SmtpServer
) -> None:
    world = build_world(db_app, count=3)
    session_id = new_session(db_app, world, seats=1, starts_at=NOW + timedelta(days=4))
    first, waiting, later = world.people
    book(db_app, world, session_id, first.id)
    assert book(db_app, world, session_id, waiting.id).outcome.value == "waitlisted"
    assert run_due_work(db_app, NOW + timedelta(minutes=1)).notices_made == 0  # seen waiting
    with db_app.app_context():
        decision = signups.cancel_booking(
            world.course, sheet_id=world.sheet, session_id=session_id, user_id=first.id,
            now=NOW + timedelta(minutes=2),
        )  # fmt: skip
    assert [b.user_id for b in decision.promoted] == [waiting.id]
    book(db_app, world, session_id, later.id, now=NOW + timedelta(minutes=3))
    report = run_due_work(db_app, NOW + timedelta(minutes=4))
    assert report.notices_made == 0  # made by the cancellation; the tick emails it
    assert len(report.delivery.emailed) == 1
    (message,) = smtp_server.inbox.wait_for(1)
    assert message.rcpt_tos == (waiting.email,)
    assert str(message.message["Subject"]).startswith("You have a place: ")
    assert_private(world, message.text, waiting.email)
    with db_app.app_context():  # a view handing the same promotion over adds nothing
        assert notifications.notify(
            world.course, session_id=session_id, user_ids=[waiting.id],
            kind=notifications.PROMOTED, now=NOW + timedelta(minutes=5),
        ) == 0  # fmt: skip
    assert run_due_work(db_app, NOW + timedelta(minutes=6)).notices_made == 0
    assert len(smtp_server.inbox.messages) == 1
