"""Instructors on a sheet: planning sessions and series, bad input, editing, cancelling, and the
people in a session (attendance, override, move, CSV export); learners kept out."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import Intent
from lti_app.domain.signups.plan import SessionPlan
from lti_app.services import signups
from lti_app.services.signups import SheetLink
from lti_app.web.csv_export import csv_cell
from tests.support.future_dates import DST_SERIES_START, MAY_TUESDAY, SPRING_FORWARD, at
from tests.support.launches import LaunchAs
from tests.support.signup_people import Person, person, rename, session_fields, soon, wall


@pytest.fixture
def trainer(app: Flask, launch_as: LaunchAs) -> Person:
    return person(app, launch_as, "instructor", "trainer")


def scope_and_sheet(app: Flask, who: Person) -> tuple[CourseScope, int]:
    launch = who.launched.launch
    assert launch.scope is not None and launch.resource_link is not None
    with app.app_context():
        sheet = signups.open_sheet(
            launch.scope, SheetLink(launch.resource_link.id, launch.resource_link.title),
            datetime.now(UTC),
        )  # fmt: skip
    return launch.scope, sheet.id


def times_in(page: str) -> list[str]:
    """The wall-clock times of the sessions table, in order."""
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r", (\d\d:\d\d)</time>", table)


def test_an_instructor_plans_a_session_in_their_own_zone(trainer: Person) -> None:
    session_id = trainer.create(
        title="Kick-off", starts_at=wall(soon(hour=19)), timezone="Europe/Amsterdam",
        seats_max="6", case_bringer_places="2", place="Room 2",
    )  # fmt: skip
    page = trainer.page("/?tz=Europe/Amsterdam")
    assert f'data-session="{session_id}"' in page and "Kick-off" in page
    assert times_in(page) == ["19:00"]
    assert "6</span> of 6" in page.replace('data-seats-left="6">', "")
    detail = trainer.page(f"/sessions/{session_id}/")
    assert "2 kept for case-bringers" in detail and "Room 2" in detail


def test_a_weekly_series_keeps_its_wall_clock_time_across_daylight_saving(
    app: Flask, trainer: Person
) -> None:
    """Amsterdam moves its clocks on the last Sunday of March: 19:00 stays 19:00, UTC moves an
    hour (next year's switch, so the series is never in the past)."""
    trainer.create_series(
        title="Tuesday group", starts_at=at(DST_SERIES_START, "19:00"), timezone="Europe/Amsterdam",
        repeat="weekly", count="4",
    )  # fmt: skip
    assert "Series “Tuesday group” created with 4 sessions." in trainer.last_page
    page = trainer.page("/?tz=Europe/Amsterdam")
    assert page.count('<tr data-session="') == 4
    assert times_in(page) == ["19:00"] * 4
    scope, sheet_id = scope_and_sheet(app, trainer)
    with app.app_context():
        starts = [s.session.plan.starts_at for s in signups.sheet_sessions(scope, sheet_id)]
    assert [s.hour for s in starts] == [18, 18, 17, 17]
    assert [s.astimezone(UTC).date() for s in starts] == [
        DST_SERIES_START + timedelta(weeks=n) for n in range(4)
    ]
    assert starts[1].date() < SPRING_FORWARD < starts[2].date()


def test_a_series_from_an_rrule(trainer: Person) -> None:
    trainer.create_series(
        starts_at=at(MAY_TUESDAY, "10:00"), repeat="rrule", rrule="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4"
    )
    assert trainer.page("/").count('<tr data-session="') == 4


PAST = wall(datetime.now(UTC) - timedelta(days=1))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"starts_at": PAST}, "starts_at", "The start is in the past"),
        ({"duration": "-30"}, "duration", "must last longer than zero minutes"),
        ({"seats_max": "0"}, "seats_max", "at least one seat"),
        ({"seats_max": "3", "seats_min": "5"}, "seats_min", "is above the seats"),
        (
            {"signup_closes_at": wall(soon(days=8))},
            "signup_closes",
            "Sign-up closes after the session starts",
        ),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "is not a time zone we know"),
        ({"repeat": "rrule", "rrule": "FREQ=SOMETIMES;COUNT=3"}, "rrule", "could not be read"),
        ({"repeat": "rrule", "rrule": "FREQ=WEEKLY"}, "rrule", "The rule never ends"),
        ({"repeat": "weekly"}, "count", "how many sessions"),
        ({"title": "  "}, "title", "Give the session a title"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "must be a web address"),
        (
            {"starts_at": at(SPRING_FORWARD, "02:30"), "timezone": "Europe/Amsterdam"},
            "starts_at",
            "the clocks go forward",
        ),
    ],  # fmt: skip
)
def test_bad_input_comes_back_next_to_its_field_and_saves_nothing(
    trainer: Person, fields: dict[str, str], field: str, message: str
) -> None:
    response = trainer.post("/sessions/new", session_fields(**fields))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'role="alert"' in page and "Nothing was saved" in page
    error_list = re.search(r'<ul class="signup-field__errors" id="([a-z_]+)-error">', page)
    assert error_list is not None and error_list.group(1).startswith(field)
    assert f'aria-describedby="{error_list.group(1)}-hint {error_list.group(1)}-error"' in page or (
        f'aria-describedby="{error_list.group(1)}-error"' in page
    )
    assert trainer.session_ids() == []


