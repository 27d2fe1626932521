"""Sign-up storage through services.signups on SQLite and PostgreSQL: scoping, double
submission, FIFO promotion, overrides and edits logged, series, calendar feed tokens."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lti_app.domain.signups.booking import (
    BookingStatus,
    Decision,
    Intent,
    Outcome,
    Refusal,
    SessionState,
    decide_signup,
)
from lti_app.domain.signups.plan import SessionPlan
from lti_app.domain.signups.recurrence import EditScope, Repeat, SeriesPlan
from lti_app.services import signups
from lti_app.storage import db, signups_repo
from lti_app.storage.models import LtiUser
from lti_app.storage.outbox_models import ScoreOutboxEntry
from lti_app.storage.signup_models import SignupBooking
from lti_app.storage.signups_repo import BookingConflict, SessionNotFound, SheetLink
from tests.support.signup_world import (
    NOW,
    STARTS,
    World,
    build_world,
    new_session,
    plan,
    race,
)


@pytest.fixture
def world(db_app: Flask) -> World:
    return build_world(db_app, learners=12)


def _booking_rows(app: Flask, session_id: int) -> int:
    with db.transaction(app) as session:
        count = session.scalar(
            select(func.count())
            .select_from(SignupBooking)
            .where(SignupBooking.session_id == session_id)
        )
    return int(count or 0)


def _book(world: World, session_id: int, user: int, now: datetime = NOW) -> Decision:
    return signups.book(
        world.course,
        sheet_id=world.sheet,
        session_id=session_id,
        user_id=user,
        intent=Intent.CONSULTANT,
        now=now,
    )


def test_a_booking_through_another_course_tenant_or_sheet_is_refused(
    db_app: Flask, world: World
) -> None:
    session_id = new_session(db_app, world)
    ann = world.learners[0]
    with db_app.app_context():
        for scope, sheet in (
            (world.sibling, world.sheet),  # same tenant, other course
            (world.other_tenant, world.sheet),  # other tenant, same context id
            (world.course, world.second_sheet),  # same course, other sheet
        ):
            with pytest.raises(SessionNotFound):
                signups.book(
                    scope,
                    sheet_id=sheet,
                    session_id=session_id,
                    user_id=ann,
                    intent=Intent.CONSULTANT,
                    now=NOW,
                )
            with pytest.raises(SessionNotFound):
                signups.cancel_booking(
                    scope, sheet_id=sheet, session_id=session_id, user_id=ann, now=NOW
                )
        assert _booking_rows(db_app, session_id) == 0

        assert signups.sheet_sessions(world.sibling, world.sheet) == ()
        assert signups.sheet_sessions(world.other_tenant, world.sheet) == ()
        assert signups.sheet_sessions(world.course, world.second_sheet) == ()
        (listed,) = signups.sheet_sessions(world.course, world.sheet)
        assert listed.session.id == session_id

        with pytest.raises(signups.SheetNotFound):
            signups.create_session(world.sibling, sheet_id=world.sheet, plan=plan(), now=NOW)


def test_the_database_refuses_a_booking_whose_course_is_not_its_sessions(
    db_app: Flask, world: World
) -> None:
    """The composite foreign key (session_id, tenant_id, course_id) is the schema's own guard."""
    session_id = new_session(db_app, world)
    with pytest.raises(IntegrityError), db.write_transaction(db_app) as session:
        session.add(
            SignupBooking(
                tenant_id=world.sibling.tenant_id,
                course_id=world.sibling.course_id,
                session_id=session_id,
                user_id=world.learners[0],
                intent=Intent.CONSULTANT.value,
                status=BookingStatus.CONFIRMED.value,
                arrival=1,
            )
        )
    assert _booking_rows(db_app, session_id) == 0


def test_a_sheet_is_one_per_resource_link_and_course(db_app: Flask, world: World) -> None:
    with db_app.app_context():
        again = signups.open_sheet(
            world.course, SheetLink("link-1", "Renamed", lineitem_url="https://lms1.test/li/1"), NOW
        )
        elsewhere = signups.open_sheet(world.sibling, SheetLink("link-1", "Sign-up"), NOW)
    assert again.id == world.sheet
    assert (again.title, again.lineitem_url) == ("Renamed", "https://lms1.test/li/1")
    assert elsewhere.id not in (world.sheet, world.second_sheet)


