"""Every sign-up page state in the pseudo-locale: no English left that did not come through the
catalogue (tests/support/pseudo_locale.py). What the page shows from people and the course
(names, titles, the place) is named as data; so are the dates, which Babel formats (the
``<time>`` elements) and the zone's IANA name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from icalendar import Calendar
from lxml import html as lxml_html

from lti_app.domain.signups.booking import BookingStatus, Intent
from lti_app.domain.signups.plan import SessionPlan
from lti_app.services import calendar, notifications, signups
from lti_app.storage.signups_repo import BookingRecord, SessionRecord
from lti_app.web.signups.context import SHEETS_KEY
from lti_app.web.signups.forms import COMMON_ZONES
from lti_app.web.signups.pages import method_names
from tests.support.launches import TOOL, LaunchAs
from tests.support.launches import launch_as as launch_as
from tests.support.pseudo_locale import PSEUDO_LAUNCH_CLAIMS, assert_lang, assert_translated
from tests.support.signup_people import Person, person, soon, wall

STAMP = re.compile(r"\(([^()]*\d{2}:\d{2})\)")
TITLE = "Intervision, group A"
PLACE = "Room 1.12"
ZONES = tuple(name.replace("_", " ") for name in COMMON_ZONES)
"""The zone choices: IANA names, the same in every language."""
DATA = (TITLE, PLACE, "UTC", "Practice round", "Course course-42", *ZONES)


def pseudo_person(app: Flask, launch_as: LaunchAs, role: str, user_id: str) -> Person:
    return person(app, launch_as, role, user_id, extra_claims=PSEUDO_LAUNCH_CLAIMS)


@pytest.fixture
def trainer(app: Flask, launch_as: LaunchAs) -> Person:
    return pseudo_person(app, launch_as, "instructor", "trainer")


def learners(app: Flask, launch_as: LaunchAs, count: int) -> list[Person]:
    return [pseudo_person(app, launch_as, "learner", f"learner-{n}") for n in range(count)]


def names(people: Iterable[Person]) -> list[str]:
    return [p.launched.launch.user.name or "" for p in people]


def times(page: str) -> list[str]:
    """The dates and times on the page: Babel's, in the locale's format, not catalogue words."""
    document = lxml_html.document_fromstring(page)
    found = [element.text_content() for element in document.iter("time")]
    for option in document.iter("option"):  # "<title> (<start>)" in the move form
        found += STAMP.findall(option.text_content())
    return found


METHODS: list[str] = []
"""The course catalogue's method names (course content, translated with the course)."""


@pytest.fixture(autouse=True)
def _methods(app: Flask) -> None:
    with app.test_request_context():
        METHODS[:] = method_names().values()


def check(page: str, what: str, *data: str) -> None:
    assert_lang(page, "en-001")
    assert_translated(page, data=[*DATA, *METHODS, *data, *times(page)], what=what)


def sheet_id(who: Person) -> int:
    with who.client.session_transaction(TOOL + "/") as held:
        return int(held[SHEETS_KEY][who.launched.launch_id][0])