def test_learners_cannot_open_instructor_pages(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    session_id = trainer.create()
    learner = person(app, launch_as, "learner", "learner-1")
    for path in (
        "/sessions/new",
        f"/sessions/{session_id}/edit",
        f"/sessions/{session_id}/roster.csv",
    ):
        assert learner.get(path).status_code == 403
    created = learner.post("/sessions/new", session_fields())
    assert created.status_code == 403
    cancel = learner.post(f"/sessions/{session_id}/cancel", {"cancel-reason": "no"})
    assert cancel.status_code == 403
    assert trainer.session_ids() == [session_id]
    assert "Plan a session" not in learner.page("/")


def test_a_post_without_the_csrf_token_is_refused(trainer: Person) -> None:
    response = trainer.post("/sessions/new", session_fields(), token=False)
    assert response.status_code == 400
    assert trainer.session_ids() == []


def test_editing_a_session_and_a_stale_edit(trainer: Person) -> None:
    session_id = trainer.create(title="Before")
    form = trainer.page(f"/sessions/{session_id}/edit")
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form)
    assert version is not None
    fields = session_fields(title="After", seats_max="4", reason="", version=version.group(1))
    assert "Session saved." in trainer.follow(trainer.post(f"/sessions/{session_id}/edit", fields))
    assert "After" in trainer.page("/")
    stale = trainer.post(f"/sessions/{session_id}/edit", {**fields, "title": "Lost"})
    assert stale.status_code == 409
    assert "Someone else changed this session" in stale.get_data(as_text=True)
    assert "Lost" not in trainer.page("/")


def test_moving_this_and_the_following_sessions_of_a_series(trainer: Person) -> None:
    first, second, third = trainer.create_series(
        starts_at=at(MAY_TUESDAY, "10:00"), repeat="weekly", count="3", timezone="UTC"
    )
    form = trainer.page(f"/sessions/{second}/edit")
    assert "Apply the change to" in form
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form)
    assert version is not None
    fields = session_fields(
        starts_at=at(MAY_TUESDAY, "11:00", weeks=1),
        version=version.group(1),
        apply_to="this_and_following",
    )
    response = trainer.post(f"/sessions/{second}/edit", fields)
    assert "2 sessions moved" in trainer.follow(response)
    assert times_in(trainer.page("/")) == ["10:00", "11:00", "11:00"]
    renamed = {
        **fields,
        "starts_at": at(MAY_TUESDAY, "11:00", weeks=2),
        "title": "Renamed",
        "seats_max": "5",
    }
    changed = trainer.post(f"/sessions/{third}/edit", {**renamed, "version": "2"})
    assert "0 sessions moved, 1 changed at its own time" in trainer.follow(changed)
    assert "Renamed" in trainer.page(f"/sessions/{third}/")
    assert "Renamed" not in trainer.page(f"/sessions/{second}/")
    whole = {
        **renamed,
        "starts_at": at(MAY_TUESDAY, "11:00", weeks=1),
        "title": "Everyone",
        "version": "2",
    }
    every = trainer.post(f"/sessions/{second}/edit", {**whole, "apply_to": "series"})
    # The whole series follows the series' time again (the first moves) and takes the title.
    assert "1 sessions moved, 2 changed at their own time" in trainer.follow(every)
    assert times_in(trainer.page("/")) == ["11:00", "11:00", "11:00"]
    assert "Renamed" not in trainer.page("/")
    assert all("Everyone" in trainer.page(f"/sessions/{i}/") for i in (first, second, third))