def test_a_double_submission_books_once(db_app: Flask, world: World) -> None:
    session_id = new_session(db_app, world)
    ann = world.learners[0]
    with db_app.app_context():
        first = _book(world, session_id, ann)
        second = _book(world, session_id, ann, NOW + timedelta(seconds=1))
    assert first.outcome is second.outcome is Outcome.CONFIRMED
    assert first.booking is not None and second.booking is not None
    assert first.booking.booking_id is not None
    assert second.booking.booking_id == first.booking.booking_id
    assert second.changes == ()
    assert _booking_rows(db_app, session_id) == 1


def test_an_insert_that_meets_the_unique_constraint_writes_nothing_and_leaves_the_transaction(
    db_app: Flask, world: World
) -> None:
    """A decision made on a snapshot without Ann's booking (as a writer skipping the lock
    would) hits UNIQUE(session, user); the transaction stays usable and sees her booking."""
    session_id = new_session(db_app, world)
    ann = world.learners[0]
    with db_app.app_context():
        _book(world, session_id, ann)
    with db.write_transaction(db_app) as session:
        fresh = signups_repo.lock_session(session, world.course, session_id, world.sheet)
        stale = replace(fresh, state=SessionState())
        decision = decide_signup(stale.rules, stale.state, ann, Intent.CONSULTANT, NOW)
        with pytest.raises(BookingConflict):
            signups_repo.apply_decision(session, world.course, stale, decision, NOW)
        again = signups_repo.lock_session(session, world.course, session_id, world.sheet)
        assert [b.user_id for b in again.state.bookings] == [ann]
    assert _booking_rows(db_app, session_id) == 1


def test_a_cancellation_promotes_the_earliest_waiting_in_the_same_transaction(
    db_app: Flask, world: World
) -> None:
    session_id = new_session(db_app, world, seats=2)
    a, b, c, d = world.learners[:4]
    with db_app.app_context():
        outcomes = [_book(world, session_id, user).outcome for user in (a, b, c, d)]
        assert outcomes == [Outcome.CONFIRMED] * 2 + [Outcome.WAITLISTED] * 2
        left = signups.cancel_booking(
            world.course, sheet_id=world.sheet, session_id=session_id, user_id=a, now=NOW
        )
        assert [p.user_id for p in left.promoted] == [c]
        _, roster = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=session_id
        )
        by_user = {r.user_id: r.status for r in roster}
        assert by_user == {
            a: BookingStatus.CANCELLED,
            b: BookingStatus.CONFIRMED,
            c: BookingStatus.CONFIRMED,
            d: BookingStatus.WAITLISTED,
        }
        (summary,) = signups.sheet_sessions(world.course, world.sheet)
        assert (summary.seated, summary.waitlisted) == (2, 1)

        late = STARTS - timedelta(hours=1)  # past the cancellation deadline
        refused = signups.cancel_booking(
            world.course, sheet_id=world.sheet, session_id=session_id, user_id=b, now=late
        )
        assert refused.refusal is Refusal.PAST_CANCEL_DEADLINE
        taken_off = signups.cancel_booking(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=b,
            now=late,
            instructor_id=world.instructor,
            reason="ill",
        )
        assert taken_off.outcome is Outcome.CANCELLED
        assert taken_off.promoted == ()  # past the deadline nobody is pulled in
        _, roster = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=session_id
        )
        cancelled_by = {r.user_id: r.cancelled_by for r in roster}
        assert (cancelled_by[a], cancelled_by[b]) == (None, world.instructor)
        log = signups.session_log(world.course, sheet_id=world.sheet, session_id=session_id)
    assert [(e.action, e.actor_id, e.subject_user_id, e.reason) for e in log] == [
        (signups.INSTRUCTOR_CANCEL, world.instructor, b, "ill")
    ]


