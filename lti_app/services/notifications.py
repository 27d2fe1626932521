"""Notices about sign-ups: in the tool always, by email when it can be sent; each at most once.

Two steps, both safe to run on several machines at once:

1. :func:`schedule_due` finds who should hear about what (a reminder a day before each
   confirmed booking, a session that changed after they booked, a session that was cancelled)
   (what each person booked is kept as a silent ``booked`` record: a change is a version
   above it), and makes one notification per (person, session, kind, session version): the
   dedupe key refuses a second one, however many workers find the same thing at once.
2. :func:`deliver_due` claims due notifications one at a time with a lease and emails them
   when the platform shared an address and ``INTERVISION_SMTP_URL`` is set; otherwise the
   in-tool notice is all there is. ``sent_at`` closes the row, so nothing is emailed twice: a
   worker that dies while sending leaves its row to be closed as ``interrupted``, not resent.

A seat given from a waitlist is told in the transaction that gives it: every promoting path of
``services.signups`` (a sign-up's cancellation, an instructor taking someone off, moving,
overriding, raising seats of a session or a series) calls :func:`add_in_transaction` with the
promoted people, so the notice commits or rolls back with the seat, whoever called the service.
:func:`schedule_due` still records who it sees waiting and tells a seat to anyone recorded
waiting who has no ``promoted`` notice yet: a net for a promotion written some other way.

The words are made from the session's plan only (title, time, place, method): never another
participant's name, never case content; the same text is the in-tool notice.
"""

from __future__ import annotations

import email.policy
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, has_app_context

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.booking import BookingStatus
from lti_app.domain.signups.timezones import zone
from lti_app.i18n import gettext, ngettext, use_locale
from lti_app.i18n.formatting import format_instant
from lti_app.i18n.marking import N_
from lti_app.storage import db, launch_rows_repo, notifications_repo, signups_repo
from lti_app.storage.notifications_repo import (
    EMAIL_FAILED,
    EMAIL_NONE,
    EMAIL_SENT,
    Candidate,
    NewNotice,
)

# What the in-tool notices pages get back: re-exported, so views import this module only.
from lti_app.storage.notifications_repo import NoticeRecord as NoticeRecord
from lti_app.storage.signups_repo import DbSession, SessionRecord

log = logging.getLogger(__name__)

BOOKED = "booked"  # silent: the version a person booked, what a change is told against
WAITING = "waiting"  # silent: the person was seen on the waitlist (a later seat: PROMOTED)
REMINDER = "reminder"
SILENT = frozenset({BOOKED, WAITING})
CHANGED = "changed"
CANCELLED = "cancelled"
PROMOTED = "promoted"

REMINDER_LEAD = timedelta(hours=24)
LEASE = timedelta(minutes=2)
SMTP_TIMEOUT_SECONDS = 20.0
MAX_ATTEMPTS = 8
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=2)


# --- words -------------------------------------------------------------------------------------


def when_text(record: SessionRecord) -> str:
    """The start in the session's own zone, with the zone named, in the language in force:
    "Wednesday 3 March 2027, 18:00 (Europe/Amsterdam)", "woensdag 3 maart 2027, 18:00 (...)",
    "Mittwoch, 3. März 2027, 18:00 (...)"."""
    plan = record.plan
    label = plan.timezone if zone(plan.timezone) is not None else "UTC"
    start = format_instant(plan.starts_at, "long_weekday_datetime", tz=label)
    return f"{start} ({label})"


def _details(record: SessionRecord) -> list[str]:
    plan = record.plan
    lines = [
        " ".join(plan.title.split()),
        gettext("When: %(when)s", when=when_text(record)),
        gettext("Length: %(length)s", length=_minutes(plan.duration)),
    ]
    if plan.place:
        lines.append(gettext("Where: %(place)s", place=plan.place))
    if plan.online_url:
        lines.append(gettext("Online: %(url)s", url=plan.online_url))
    return [str(line) for line in lines]