def test_cancelling_a_session_and_a_series(trainer: Person) -> None:
    single = trainer.create(title="Single")
    series_ids = trainer.create_series(
        title="Weekly", starts_at=at(MAY_TUESDAY, "10:00"), repeat="weekly", count="3"
    )
    refused = trainer.post(f"/sessions/{single}/cancel", {"cancel-reason": ""})
    assert refused.status_code == 400 and "a reason is required" in refused.get_data(as_text=True)
    done = trainer.follow(
        trainer.post(f"/sessions/{single}/cancel", {"cancel-reason": "Trainer ill"})
    )
    assert "is cancelled" in done
    page = trainer.follow(
        trainer.post(
            f"/sessions/{series_ids[0]}/cancel",
            {"cancel-reason": "Course moved", "cancel-whole_series": "y"},
        )
    )
    assert "3 sessions of the series are cancelled." in page
    assert page.count('status status--info">Cancelled') == 4
    log = trainer.page(f"/sessions/{single}/")
    assert "Session cancelled" in log and "Trainer ill" in log


def _started_session_with(app: Flask, trainer: Person, people: list[Person]) -> int:
    """A session that started an hour ago with ``people`` seated: planned and booked through
    the service with a ``now`` from before (the form refuses a past start, rightly)."""
    scope, sheet_id = scope_and_sheet(app, trainer)
    earlier = datetime.now(UTC) - timedelta(days=1)
    plan = SessionPlan(
        title="Last night", method=None, starts_at=datetime.now(UTC) - timedelta(hours=1),
        duration=timedelta(minutes=90), timezone="UTC", seats_max=4, case_bringer_places=1,
    )  # fmt: skip
    with app.app_context():
        saved = signups.create_session(scope, sheet_id=sheet_id, plan=plan, now=earlier)
        assert saved.session is not None
        intents = (Intent.CASE_BRINGER, Intent.CONSULTANT)
        for who, intent in zip(people, intents, strict=False):
            signups.book(scope, sheet_id=sheet_id, session_id=saved.session.id,
                         user_id=who.launched.launch.user.id, intent=intent,
                         now=earlier)  # fmt: skip
    return saved.session.id


