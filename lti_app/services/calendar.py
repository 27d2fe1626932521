"""Calendar data for sign-ups: one booking as an .ics download, a person's private feed.

What a calendar app keeps is one event per session, so an update replaces it instead of adding
a second one (mod_booking's duplicate events, research §1.2):

- ``UID`` is the session's, ``signup-session-<id>@<tool host>``: the same in the download and
  the feed, before and after every edit.
- ``SEQUENCE`` is the session's ``version``, which grows with every edit and cancellation, so
  the app takes the newer copy. (Canvas sends 0 for ever.)
- Times are UTC (``...Z``); calendar apps show them in the reader's own zone.
- A cancelled session or booking stays in the data as ``STATUS:CANCELLED`` (a single download
  of it is ``METHOD:CANCEL``), so the app removes the event rather than keeping a stale one.
- Reminders are ``VALARM``: a day and an hour before.

Privacy (research §3, design principle 6 and mod_organizer #79): the data is about the person
who asked, never a course event: no other participant's name, no roster, no case content. The
builders below take only the session's plan, the person's own booking and the names of the
method and sheet, so nothing else can leak into the bytes.

The builders are pure (records in, bytes out); the functions at the end load the records of
one person in one course. Feed tokens are ``services.signups``' (``new_feed_token``,
``revoke_feed``, ``open_feed``: only the token's SHA-256 is stored).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import BookingStatus
from lti_app.i18n import gettext
from lti_app.i18n.formatting import format_instant
from lti_app.services import signups
from lti_app.storage import db, signups_repo
from lti_app.storage.signups_repo import BookingRecord, SessionRecord

PRODID = "-//Intervision//Session sign-ups//EN"
REMINDERS = (timedelta(days=1), timedelta(hours=1))
FEED_REFRESH = timedelta(hours=1)
MAX_TOKEN_LENGTH = 200
CONTENT_TYPE = "text/calendar; charset=utf-8"

MethodName = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One person's booking of one session, with the words to describe it (no people)."""

    booking: BookingRecord
    session: SessionRecord
    method_name: str | None = None
    sheet_url: str | None = None  # where the sheet opens in the LMS, when known

    @property
    def cancelled(self) -> bool:
        return self.session.cancelled or self.booking.status is BookingStatus.CANCELLED

    @property
    def waitlisted(self) -> bool:
        return self.booking.status is BookingStatus.WAITLISTED


def session_uid(session_id: int, host: str) -> str:
    """The event's UID: one per session, stable across edits, downloads and feeds."""
    return f"signup-session-{session_id}@{host}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def when_line(entry: CalendarEntry) -> str:
    """The start in the session's own zone and the reader's language: calendar apps move the
    event into the reader's zone, the text keeps the organiser's wall time."""
    plan = entry.session.plan
    start = format_instant(plan.starts_at, "long_weekday_datetime", tz=plan.timezone or "UTC")
    return str(gettext("When: %(when)s (%(zone)s)", when=start, zone=plan.timezone or "UTC"))


def _description(entry: CalendarEntry) -> str:
    """In the language of the request (the download's launch; the feed's calendar app's
    Accept-Language, else the deployment's default)."""
    plan = entry.session.plan
    lines: list[str] = []
    if entry.cancelled:
        lines.append(
            gettext("This session was cancelled.")
            if entry.session.cancelled
            else gettext("You cancelled this booking (or it was cancelled for you).")
        )
    elif entry.waitlisted:
        lines.append(gettext("You are on the waitlist: you get a place if one becomes free."))
    lines.append(when_line(entry))
    if entry.method_name:
        lines.append(gettext("Method: %(method)s", method=entry.method_name))
    if plan.place and plan.online_url:
        lines.append(gettext("Online: %(url)s", url=plan.online_url))
    if entry.sheet_url:
        lines.append(gettext("Open the sign-up sheet: %(url)s", url=entry.sheet_url))
    return "\n".join(str(line) for line in lines)


def event_for(entry: CalendarEntry, host: str, now: datetime) -> Event:
    """The VEVENT of one booking: what the session is, when, where; nothing about others."""
    plan = entry.session.plan
    event = Event()
    event.add("uid", session_uid(entry.session.id, host))
    event.add("sequence", entry.session.version)
    event.add("dtstamp", _utc(now))
    event.add("last-modified", _utc(entry.booking.updated_at))
    event.add("dtstart", _utc(plan.starts_at))
    event.add("dtend", _utc(plan.ends_at))
    summary = (
        plan.title if not entry.waitlisted else gettext("%(title)s (waitlist)", title=plan.title)
    )
    event.add("summary", str(summary))
    location = plan.place or plan.online_url
    if location:
        event.add("location", location)
    if plan.online_url:
        event.add("url", plan.online_url)
    description = _description(entry)
    if description:
        event.add("description", description)
    if entry.cancelled:
        event.add("status", "CANCELLED")
        event.add("transp", "TRANSPARENT")
        return event
    event.add("status", "TENTATIVE" if entry.waitlisted else "CONFIRMED")
    event.add("transp", "OPAQUE")
    for before in REMINDERS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", str(gettext("Reminder: %(title)s", title=plan.title)))
        alarm.add("trigger", -before)
        event.add_component(alarm)
    return event


def _calendar(method: str, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def booking_calendar(entry: CalendarEntry, *, host: str, now: datetime) -> bytes:
    """One booking as a file to import: ``METHOD:CANCEL`` once it is cancelled."""
    calendar = _calendar("CANCEL" if entry.cancelled else "PUBLISH")
    calendar.add_component(event_for(entry, host, now))
    return bytes(calendar.to_ical())


def feed_calendar(
    entries: Iterable[CalendarEntry], *, host: str, now: datetime, name: str
) -> bytes:
    """A person's subscription: every booking of theirs in one course, cancelled ones as
    ``STATUS:CANCELLED`` so subscribed apps drop them."""
    calendar = _calendar("PUBLISH", name)
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", FEED_REFRESH)
    for entry in sorted(entries, key=lambda e: (e.session.plan.starts_at, e.session.id)):
        calendar.add_component(event_for(entry, host, now))
    return bytes(calendar.to_ical())


# --- loading one person's bookings (``services.signups`` owns the feed tokens) -------------


def _no_method_names(_slug: str) -> str | None:
    return None


def entries_of(
    pairs: Iterable[tuple[SessionRecord, BookingRecord]],
    method_name: MethodName = _no_method_names,
) -> tuple[CalendarEntry, ...]:
    """Calendar entries of one person's (session, own booking) pairs."""
    return tuple(
        CalendarEntry(
            booking,
            record,
            method_name=method_name(record.plan.method) if record.plan.method else None,
        )
        for record, booking in pairs
    )


def booking_entry(
    scope: CourseScope, user_id: int, booking_id: int, method_name: MethodName = _no_method_names
) -> CalendarEntry | None:
    """This person's own booking ``booking_id`` in this course; None for anyone else's."""
    with db.transaction() as session:
        pairs = signups_repo.person_sessions(session, scope, user_id)
    mine = [(record, booking) for record, booking in pairs if booking.id == booking_id]
    return next(iter(entries_of(mine, method_name)), None)


def feed_entries(
    token: str, now: datetime, method_name: MethodName = _no_method_names
) -> tuple[CalendarEntry, ...] | None:
    """What the feed of ``token`` holds (its person's bookings in its course, through
    ``signups.open_feed``); None when the token is unknown or revoked."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    feed = signups.open_feed(token, now)
    return entries_of(feed.entries, method_name) if feed is not None else None