def test_an_override_beyond_capacity_is_stored_and_logged(db_app: Flask, world: World) -> None:
    session_id = new_session(db_app, world, seats=1)
    a, b = world.learners[:2]
    with db_app.app_context():
        _book(world, session_id, a)
        decision = signups.override(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=b,
            intent=Intent.CONSULTANT,
            instructor_id=world.instructor,
            reason="needs this session for the exam",
            now=NOW,
        )
        _, roster = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=session_id
        )
        log = signups.session_log(world.course, sheet_id=world.sheet, session_id=session_id)
    assert decision.outcome is Outcome.CONFIRMED and decision.overrode_capacity
    overridden = next(r for r in roster if r.user_id == b)
    assert (overridden.status, overridden.override_by) == (
        BookingStatus.CONFIRMED,
        world.instructor,
    )
    assert overridden.override_reason == "needs this session for the exam"
    (entry,) = log
    assert (entry.action, entry.actor_id, entry.subject_user_id) == (
        signups.OVERRIDE,
        world.instructor,
        b,
    )
    assert entry.detail["overrode_capacity"] is True
    with db_app.app_context():
        signups.mark_attendance(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=b,
            attended=False,
            instructor_id=world.instructor,
            now=STARTS,
        )
        _, roster = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=session_id
        )
    marked = next(r for r in roster if r.user_id == b)
    assert (marked.status, marked.override_reason) == (
        BookingStatus.NO_SHOW,
        "needs this session for the exam",
    )


def test_raising_seats_promotes_and_a_stale_edit_is_refused(db_app: Flask, world: World) -> None:
    session_id = new_session(db_app, world, seats=1)
    a, b, c = world.learners[:3]
    with db_app.app_context():
        for user in (a, b, c):
            _book(world, session_id, user)
        saved = signups.edit_session(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            plan=plan(seats=2),
            expected_version=1,
            editor_id=world.instructor,
            now=NOW,
        )
        assert saved.session is not None and saved.session.version == 2
        assert [p.user_id for p in saved.promoted] == [b]
        with pytest.raises(signups.StaleSession):
            signups.edit_session(
                world.course,
                sheet_id=world.sheet,
                session_id=session_id,
                plan=plan(seats=3),
                expected_version=1,
                editor_id=world.instructor,
                now=NOW,
            )
        bad = signups.edit_session(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            plan=plan(seats=0),
            expected_version=2,
            editor_id=world.instructor,
            now=NOW,
        )
        assert [p.field for p in bad.problems] == ["seats_max"] and bad.session is None
        (summary,) = signups.sheet_sessions(world.course, world.sheet)
        log = signups.session_log(world.course, sheet_id=world.sheet, session_id=session_id)
    assert (summary.session.plan.seats_max, summary.seated, summary.waitlisted) == (2, 2, 1)
    assert [(e.action, e.detail["seats_max"]) for e in log] == [(signups.CAPACITY_CHANGE, [1, 2])]


def test_a_move_frees_the_seat_fills_the_other_and_logs_both(db_app: Flask, world: World) -> None:
    source = new_session(db_app, world, seats=1)
    target = new_session(db_app, world, seats=1, title="Group B")
    a, b = world.learners[:2]
    with db_app.app_context():
        _book(world, source, a)
        _book(world, source, b)  # waitlisted
        moved = signups.move(
            world.course,
            sheet_id=world.sheet,
            from_session_id=source,
            to_session_id=target,
            user_id=a,
            instructor_id=world.instructor,
            reason="group balance",
            now=NOW,
        )
        log = signups.session_log(world.course, sheet_id=world.sheet, session_id=source)
        log += signups.session_log(world.course, sheet_id=world.sheet, session_id=target)
    assert not moved.refused
    assert [p.user_id for p in moved.source.promoted] == [b]
    assert moved.target.outcome is Outcome.CONFIRMED
    assert [e.action for e in log] == [signups.MOVE_OUT, signups.MOVE_IN]