def test_attendance_and_the_csv_export(app: Flask, launch_as: LaunchAs, trainer: Person) -> None:
    ann, bob = (person(app, launch_as, "learner", f"learner-{n}") for n in range(2))
    session_id = _started_session_with(app, trainer, [ann, bob])
    ann_name = '=HYPERLINK("https://evil.example","Ann")'
    rename(app, ann, ann_name)
    rename(app, bob, "Bob Baker")
    for who, value in ((ann, "yes"), (bob, "no")):
        response = trainer.post(
            f"/sessions/{session_id}/attendance",
            {"user_id": str(who.launched.launch.user.id), "attended": value},
        )
        assert response.status_code == 303
    page = trainer.page(f"/sessions/{session_id}/")
    assert "Attended" in page and "No-show" in page and "Attendance marked" in page

    export = trainer.get(f"/sessions/{session_id}/roster.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0] == ["Name", "Role", "Status", "Waitlist position", "Attendance"]
    assert rows[1:] == [
        ["'" + ann_name, "case-bringer", "confirmed", "", "attended"],
        ["Bob Baker", "consultant", "confirmed", "", "no-show"],
    ]  # fmt: skip


def test_a_learner_cannot_mark_attendance(app: Flask, launch_as: LaunchAs, trainer: Person) -> None:
    ann = person(app, launch_as, "learner", "learner-1")
    session_id = _started_session_with(app, trainer, [ann])
    response = ann.post(
        f"/sessions/{session_id}/attendance",
        {"user_id": str(ann.launched.launch.user.id), "attended": "yes"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ann", "Ann"),
        ("", ""),
    ],  # fmt: skip
)
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(value: str, expected: str) -> None:
    assert csv_cell(value) == expected


def test_override_beyond_capacity_is_logged_with_who_and_why(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    session_id = trainer.create(seats_max="1")
    ann, bob = (person(app, launch_as, "learner", f"learner-{n}") for n in range(2))
    ann.book(session_id)
    assert "number 1 on the waitlist" in bob.follow(bob.book(session_id))
    rename(app, bob, "Bob Baker")
    bob_id = str(bob.launched.launch.user.id)
    refused = trainer.post(
        f"/sessions/{session_id}/override",
        {"override-user_id": bob_id, "override-intent": "consultant", "override-reason": ""},
    )
    assert refused.status_code == 400 and "a reason is required" in refused.get_data(as_text=True)
    given = trainer.post(
        f"/sessions/{session_id}/override",
        {
            "override-user_id": bob_id,
            "override-intent": "consultant",
            "override-reason": "Needs it for certification",
        },
    )
    assert "beyond the session" in trainer.follow(given)
    page = trainer.page(f"/sessions/{session_id}/")
    log = page.split('id="session-log"', 1)[1]
    assert "Seat given by an instructor (beyond capacity)" in log
    assert "Needs it for certification" in log and "Bob Baker" in log
    assert "Ada Lovelace" in log  # who decided: the trainer
    assert "You have a seat as consultant" in bob.page(f"/sessions/{session_id}/")


def test_moving_someone_to_another_session(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    here_id, there_id = trainer.create(title="Here"), trainer.create(title="There")
    ann = person(app, launch_as, "learner", "learner-1")
    ann.book(here_id)
    moved = trainer.post(
        f"/sessions/{here_id}/move",
        {"move-user_id": str(ann.launched.launch.user.id), "move-to_session": str(there_id),
         "move-reason": "Swapped groups"},
    )  # fmt: skip
    assert "Moved: the person has a seat there." in trainer.follow(moved)
    assert "You have a seat as consultant" in ann.page(f"/sessions/{there_id}/")
    assert "Cancel my booking" not in ann.page(f"/sessions/{here_id}/")
    assert "Swapped groups" in trainer.page(f"/sessions/{here_id}/")


def test_moderator_and_timekeeper_chosen_or_rotated_fairly(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    session_id = trainer.create(seats_max="3")
    ann, bob = (person(app, launch_as, "learner", f"learner-{n}") for n in range(2))
    ann.book(session_id)
    bob.book(session_id)
    rename(app, ann, "Ann Archer")
    rename(app, bob, "Bob Baker")
    ann_id = str(ann.launched.launch.user.id)
    picked = trainer.post(
        f"/sessions/{session_id}/roles", {"roles-moderator": ann_id, "roles-timekeeper": ""}
    )
    page = trainer.follow(picked)
    assert "Moderator and timekeeper are set." in page
    assert "moderator Ann Archer, timekeeper Bob Baker" in page
    assert "Bob Baker · timekeeper" in page
    bob_id = str(bob.launched.launch.user.id)
    both = trainer.post(
        f"/sessions/{session_id}/roles", {"roles-moderator": bob_id, "roles-timekeeper": ann_id}
    )
    page = trainer.follow(both)
    assert "Moderator and timekeeper are set." in page
    assert "moderator Bob Baker, timekeeper Ann Archer" in page
    twice = trainer.post(
        f"/sessions/{session_id}/roles", {"roles-moderator": ann_id, "roles-timekeeper": ann_id}
    )
    assert twice.status_code == 400
    assert "already moderator" in twice.get_data(as_text=True)
    rotated = trainer.follow(
        trainer.post(
            f"/sessions/{session_id}/roles", {"roles-moderator": "", "roles-timekeeper": ""}
        )
    )
    assert "Moderator and timekeeper are set." in rotated


def test_taking_someone_off_needs_a_reason_and_promotes_the_waitlist(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    session_id = trainer.create(seats_max="1")
    ann, bob = (person(app, launch_as, "learner", f"learner-{n}") for n in range(2))
    ann.book(session_id)
    bob.book(session_id)
    ann_id = str(ann.launched.launch.user.id)
    refused = trainer.post(f"/sessions/{session_id}/remove", {"user_id": ann_id, "reason": ""})
    assert refused.status_code == 400
    assert "Nobody was taken off: Say why" in refused.get_data(as_text=True)
    done = trainer.post(f"/sessions/{session_id}/remove", {"user_id": ann_id, "reason": "Ill"})
    page = trainer.follow(done)
    assert "The booking is cancelled." in page and "1 person from the waitlist got a seat." in page
    assert "You have a seat as consultant" in bob.page(f"/sessions/{session_id}/")
    assert "Taken off the session by an instructor" in page


def test_editing_one_occurrence_leaves_it_out_of_later_series_moves(trainer: Person) -> None:
    first, second, third = trainer.create_series(
        starts_at=at(MAY_TUESDAY, "10:00"), repeat="weekly", count="3", timezone="UTC"
    )

    def edit(session_id: int, **fields: str) -> str:
        form = trainer.page(f"/sessions/{session_id}/edit")
        version = re.search(r'name="version" type="hidden" value="(\d+)"', form)
        assert version is not None
        return trainer.follow(
            trainer.post(
                f"/sessions/{session_id}/edit",
                session_fields(version=version.group(1), **fields),
            )
        )

    assert "Session saved." in edit(
        second, starts_at=at(MAY_TUESDAY, "09:00", weeks=1), apply_to="this"
    )
    moved = edit(first, starts_at=at(MAY_TUESDAY, "12:00"), apply_to="series")
    assert "2 sessions moved" in moved
    assert times_in(trainer.page("/")) == ["12:00", "09:00", "12:00"]
    assert "Apply the change to" not in trainer.page(f"/sessions/{second}/edit")
    assert third