def _minutes(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    return str(ngettext("%(num)d minute", "%(num)d minutes", minutes))


FOOTER = N_(
    "You get this message because you signed up for this session in your course. "
    "Open the sign-up sheet in your course to see or change your booking."
)


@contextmanager
def _language(locale: str | None) -> Iterator[None]:
    """The notice's language: ``locale`` (the person's, kept from their last launch that
    named one), else the deployment's default (``INTERVISION_DEFAULT_LOCALE``); never the
    language of the request it is made in (a cancellation promoting someone else)."""
    with use_locale(locale) if has_app_context() else nullcontext():
        yield


def compose(kind: str, record: SessionRecord, locale: str | None = None) -> tuple[str, str]:
    """Subject and plain-text body of one kind of notice about one session, in ``locale``
    (default: the deployment's language; see :func:`_language`)."""
    with _language(locale):
        title, when = record.plan.title, when_text(record)
        if kind == REMINDER:
            subject = gettext("Reminder: %(title)s, %(when)s", title=title, when=when)
            intro = gettext("Your intervision session is coming up.")
        elif kind == CHANGED:
            subject = gettext("Changed: %(title)s, now %(when)s", title=title, when=when)
            intro = gettext("A session you signed up for was changed. This is how it is now:")
        elif kind == CANCELLED:
            subject = gettext("Cancelled: %(title)s, %(when)s", title=title, when=when)
            intro = gettext(
                "A session you signed up for was cancelled. Choose another one on the sheet."
            )
        elif kind == BOOKED:
            subject = gettext("Booked: %(title)s, %(when)s", title=title, when=when)
            intro = gettext("You signed up for this session.")
        elif kind == WAITING:
            subject = gettext("On the waitlist: %(title)s, %(when)s", title=title, when=when)
            intro = gettext("You are on the waitlist of this session.")
        elif kind == PROMOTED:
            subject = gettext("You have a place: %(title)s, %(when)s", title=title, when=when)
            intro = gettext(
                "A place became free and it is yours now: you are no longer on the waitlist."
            )
        else:
            raise ValueError(f"unknown notice kind {kind!r}")
        footer = gettext(FOOTER)
        body = "\n".join([str(intro), "", *_details(record), "", str(footer), ""])
    return " ".join(str(subject).split())[:250], body  # one line, whatever the title holds


def footer_text(locale: str | None = None) -> str:
    """The e-mail's last paragraph as :func:`compose` writes it (the in-tool notice drops it)."""
    with _language(locale):
        return str(gettext(FOOTER))


# --- step 1: making notices --------------------------------------------------------------------


SessionLookup = Callable[[CourseScope, int], SessionRecord]


def _notices(
    lookup: SessionLookup,
    candidates: Iterable[Candidate],
    kind: str,
    now: datetime,
    silent: bool = False,
    session: DbSession | None = None,
) -> list[NewNotice]:
    """The notices for these candidates, worded from each session's current record, each in
    its person's language (kept from their last launch that named one; else the deployment's
    default)."""
    records: dict[tuple[CourseScope, int], SessionRecord] = {}
    made = []
    candidates = list(candidates)
    locales = (
        launch_rows_repo.user_locales(session.connection(), [c.user_id for c in candidates])
        if session is not None and not silent
        else {}
    )
    for candidate in candidates:
        key = (candidate.scope, candidate.session_id)
        if key not in records:
            records[key] = lookup(candidate.scope, candidate.session_id)
        record = records[key]
        subject, body = compose(kind, record, locales.get(candidate.user_id))
        made.append(
            NewNotice(
                scope=candidate.scope,
                user_id=candidate.user_id,
                session_id=record.id,
                kind=kind,
                version=record.version,
                subject=subject,
                body=body,
                scheduled_for=now,
                silent=silent,
            )
        )
    return made


@dataclass
class ScheduleReport:
    made: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.made.values())


