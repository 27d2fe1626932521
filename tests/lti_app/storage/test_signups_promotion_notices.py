"""A promotion's "you have a place" notice is written by ``services.signups`` in the transaction
that gives the seat (SQLite and PostgreSQL): no view, no worker tick. Exactly one per promoted
person (a worker tick afterwards adds none), none for anyone else, none when the transaction
fails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from lti_app.domain.signups.booking import BookingStatus, Intent
from lti_app.services import notifications, signups
from lti_app.storage import db, notifications_repo, signups_repo
from lti_app.storage.notifications_repo import NoticeRecord
from tests.support.signup_world import NOW, World, build_world, new_session, plan


@pytest.fixture
def world(db_app: Flask) -> World:
    return build_world(db_app, learners=4)


def _notices(app: Flask, world: World) -> list[NoticeRecord]:
    with db.transaction(app) as session:
        return notifications_repo.all_notices(session, world.course)


def _told(app: Flask, world: World) -> list[tuple[int, int, str, int]]:
    """(person, session, kind, version) of every notice in the course."""
    return [(n.user_id, n.session_id, n.kind, n.version) for n in _notices(app, world)]


def _fill(world: World, session_id: int, *users: int) -> None:
    for user in users:
        signups.book(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=user,
            intent=Intent.CONSULTANT,
            now=NOW,
        )


def test_a_cancellation_that_promotes_tells_the_promoted_once_in_its_transaction(
    db_app: Flask, world: World
) -> None:
    ann, bob, cat, _ = world.learners
    session_id = new_session(db_app, world, seats=1)
    with db_app.app_context():
        _fill(world, session_id, ann, bob, cat)
        assert _told(db_app, world) == []  # a waitlisted sign-up writes no notice
        left = signups.cancel_booking(
            world.course, sheet_id=world.sheet, session_id=session_id, user_id=ann, now=NOW
        )
        assert [b.user_id for b in left.promoted] == [bob]
        (notice,) = _notices(db_app, world)
        assert (notice.user_id, notice.session_id, notice.kind) == (
            bob,
            session_id,
            notifications.PROMOTED,
        )
        assert notice.read_at is None and notice.sent_at is None  # in the tool, to be emailed
        assert notice.subject.startswith("You have a place: Intervision, group A")
        report = notifications.schedule_due(NOW + timedelta(minutes=1))
        assert report.made.get(notifications.PROMOTED) == 0
        promoted = [n for n in _notices(db_app, world) if n.kind == notifications.PROMOTED]
        assert [n.id for n in promoted] == [notice.id]


def test_a_failed_promoting_transaction_leaves_no_notice_and_no_seat(
    db_app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit row is written after the notice; making it fail rolls back all of it."""
    ann, bob, _, _ = world.learners
    session_id = new_session(db_app, world, seats=1)

    class AuditDown(RuntimeError):
        pass

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AuditDown("audit table unavailable")

    with db_app.app_context():
        _fill(world, session_id, ann, bob)
        monkeypatch.setattr(signups_repo, "record_audit", refuse)
        with pytest.raises(AuditDown):
            signups.cancel_booking(
                world.course, sheet_id=world.sheet, session_id=session_id, user_id=ann,
                now=NOW, instructor_id=world.instructor, reason="Ill",
            )  # fmt: skip
        monkeypatch.undo()
        assert _told(db_app, world) == []
        _, roster = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=session_id
        )
        assert {b.user_id: b.status for b in roster} == {
            ann: BookingStatus.CONFIRMED,
            bob: BookingStatus.WAITLISTED,
        }


def test_moves_and_raised_seats_tell_whom_they_promote_at_the_new_version(
    db_app: Flask, world: World
) -> None:
    ann, bob, cat, dan = world.learners
    full = new_session(db_app, world, seats=1)
    other = new_session(db_app, world, seats=4)
    with db_app.app_context():
        _fill(world, full, ann, bob, cat)
        moved = signups.move(
            world.course, sheet_id=world.sheet, from_session_id=full, to_session_id=other,
            user_id=ann, instructor_id=world.instructor, reason="Swap", now=NOW,
        )  # fmt: skip
        assert [b.user_id for b in moved.source.promoted] == [bob]
        assert _told(db_app, world) == [(bob, full, notifications.PROMOTED, 1)]

        saved = signups.edit_session(
            world.course, sheet_id=world.sheet, session_id=full, plan=plan(seats=2),
            expected_version=1, editor_id=world.instructor, now=NOW, reason="Bigger room",
        )  # fmt: skip
        assert saved.session is not None and [b.user_id for b in saved.promoted] == [cat]
        assert _told(db_app, world)[1:] == [
            (cat, full, notifications.PROMOTED, saved.session.version)
        ]
        assert dan not in {n.user_id for n in _notices(db_app, world)}