def test_attendance_is_a_status_of_a_seated_booking_and_is_logged(
    db_app: Flask, world: World
) -> None:
    session_id = new_session(db_app, world, seats=1)
    a, b = world.learners[:2]
    with db_app.app_context():
        _book(world, session_id, a)
        _book(world, session_id, b)
        after = STARTS + timedelta(hours=2)
        marked = signups.mark_attendance(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=a,
            attended=True,
            instructor_id=world.instructor,
            now=after,
        )
        waiting = signups.mark_attendance(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=b,
            attended=True,
            instructor_id=world.instructor,
            now=after,
        )
        (summary,) = signups.sheet_sessions(world.course, world.sheet)
        log = signups.session_log(world.course, sheet_id=world.sheet, session_id=session_id)
    assert marked.booking is not None and marked.booking.status is BookingStatus.ATTENDED
    assert waiting.outcome is Outcome.REFUSED
    assert summary.seated == 1  # attended still holds its seat
    assert [(e.action, e.subject_user_id) for e in log] == [(signups.ATTENDANCE, a)]
    assert _scores(db_app) == []  # the sheet has no line item: no grade to send


def _scores(app: Flask) -> list[tuple[str, str, float, str, str | None]]:
    with db.transaction(app) as session:
        rows = session.scalars(select(ScoreOutboxEntry).order_by(ScoreOutboxEntry.id)).all()
        return [(r.user_sub, r.lineitem_url, r.score_given, r.status, r.comment) for r in rows]


def test_attendance_queues_the_grade_for_the_sheets_line_item_with_it(
    db_app: Flask, world: World
) -> None:
    lineitem = "https://lms1.test/lineitems/7"
    session_id = new_session(db_app, world, seats=2)
    ann = world.learners[0]
    after = STARTS + timedelta(hours=2)

    def mark(attended: bool) -> None:
        signups.mark_attendance(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=ann,
            attended=attended,
            instructor_id=world.instructor,
            now=after,
        )

    with db_app.app_context():
        signups.open_sheet(world.course, SheetLink("link-1", "Sign-up", lineitem_url=lineitem), NOW)
        _book(world, session_id, ann)
        mark(True)
        mark(True)  # unchanged: nothing queued again
        mark(False)  # corrected: the corrected grade is queued as well
    # Each mark makes one inline delivery attempt on the caller's clock (``deliver_now``); this
    # world's tenant has no platform registration, so each attempt gives up at once (a pending
    # grade superseded by a correction: tests/lti_app/test_outbox.py).
    assert _scores(db_app) == [
        ("learner-0", lineitem, 1.0, "failed", signups.ATTENDED_COMMENT),
        ("learner-0", lineitem, 0.0, "failed", signups.ABSENT_COMMENT),
    ]


def test_a_weekly_series_keeps_its_wall_time_across_dst_and_edits_keep_bookings(
    db_app: Flask, world: World
) -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    first = datetime(2027, 3, 16, 19, 0)  # DST starts on 28 March 2027
    series = SeriesPlan(first, "Europe/Amsterdam", repeat=Repeat.WEEKLY, count=4)
    template = plan(starts_at=first.replace(tzinfo=amsterdam).astimezone(ZoneInfo("UTC")))
    with db_app.app_context():
        saved = signups.create_series(
            world.course, sheet_id=world.sheet, series=series, template=template, now=NOW
        )
        assert saved.series is not None, saved.problems
        locals_ = [s.plan.starts_at.astimezone(amsterdam) for s in saved.created]
        assert [t.strftime("%m-%d %H:%M") for t in locals_] == [
            "03-16 19:00",
            "03-23 19:00",
            "03-30 19:00",
            "04-06 19:00",
        ]
        assert [s.occurrence_key for s in saved.created] == [
            "2027-03-16",
            "2027-03-23",
            "2027-03-30",
            "2027-04-06",
        ]
        booked = saved.created[1]
        _book(world, booked.id, world.learners[0])

        later = replace(series, first_local=datetime(2027, 3, 16, 20, 0))
        edited = signups.edit_series(
            world.course,
            sheet_id=world.sheet,
            series_id=saved.series.id,
            series=later,
            template=template,
            now=NOW,
        )
        assert len(edited.moved) == 4 and edited.created == edited.cancelled == ()
        moved = next(s for s in edited.moved if s.id == booked.id)
        assert moved.plan.starts_at.astimezone(amsterdam).hour == 20
        assert moved.version == 2
        assert moved.plan.cancel_deadline == moved.plan.starts_at - timedelta(days=1)
        assert [
            b.user_id
            for b in signups.my_bookings(
                world.course, sheet_id=world.sheet, user_id=world.learners[0]
            )
        ] == [world.learners[0]]

        cancelled = signups.cancel_series(
            world.course,
            sheet_id=world.sheet,
            series_id=saved.series.id,
            instructor_id=world.instructor,
            reason="term ends early",
            now=NOW,
        )
        assert len(cancelled) == 4 and all(s.cancelled for s in cancelled)
        refused = _book(world, booked.id, world.learners[1])
        assert refused.refusal is Refusal.SESSION_CANCELLED

        bad = signups.create_series(
            world.course,
            sheet_id=world.sheet,
            series=SeriesPlan(first, "Europe/Amsterdam", rrule="FREQ=WEEKLY"),
            template=template,
            now=NOW,
        )
        assert bad.series is None and [p.field for p in bad.problems] == ["rrule"]
        assert len(signups.sheet_sessions(world.course, world.sheet)) == 4


