"""A sheet that chose "cancel sessions still under their minimum size at their deadline":
the worker cancels such a session with every booking, and everyone who was booked is told
(in the tool, and by email where the platform shared an address) once; a sheet that did not
choose so only has the session flagged. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from lti_app.cli_worker import run_due_work
from lti_app.domain.signups.booking import BookingStatus
from lti_app.services import notifications, sheet_settings, signups
from lti_app.storage import db, notifications_repo
from lti_app.storage.signups_repo import SheetLink
from tests.support.mail_course import (
    NOW,
    STARTS,
    SmtpServer,
    World,
    book,
    build_world,
    new_session,
    plan,
)

DEADLINE = STARTS - timedelta(hours=12)


def _choose_auto_cancel(app: Flask, world: World, sheet_id: int) -> None:
    with app.app_context():
        saved = sheet_settings.save_settings(
            world.course, sheet_id=sheet_id, timezone="Europe/Amsterdam",
            cancel_under_minimum=True, now=NOW,
        )  # fmt: skip
    assert saved.settings is not None and saved.settings.cancel_under_minimum


def test_a_chosen_sheet_cancels_its_session_under_the_minimum_and_tells_everyone(
    db_app: Flask, smtp_server: SmtpServer
) -> None:
    world = build_world(db_app, count=3, without_email=(1,))
    _choose_auto_cancel(db_app, world, world.sheet)
    with db_app.app_context():  # a second sheet of the course that left the choice alone
        other = signups.open_sheet(world.course, SheetLink("link-2", "Other sheet"), NOW).id
        kept = signups.create_session(
            world.course, sheet_id=other, now=NOW,
            plan=plan(seats_min=3, min_size_deadline=DEADLINE),
        )  # fmt: skip
    assert kept.session is not None
    cancelled_id = new_session(db_app, world, seats_min=3, min_size_deadline=DEADLINE)
    for person in world.people[:2]:
        book(db_app, world, cancelled_id, person.id)
        book(db_app, World(world.course, other, world.instructor, world.people),
             kept.session.id, person.id)  # fmt: skip

    assert run_due_work(db_app, DEADLINE - timedelta(minutes=1)).cancelled == []
    report = run_due_work(db_app, DEADLINE + timedelta(minutes=1))
    assert report.cancelled == [cancelled_id]
    assert report.flagged == [kept.session.id]  # the other sheet only flags

    with db_app.app_context():
        record, roster = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=cancelled_id
        )
        log = signups.session_log(world.course, sheet_id=world.sheet, session_id=cancelled_id)
        other_record, _ = signups.session_roster(
            world.course, sheet_id=other, session_id=kept.session.id
        )
    assert record.cancelled and not other_record.cancelled
    assert {b.status for b in roster} == {BookingStatus.CANCELLED}
    assert [entry.action for entry in log][-1] == signups.MINIMUM_CANCEL
    assert log[-1].detail["seated"] == 2 and log[-1].detail["seats_min"] == 3

    # The same tick's notices step already told both, the one without an address in the tool.
    with db_app.app_context(), db.transaction() as session:
        stored = notifications_repo.all_notices(session, world.course)
    told = sorted(n.user_id for n in stored if n.kind == notifications.CANCELLED)
    assert told == sorted(p.id for p in world.people[:2])
    received = smtp_server.inbox.wait_for(1)  # (and the other sheet's reminder, not ours)
    cancelled = [m for m in received if str(m.message["Subject"]).startswith("Cancelled: ")]
    assert [r for m in cancelled for r in m.rcpt_tos] == [world.people[0].email]

    later = run_due_work(db_app, DEADLINE + timedelta(hours=1))
    assert later.cancelled == [] and later.flagged == [] and later.notices_made == 0