def schedule_due(
    now: datetime, *, lead: timedelta = REMINDER_LEAD, limit: int = 500, app: Flask | None = None
) -> ScheduleReport:
    """Make the notices that are due now: first the silent records of who booked (and who
    waits), then seats for those seen waiting, reminders ``lead`` before each confirmed
    booking, changes since someone booked, cancellations. Each kind in its own short
    transaction; the dedupe key makes a second worker's identical rows a no-op."""
    report = ScheduleReport()
    for kind in (BOOKED, WAITING, PROMOTED, REMINDER, CHANGED, CANCELLED):
        with db.write_transaction(app) as session:
            if kind == BOOKED:
                found = notifications_repo.unseen_bookings(session, BOOKED, now, limit)
            elif kind == WAITING:
                found = notifications_repo.unseen_bookings(
                    session, WAITING, now, limit, statuses=[BookingStatus.WAITLISTED.value]
                )
            elif kind == PROMOTED:
                found = notifications_repo.promotion_candidates(session, kind, WAITING, now, limit)
            elif kind == REMINDER:
                found = notifications_repo.reminder_candidates(session, kind, now, lead, limit)
            elif kind == CHANGED:
                found = notifications_repo.change_candidates(session, kind, BOOKED, now, limit)
            else:
                found = notifications_repo.cancellation_candidates(session, kind, now, limit)

            def lookup(scope: CourseScope, session_id: int) -> SessionRecord:
                return signups_repo.get_session(session, scope, session_id)

            silent = kind in SILENT
            notices = _notices(lookup, found, kind, now, silent=silent, session=session)
            made = notifications_repo.add_notices(session, notices, now)
            if not silent:
                report.made[kind] = made
    return report


def add_in_transaction(
    session: DbSession,
    record: SessionRecord,
    scope: CourseScope,
    user_ids: Iterable[int],
    kind: str,
    now: datetime,
) -> int:
    """Notices of ``kind`` about this session (at ``record``'s version) for these people, in
    the caller's transaction: they commit with what they tell, or not at all. Made once per
    person, session, kind and version (the dedupe key); how many were new."""
    candidates = [Candidate(scope, user_id, record.id, 0) for user_id in user_ids]
    if not candidates:
        return 0
    notices = _notices(
        lambda _scope, _id: record, candidates, kind, now, silent=kind in SILENT, session=session
    )
    return notifications_repo.add_notices(session, notices, now)


def notify(
    scope: CourseScope,
    *,
    session_id: int,
    user_ids: Iterable[int],
    kind: str,
    now: datetime,
    app: Flask | None = None,
) -> int:
    """Tell these people about this session now, in a transaction of its own; made once per
    person, session version and kind. A ``PROMOTED`` notice stops :func:`schedule_due` from
    making its own for that person and session."""
    with db.write_transaction(app) as session:
        record = signups_repo.get_session(session, scope, session_id)
        return add_in_transaction(session, record, scope, user_ids, kind, now)


def unread_notices(scope: CourseScope, user_id: int, now: datetime) -> list[NoticeRecord]:
    """The person's notices in this course not yet read (for a notices list in the tool)."""
    with db.transaction() as session:
        return notifications_repo.unread(session, scope, user_id, now)


def mark_read(scope: CourseScope, user_id: int, notice_ids: Iterable[int], now: datetime) -> int:
    with db.write_transaction() as session:
        return notifications_repo.mark_read(session, scope, user_id, list(notice_ids), now)


# --- step 2: email -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: bool  # smtps: TLS from the first byte
    username: str | None
    password: str | None
    sender: str

    @classmethod
    def from_url(cls, url: str, sender: str) -> SmtpSettings:
        parts = urlsplit(url)
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if tls else 25),
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=sender,
        )


def smtp_settings(app: Flask | None = None) -> SmtpSettings | None:
    config = (app or current_app).config
    url = config.get("SMTP_URL")
    return SmtpSettings.from_url(url, config["SMTP_FROM"]) if url else None


class PermanentFailure(Exception):
    """The server refused this message for good (5xx), or it cannot be written."""