def test_a_feed_token_finds_its_course_until_revoked(db_app: Flask, world: World) -> None:
    ann = world.learners[0]
    with db.write_transaction(db_app) as session:
        signups_repo.add_feed_token(session, world.course, ann, "hash-1", NOW)
        found = signups_repo.find_feed_token(session, "hash-1", NOW)
        assert found is not None and (found.scope, found.user_id) == (world.course, ann)
        assert signups_repo.revoke_feed_tokens(session, world.sibling, ann, NOW) == 0
        assert signups_repo.revoke_feed_tokens(session, world.course, ann, NOW) == 1
        assert signups_repo.find_feed_token(session, "hash-1", NOW) is None
    with pytest.raises(IntegrityError), db.write_transaction(db_app) as session:
        signups_repo.add_feed_token(session, world.sibling, ann, "hash-1", NOW)


def test_the_minimum_size_is_judged_once_at_its_deadline_and_may_cancel(
    db_app: Flask, world: World
) -> None:
    deadline = STARTS - timedelta(days=2)
    small = new_session(db_app, world, seats_min=3, min_size_deadline=deadline)
    new_session(db_app, world, seats_min=0)  # no minimum: never due
    a, b = world.learners[:2]
    with db_app.app_context():
        _book(world, small, a)
        _book(world, small, b)
        assert signups.sessions_due_for_minimum(deadline - timedelta(seconds=1)) == ()
        (due,) = signups.sessions_due_for_minimum(deadline)
        assert (due.scope, due.sheet_id, due.session_id) == (world.course, world.sheet, small)

        verdicts = race(
            db_app,
            [lambda: signups.check_minimum_size(due, now=deadline, auto_cancel=True)] * 2,
        )
        judged = [v for v in verdicts if v is not None]
        assert len(judged) == 1 and judged[0].verdict.value == "cancel"  # one worker did it

        record, roster = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=small
        )
        log = signups.session_log(world.course, sheet_id=world.sheet, session_id=small)
        assert signups.sessions_due_for_minimum(deadline + timedelta(days=1)) == ()
    assert record.cancelled
    assert {r.status for r in roster} == {BookingStatus.CANCELLED}
    assert [(e.action, e.detail["seated"]) for e in log] == [(signups.MINIMUM_CANCEL, 2)]