def test_the_learner_sheet_and_session_open_full_waitlisted_booked_and_refused(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    ann, bob, cat = learners(app, launch_as, 3)
    everyone = names([trainer, ann, bob, cat])
    check(ann.page("/"), "learner sheet, no sessions", *everyone)
    open_one = trainer.create(title=TITLE, seats_max="1", case_bringer_places="0")
    later = soon(days=9)
    trainer.create(
        title=TITLE,
        starts_at=wall(later),
        seats_max="3",
        case_bringer_places="1",
        signup_opens_at=wall(later - timedelta(days=1)),
    )
    check(ann.page("/"), "learner sheet, open", *everyone)
    check(ann.page(f"/sessions/{open_one}/"), "learner session page, open", *everyone)
    ann.follow(ann.book(open_one))
    check(ann.follow(ann.book(open_one)), "learner sheet, booked (flash)", *everyone)
    check(ann.page(f"/sessions/{open_one}/"), "learner session page, booked", *everyone)
    check(bob.page("/"), "learner sheet, full", *everyone)
    check(bob.follow(bob.book(open_one)), "learner sheet, waitlisted (flash)", *everyone)
    check(bob.page(f"/sessions/{open_one}/"), "learner session page, waitlisted", *everyone)
    check(ann.follow(ann.leave(open_one)), "learner sheet, cancelled (flash)", *everyone)
    check(cat.follow(cat.leave(open_one)), "a refusal (flash)", *everyone)


def planned(
    app: Flask, trainer: Person, starts_at: datetime, seated: Iterable[Person], **plan: object
) -> int:
    """A session planned and booked through the service three days ago (the form rightly
    refuses a past start or deadline)."""
    trainer.page("/")  # the sheet, made on its first page
    scope = trainer.launched.launch.scope
    assert scope is not None
    earlier = datetime.now(UTC) - timedelta(days=3)
    fields: dict[str, object] = {
        "title": TITLE, "method": None, "starts_at": starts_at,
        "duration": timedelta(minutes=90), "timezone": "UTC", "place": PLACE, "seats_max": 4,
        "case_bringer_places": 1, **plan,
    }  # fmt: skip
    with app.app_context():
        saved = signups.create_session(
            scope,
            sheet_id=sheet_id(trainer),
            plan=SessionPlan(**fields),
            now=earlier,  # type: ignore[arg-type]
        )
        assert saved.session is not None, saved.problems
        for who, intent in zip(seated, (Intent.CASE_BRINGER, Intent.CONSULTANT), strict=False):
            signups.book(
                scope, sheet_id=sheet_id(trainer), session_id=saved.session.id,
                user_id=who.launched.launch.user.id, intent=intent, now=earlier,
            )  # fmt: skip
        return saved.session.id


def test_the_learner_pages_past_the_cancel_deadline(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    (ann,) = learners(app, launch_as, 1)
    now = datetime.now(UTC)
    session_id = planned(
        app, trainer, now + timedelta(days=2), [ann], cancel_deadline=now - timedelta(hours=1)
    )
    page = ann.page(f"/sessions/{session_id}/")
    assert "⟦" in page.split('id="my-booking"', 1)[1].split("</section>", 1)[0]
    check(page, "learner session page, cancel deadline passed", *names([trainer, ann]))
    check(ann.page("/"), "learner sheet, cancel deadline passed", *names([trainer, ann]))


def test_the_instructor_sheet_session_forms_roster_and_attendance(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    ann, bob, cat = learners(app, launch_as, 3)
    everyone = names([trainer, ann, bob, cat])
    check(trainer.page("/"), "instructor sheet, no sessions", *everyone)
    check(trainer.page("/sessions/new"), "the session and series form", *everyone)
    bad = trainer.post("/sessions/new", {"title": TITLE, "timezone": "UTC", "duration": "90"})
    assert bad.status_code == 400
    check(bad.get_data(as_text=True), "the session form with errors", *everyone)
    (first, *_rest) = trainer.create_series(
        title=TITLE, seats_max="2", case_bringer_places="1", repeat="weekly", count="3"
    )
    check(trainer.last_page, "instructor sheet after a series (flash)", *everyone)
    check(trainer.page(f"/sessions/{first}/edit"), "editing a series occurrence", *everyone)
    for who, intent in ((ann, "case_bringer"), (bob, "consultant"), (cat, "consultant")):
        who.book(first, intent)
    check(trainer.page("/"), "instructor sheet with bookings", *everyone)
    check(trainer.page(f"/sessions/{first}/"), "the roster", *everyone)
    taken_off = trainer.post(
        f"/sessions/{first}/remove",
        {"user_id": str(bob.launched.launch.user.id), "reason": "Asked to be moved"},
    )
    check(
        trainer.follow(taken_off), "roster after taking someone off", *everyone, "Asked to be moved"
    )
    check(ann.page(f"/sessions/{first}/"), "a seated learner sees who else", *everyone)

    now = datetime.now(UTC)
    started = planned(app, trainer, now - timedelta(hours=1), [ann, cat])
    check(trainer.page(f"/sessions/{started}/"), "attendance, not marked", *everyone)
    marked = trainer.post(
        f"/sessions/{started}/attendance",
        {"user_id": str(ann.launched.launch.user.id), "attended": "yes"},
    )
    check(trainer.follow(marked), "attendance marked (flash, log)", *everyone)
    csv_text = trainer.get(f"/sessions/{started}/roster.csv").get_data(as_text=True)
    header = csv_text.splitlines()[0]
    assert header.count("⟦") == 5, header  # every column name from the catalogue

    planned(
        app, trainer, now + timedelta(days=3), [ann], seats_min=3,
        min_size_deadline=now - timedelta(hours=1),
    )  # fmt: skip
    check(trainer.page("/"), "instructor sheet, a session under its minimum", *everyone)
    check(trainer.page("/settings"), "sheet settings, a session under its minimum", *everyone)
    refused = trainer.post("/settings", {"timezone": "Not/AZone"})
    check(refused.get_data(as_text=True), "sheet settings with an error", *everyone, "Not/AZone")
    saved = trainer.post("/settings", {"timezone": "UTC", "cancel_under_minimum": "y"})
    check(trainer.follow(saved), "sheet settings saved (flash)", *everyone)


def test_groups_rotation_notices_and_the_calendar_feed_page(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    ann, bob, cat = learners(app, launch_as, 3)
    everyone = names([trainer, ann, bob, cat])
    check(trainer.page("/groups"), "groups page, no groups", *everyone)
    check(trainer.page("/rotation"), "rotation page, nobody yet", *everyone)
    session_id = trainer.create(title=TITLE, seats_max="1", case_bringer_places="0")
    scope = trainer.launched.launch.scope
    assert scope is not None
    with app.app_context():
        made = signups.form_sheet_groups(
            scope,
            sheet_id=sheet_id(trainer),
            roster=[p.launched.launch.user.id for p in (ann, bob, cat)],
            size_min=1,
            size_max=2,
            now=datetime.now(UTC),
        )
    group_names = [g.name for g in made.groups]
    check(trainer.page("/groups"), "groups page with groups", *everyone, *group_names)
    check(trainer.page("/rotation"), "rotation page with members", *everyone, *group_names)
    ann.book(session_id)
    rotated = trainer.post("/rotation/rotate", {})
    check(trainer.follow(rotated), "rotated fairly (flash)", *everyone, *group_names)

    bob.book(session_id)  # on the waitlist
    ann.leave(session_id)  # bob gets the seat, and a notice
    with app.app_context():
        (notice,) = notifications.unread_notices(
            scope, bob.launched.launch.user.id, datetime.now(UTC)
        )
    # The notice's words are stored as made, in the deployment's language (no person's
    # language is stored): they are data here; the frame around them is checked.
    words = [notice.subject, *notice.body.splitlines()]
    check(bob.page("/"), "learner sheet with a notice", *everyone, *words)
    check(bob.page("/notices/"), "the notices page", *everyone, *words)
    read = bob.post("/notices/read", {"notice_id": str(notice.id)})
    check(bob.follow(read), "notices marked read (flash)", *everyone)
    feed = bob.client.get(bob.launched.url("/calendar/feed"))
    assert feed.status_code == 200
    check(feed.get_data(as_text=True), "the calendar feed page", *everyone)


# --- words outside the pages: e-mails and calendar files ---------------------------------------

TUESDAY = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)  # 19:00 in Amsterdam
"""A fixed instant: the builders take it as data, no clock involved."""


def amsterdam_session() -> SessionRecord:
    plan = SessionPlan(
        title=TITLE,
        method=None,
        starts_at=TUESDAY,
        duration=timedelta(minutes=90),
        timezone="Europe/Amsterdam",
        place=PLACE,
        seats_max=4,
    )
    return SessionRecord(7, 1, plan, False, 2)


@pytest.mark.parametrize(
    ("locale", "words", "when"),
    [
        ("nl", ("Herinnering: ", "Je intervisiebijeenkomst komt eraan.", "Duur: 90 minuten"),
         "dinsdag 8 december 2026, 19:00 (Europe/Amsterdam)"),
        ("de", ("Erinnerung: ", "Ihr Termin zur Kollegialen Beratung steht bevor.",
                "Dauer: 90 Minuten"), "Dienstag, 8. Dezember 2026, 19:00 (Europe/Amsterdam)"),
    ],
)  # fmt: skip
def test_a_reminder_email_in_dutch_and_german(
    app: Flask, locale: str, words: tuple[str, ...], when: str
) -> None:
    with app.app_context():
        subject, body = notifications.compose(notifications.REMINDER, amsterdam_session(), locale)
    assert subject == f"{words[0]}{TITLE}, {when}"
    for word in words[1:]:
        assert word in body
    assert when in body and "Reminder" not in body
    with app.test_request_context(headers={"Accept-Language": locale}):
        english = notifications.compose(notifications.REMINDER, amsterdam_session())
    # Not the asking request's language: the deployment's (English here), as no person's
    # language is stored.
    assert english[0] == f"Reminder: {TITLE}, Tuesday 8 December 2026, 19:00 (Europe/Amsterdam)"
    app.config["INTERVISION_DEFAULT_LOCALE"] = locale
    with app.app_context():
        assert notifications.compose(notifications.REMINDER, amsterdam_session())[0] == subject


@pytest.mark.parametrize(
    ("locale", "waitlist", "reminder", "when"),
    [
        ("nl", "(wachtlijst)", "Herinnering: ", "Wanneer: dinsdag 8 december 2026, 19:00"),
        ("de", "(Warteliste)", "Erinnerung: ", "Wann: Dienstag, 8. Dezember 2026, 19:00"),
    ],
)
def test_a_calendar_file_in_dutch_and_german(
    app: Flask, locale: str, waitlist: str, reminder: str, when: str
) -> None:
    record = amsterdam_session()
    booking = BookingRecord(
        3, record.id, 5, Intent.CONSULTANT, BookingStatus.WAITLISTED, 1, None, None,
        TUESDAY - timedelta(days=9), TUESDAY - timedelta(days=9), None,
    )  # fmt: skip
    entry = calendar.CalendarEntry(booking, record, method_name="Balint")
    with app.test_request_context(headers={"Accept-Language": locale}):
        body = calendar.booking_calendar(entry, host="tool.test", now=TUESDAY - timedelta(days=8))
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"{TITLE} {waitlist}"
    description = str(event["DESCRIPTION"])
    assert f"{when} (Europe/Amsterdam)" in description
    assert "Methode: Balint" in description
    booking = replace(booking, status=BookingStatus.CONFIRMED)
    with app.test_request_context(headers={"Accept-Language": locale}):
        body = calendar.booking_calendar(
            calendar.CalendarEntry(booking, record), host="tool.test", now=TUESDAY
        )
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    alarms = [str(alarm["DESCRIPTION"]) for alarm in event.walk("VALARM")]
    assert alarms == [f"{reminder}{TITLE}"] * 2


def test_a_notice_is_written_in_the_language_of_the_person_it_is_for(
    app: Flask, launch_as: LaunchAs, trainer: Person
) -> None:
    """Made in someone else's request (a cancellation), in the promoted person's language as
    kept from their last launch; someone whose launches never named one: the default."""
    ann = pseudo_person(app, launch_as, "learner", "ann")
    presentation = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
    dutch = person(
        app, launch_as, "learner", "bram", extra_claims={presentation: {"locale": "nl-NL"}}
    )
    plain = person(app, launch_as, "learner", "cat")
    session_id = trainer.create(title=TITLE, seats_max="1", case_bringer_places="0")
    ann.book(session_id)
    dutch.book(session_id)
    plain.book(session_id)
    ann.leave(session_id)  # the Dutch learner is promoted, in Ann's (pseudo-locale) request
    scope = trainer.launched.launch.scope
    assert scope is not None
    with app.app_context():
        (notice,) = notifications.unread_notices(
            scope, dutch.launched.launch.user.id, datetime.now(UTC)
        )
    assert notice.subject.startswith(f"Je hebt een plek: {TITLE}, ")
    assert "Er is een plek vrijgekomen en die is nu van jou" in notice.body
    page = dutch.page("/notices/")
    assert_lang(page, "nl")
    assert "Je hebt een plek" in page
    assert "Je krijgt dit bericht" in notice.body and "Je krijgt dit bericht" not in page
    dutch.leave(session_id)  # now the one with no language kept is promoted
    with app.app_context():
        (notice,) = notifications.unread_notices(
            scope, plain.launched.launch.user.id, datetime.now(UTC)
        )
    assert notice.subject.startswith(f"You have a place: {TITLE}, ")