MAIL_POLICY = email.policy.SMTP.clone(max_line_length=998)
"""RFC 5322's hard line limit, not the 78-character folding: Python folds a subject a little
over 78 characters by moving all of it to a continuation line, which readers then show with a
leading space ("Subject:\r\n You have a place: ...")."""


def message_for(notice: notifications_repo.ClaimedNotice, settings: SmtpSettings) -> EmailMessage:
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = settings.sender
    message["To"] = notice.email
    message["Subject"] = notice.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid("notice", settings.sender.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(notice.body)
    return message


def send_email(settings: SmtpSettings, message: EmailMessage) -> None:
    """One message over one connection; raises :class:`PermanentFailure` on a 5xx refusal,
    anything else (network, 4xx) is worth a retry."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.tls:
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        if not settings.tls:
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            elif settings.username:
                raise PermanentFailure("the server offers no STARTTLS; not sending a password")
        if settings.username:
            client.login(settings.username, settings.password or "")
        try:
            client.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _ in refused.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"recipient refused ({codes})") from refused
            raise
        except smtplib.SMTPResponseException as answer:
            if 500 <= answer.smtp_code < 600:
                raise PermanentFailure(f"refused: {answer.smtp_code}") from answer
            raise


def retry_delay(attempts: int) -> timedelta:
    delay: timedelta = RETRY_BASE * (2 ** max(min(attempts - 1, 10), 0))
    return min(delay, RETRY_CAP)


@dataclass
class DeliveryReport:
    emailed: list[int] = field(default_factory=list)
    in_tool_only: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    interrupted: int = 0

    @property
    def handled(self) -> int:
        return len(self.emailed) + len(self.in_tool_only) + len(self.retrying) + len(self.failed)


def deliver_due(
    now: datetime | None = None, *, limit: int = 200, app: Flask | None = None
) -> DeliveryReport:
    """Email due notices one claim at a time, at most ``limit`` of them."""
    settings = smtp_settings(app)
    report = DeliveryReport()
    moment = now or datetime.now(UTC)
    with db.write_transaction(app) as session:
        report.interrupted = notifications_repo.close_interrupted(session, moment)
    while report.handled < limit:
        with db.write_transaction(app) as session:
            claimed = notifications_repo.claim_next(session, moment, LEASE)
        if claimed is None:
            break
        _deliver_one(claimed, settings, moment, report, app)
    return report


def _deliver_one(
    claimed: notifications_repo.ClaimedNotice,
    settings: SmtpSettings | None,
    now: datetime,
    report: DeliveryReport,
    app: Flask | None,
) -> None:
    if settings is None or claimed.email is None:
        with db.write_transaction(app) as session:
            notifications_repo.finish(session, claimed.id, EMAIL_NONE, now)
        report.in_tool_only.append(claimed.id)
        return
    try:
        send_email(settings, message_for(claimed, settings))
    except (PermanentFailure, ValueError) as problem:  # ValueError: a header cannot be written
        log.warning("notice %s not emailed, giving up: %s", claimed.id, problem)
        with db.write_transaction(app) as session:
            notifications_repo.finish(session, claimed.id, EMAIL_FAILED, now, str(problem))
        report.failed.append(claimed.id)
        return
    except (OSError, smtplib.SMTPException) as problem:
        attempts = claimed.attempts + 1
        with db.write_transaction(app) as session:
            if attempts >= MAX_ATTEMPTS:
                notifications_repo.finish(session, claimed.id, EMAIL_FAILED, now, str(problem))
                report.failed.append(claimed.id)
            else:
                retry_at = now + retry_delay(attempts)
                notifications_repo.release(session, claimed.id, str(problem), retry_at)
                report.retrying.append(claimed.id)
        log.warning("notice %s not emailed (attempt %s): %s", claimed.id, attempts, problem)
        return
    with db.write_transaction(app) as session:
        notifications_repo.finish(session, claimed.id, EMAIL_SENT, datetime.now(UTC))
    report.emailed.append(claimed.id)