def test_moderator_and_timekeeper_rotate_fairly_over_the_sheet(db_app: Flask, world: World) -> None:
    people = world.learners[:3]
    sessions = [new_session(db_app, world, starts_at=STARTS + timedelta(weeks=n)) for n in range(3)]
    moderators, timekeepers = [], []
    with db_app.app_context():
        for session_id in sessions:
            for user in people:
                _book(world, session_id, user)
            rotation = signups.rotate_roles(
                world.course, sheet_id=world.sheet, session_id=session_id, now=NOW
            )
            assert rotation.problems == ()
            record = signups.session_roster(
                world.course, sheet_id=world.sheet, session_id=session_id
            )[0]
            assert (record.moderator_id, record.timekeeper_id) == (
                rotation.assigned["moderator"],
                rotation.assigned["timekeeper"],
            )
            moderators.append(record.moderator_id)
            timekeepers.append(record.timekeeper_id)
    assert sorted(moderators) == sorted(people)  # everyone moderates once in three sessions
    assert sorted(timekeepers) == sorted(people)


def test_stable_groups_are_formed_moved_and_bound_to_their_sheet(
    db_app: Flask, world: World
) -> None:
    roster = world.learners[:7]
    with db_app.app_context():
        formed = signups.form_sheet_groups(
            world.course, sheet_id=world.sheet, roster=roster, size_min=3, size_max=4, now=NOW
        )
        assert formed.problems == ()
        assert [len(g.members) for g in formed.groups] == [4, 3]
        assert sorted(u for g in formed.groups for u in g.members) == sorted(roster)
        first, second = formed.groups
        moved = signups.move_group_member(
            world.course,
            sheet_id=world.sheet,
            user_id=first.members[0],
            to_group_id=second.id,
            size_min=3,
            size_max=4,
            now=NOW,
        )
        assert moved.problems == ()
        assert [g.id for g in moved.groups] == [first.id, second.id]  # groups keep their ids
        assert first.members[0] in moved.groups[1].members
        too_small = signups.move_group_member(
            world.course,
            sheet_id=world.sheet,
            user_id=moved.groups[0].members[0],
            to_group_id=second.id,
            size_min=3,
            size_max=5,
            now=NOW,
        )
        assert too_small.problems and too_small.groups == moved.groups
        saved = signups.create_session(
            world.course, sheet_id=world.sheet, plan=plan(), now=NOW, group_id=second.id
        )
        assert saved.session is not None and saved.session.group_id == second.id
        with pytest.raises(signups.SheetNotFound):  # the sheet is not in the sibling course
            signups.form_sheet_groups(
                world.sibling, sheet_id=world.sheet, roster=roster, size_min=3, size_max=4, now=NOW
            )
    # A group of one sheet cannot hold a session of another (composite foreign key).
    with pytest.raises(IntegrityError), db_app.app_context():
        signups.create_session(
            world.course, sheet_id=world.second_sheet, plan=plan(), now=NOW, group_id=second.id
        )


def test_names_are_read_only_for_people_of_the_courses_platform(
    db_app: Flask, world: World
) -> None:
    ann, bob, cid = world.learners[:3]
    with db.transaction(db_app) as session:
        session.get(LtiUser, ann).name = "Ann Example"  # type: ignore[union-attr]
        session.get(LtiUser, cid).name = "   "  # type: ignore[union-attr]
        stranger = LtiUser(issuer="https://lms2.test", sub="eve", name="Eve Elsewhere")
        session.add(stranger)
        session.flush()
        eve = stranger.id
    with db_app.app_context():
        assert signups.person_names(world.course, [ann, bob, cid, eve]) == {ann: "Ann Example"}
        assert signups.person_names(world.other_tenant, [ann, eve]) == {eve: "Eve Elsewhere"}
        assert signups.person_names(world.course, []) == {}


def test_a_waitlist_place_and_the_private_feed_show_only_ones_own_bookings(
    db_app: Flask, world: World
) -> None:
    full = new_session(db_app, world, seats=1)
    other = new_session(db_app, world, seats=4, starts_at=STARTS + timedelta(days=1))
    a, b, c = world.learners[:3]
    with db_app.app_context():
        for user in (a, b, c):
            _book(world, full, user)
        _book(world, other, c)
        _book(world, other, a)
        assert signups.waitlist_positions(world.course, sheet_id=world.sheet, user_id=c) == {
            full: 2
        }
        assert signups.waitlist_positions(world.course, sheet_id=world.sheet, user_id=a) == {}
        assert (
            signups.waitlist_positions(world.course, sheet_id=world.second_sheet, user_id=c) == {}
        )

        token = signups.new_feed_token(world.course, user_id=c, now=NOW)
        feed = signups.open_feed(token, NOW)
        assert feed is not None and (feed.scope, feed.user_id) == (world.course, c)
        assert [(s.id, b.user_id, b.status) for s, b in feed.entries] == [
            (full, c, BookingStatus.WAITLISTED),
            (other, c, BookingStatus.CONFIRMED),
        ]
        assert signups.open_feed(token + "x", NOW) is None

        renewed = signups.new_feed_token(world.course, user_id=c, now=NOW)
        assert renewed != token and signups.open_feed(token, NOW) is None
        assert signups.open_feed(renewed, NOW) is not None
        assert signups.revoke_feed(world.course, user_id=c, now=NOW) == 1
        assert signups.open_feed(renewed, NOW) is None


def test_a_group_attends_its_own_sessions_and_an_override_may_seat_anyone(
    db_app: Flask, world: World
) -> None:
    with db_app.app_context():
        formed = signups.form_sheet_groups(
            world.course, sheet_id=world.sheet, roster=world.learners[:6], size_min=3,
            size_max=3, now=NOW,
        )  # fmt: skip
        first, second = formed.groups
        saved = signups.create_session(
            world.course, sheet_id=world.sheet, plan=plan(), now=NOW, group_id=first.id
        )
        assert saved.session is not None
        session_id = saved.session.id
        member, stranger = first.members[0], second.members[0]
        assert _book(world, session_id, member).outcome is Outcome.CONFIRMED
        refused = _book(world, session_id, stranger)
        assert refused.refusal is Refusal.NOT_IN_GROUP and refused.booking is None
        outsider = _book(world, session_id, world.learners[10])  # in no group at all
        assert outsider.refusal is Refusal.NOT_IN_GROUP
        # Membership is read when booking: moved into the group, the stranger may sign up.
        signups.move_group_member(
            world.course, sheet_id=world.sheet, user_id=stranger, to_group_id=first.id,
            size_min=2, size_max=4, now=NOW,
        )  # fmt: skip
        assert _book(world, session_id, stranger).outcome is Outcome.CONFIRMED
        seated = signups.override(
            world.course,
            sheet_id=world.sheet,
            session_id=session_id,
            user_id=world.learners[10],
            intent=Intent.CONSULTANT,
            instructor_id=world.instructor,
            reason="visiting from another group",
            now=NOW,
        )
        log = signups.session_log(world.course, sheet_id=world.sheet, session_id=session_id)
        open_session = new_session(db_app, world)
        assert _book(world, open_session, world.learners[10]).outcome is Outcome.CONFIRMED
    assert seated.outcome is Outcome.CONFIRMED
    assert [(e.action, e.subject_user_id, e.reason) for e in log] == [
        (signups.OVERRIDE, world.learners[10], "visiting from another group")
    ]
    assert _booking_rows(db_app, session_id) == 3


def _series_world(db_app: Flask, world: World) -> tuple[int, list[signups.SessionRecord]]:
    """A weekly series of four, seats 1: the first started an hour ago (booked before), the
    second and fourth have one seated and one waiting, the third was edited on its own."""
    earlier = NOW - timedelta(days=2)
    first = NOW - timedelta(hours=1)
    series = SeriesPlan(first.replace(tzinfo=None), "UTC", repeat=Repeat.WEEKLY, count=4)
    with db_app.app_context():
        saved = signups.create_series(
            world.course, sheet_id=world.sheet, series=series,
            template=plan(seats=1, starts_at=first), now=earlier,
        )  # fmt: skip
        assert saved.series is not None, saved.problems
        one, two, three, four = saved.created
        _book(world, one.id, world.learners[0], now=earlier)
        for session_id, people in ((two.id, world.learners[:2]), (four.id, world.learners[2:4])):
            for user in people:
                _book(world, session_id, user)
        own = signups.edit_session(
            world.course, sheet_id=world.sheet, session_id=three.id,
            plan=replace(three.plan, title="Our own"), expected_version=three.version,
            editor_id=world.instructor, now=NOW,
        )  # fmt: skip
        assert own.session is not None and own.session.detached
        return saved.series.id, [one, two, own.session, four]


def _series_edit(
    db_app: Flask, world: World, series_id: int, template: SessionPlan, **how: object
) -> signups.SeriesSaved:
    with db_app.app_context():
        with db.transaction() as session:
            series = signups_repo.get_series(session, world.course, series_id, world.sheet).plan
        return signups.edit_series(
            world.course, sheet_id=world.sheet, series_id=series_id, series=series,
            template=template, now=NOW, editor_id=world.instructor, **how,  # type: ignore[arg-type]
        )  # fmt: skip


def _now_of(
    db_app: Flask, world: World, session_id: int
) -> tuple[signups.SessionRecord, list[tuple[int, BookingStatus]]]:
    with db_app.app_context():
        record, roster = signups.session_roster(
            world.course, sheet_id=world.sheet, session_id=session_id
        )
    return record, [(b.user_id, b.status) for b in roster]


def test_a_series_edit_gives_title_place_seats_and_duration_to_the_following_sessions(
    db_app: Flask, world: World
) -> None:
    series_id, (one, two, three, four) = _series_world(db_app, world)
    template = replace(
        two.plan, title="Renamed", place="Room 2.01", online_url="https://meet.test/x",
        seats_max=3, seats_min=1, case_bringer_places=1, duration=timedelta(minutes=120),
        cancel_deadline=two.plan.starts_at - timedelta(hours=12),
    )  # fmt: skip
    edited = _series_edit(db_app, world, series_id, template)
    assert edited.problems == () and edited.moved == edited.created == edited.cancelled == ()
    assert sorted(r.id for r in edited.updated) == [two.id, four.id]
    assert sorted(b.user_id for b in edited.promoted) == [world.learners[1], world.learners[3]]
    for before, waiting in ((two, world.learners[1]), (four, world.learners[3])):
        after, roster = _now_of(db_app, world, before.id)
        assert after.version == before.version + 1  # calendars see the change
        assert after.plan == replace(
            template,
            starts_at=before.plan.starts_at,
            cancel_deadline=before.plan.starts_at - timedelta(hours=12),
        )
        assert (waiting, BookingStatus.CONFIRMED) in roster  # raised seats promote FIFO
        with db_app.app_context():
            log = signups.session_log(world.course, sheet_id=world.sheet, session_id=before.id)
        assert [(e.action, e.actor_id) for e in log] == [
            (signups.CAPACITY_CHANGE, world.instructor)
        ]
    for untouched in (one, three):  # started; edited on its own
        after, _ = _now_of(db_app, world, untouched.id)
        assert after == untouched


def test_this_and_following_leaves_earlier_sessions_and_lowering_seats_unseats_nobody(
    db_app: Flask, world: World
) -> None:
    series_id, (one, two, three, four) = _series_world(db_app, world)
    raised = _series_edit(
        db_app, world, series_id, replace(four.plan, seats_max=2),
        edit_scope=EditScope.THIS_AND_FOLLOWING, from_key=four.occurrence_key,
    )  # fmt: skip
    assert [r.id for r in raised.updated] == [four.id]
    assert _now_of(db_app, world, two.id)[0] == two
    lowered = _series_edit(
        db_app, world, series_id, replace(four.plan, title="Smaller", seats_max=1),
        edit_scope=EditScope.THIS_AND_FOLLOWING, from_key=four.occurrence_key,
    )  # fmt: skip
    assert lowered.promoted == ()
    after, roster = _now_of(db_app, world, four.id)
    assert after.plan.title == "Smaller" and after.plan.seats_max == 1
    assert after.version == four.version + 2
    assert sorted(roster) == [
        (world.learners[2], BookingStatus.CONFIRMED),
        (world.learners[3], BookingStatus.CONFIRMED),
    ]
