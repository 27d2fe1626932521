"""`intervision worker`: the tool's background work, in a loop or once (for cron).

Each tick runs, in this order, every piece of due work, each in its own short transactions:

1. minimum-size deadlines: sessions past their deadline with fewer seated than their minimum
   are flagged (``services.signups.check_minimum_size``; logged), or cancelled with every
   booking when their sheet chose so (``signup_sheet.cancel_under_minimum``, the sheet's
   settings page); the cancellation notices of step 2 then tell everyone who was booked;
2. notices: reminders a day before each confirmed booking, changed and cancelled sessions
   (``services.notifications.schedule_due``), then their emails (``deliver_due``);
3. retention: peer-feedback rounds past their retention period lose their case text and
   contribution bodies (``services.exercises.purge_due``; reflections, ratings and marks stay),
   and async rounds past their last deadline get their completion grades queued;
4. the score outbox: attendance and completion scores not yet accepted by the LMS (step 3's
   grades go out in the same tick).

Each step is isolated: one failing is logged and reported, and the others still run.
`intervision purge` runs step 3 alone, once (after lowering a retention period, say).

Several workers may run at once, on one machine or many, against one database: every piece
claims its rows (a lease, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite) and the dedupe keys make each notice once, so each email goes out at most once and
each session is judged once. SIGTERM or SIGINT ends the loop after the current tick.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from lti_app.cli_commands import require_readable_keys
from lti_app.domain.signups.minimum import MinimumVerdict
from lti_app.services import exercises, notifications, score_outbox, sheet_settings, signups

log = logging.getLogger(__name__)


@dataclass
class TickReport:
    flagged: list[int] = field(default_factory=list)  # session ids under their minimum
    cancelled: list[int] = field(default_factory=list)
    notices_made: int = 0
    notices_by_kind: dict[str, int] = field(default_factory=dict)
    delivery: notifications.DeliveryReport = field(default_factory=notifications.DeliveryReport)
    retention: exercises.PurgeReport = field(
        default_factory=lambda: exercises.PurgeReport((), (), ())
    )
    scores: score_outbox.FlushReport = field(default_factory=score_outbox.FlushReport)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        d = self.delivery
        return (
            f"minimum: {len(self.flagged)} flagged, {len(self.cancelled)} cancelled; "
            f"notices: {self.notices_made} made, {len(d.emailed)} emailed, "
            f"{len(d.in_tool_only)} in the tool only, {len(d.retrying)} retrying, "
            f"{len(d.failed)} failed; {retention_summary(self.retention)}; "
            f"scores: {len(self.scores.delivered)} delivered, "
            f"{len(self.scores.retrying)} retrying, {len(self.scores.failed)} given up"
            + (f"; problems: {len(self.problems)}" if self.problems else "")
        )


def retention_summary(report: exercises.PurgeReport) -> str:
    """Counts only: which rounds, never a word of what they held."""
    return (
        f"retention: {len(report.purged)} round(s) purged, {len(report.dated)} given a purge "
        f"date, {len(report.graded)} graded"
    )


def _minimum(app: Flask, now: datetime, limit: int, report: TickReport) -> None:
    for due in signups.sessions_due_for_minimum(now, limit):
        auto_cancel = sheet_settings.cancels_under_minimum(due.scope, sheet_id=due.sheet_id)
        check = signups.check_minimum_size(due, now=now, auto_cancel=auto_cancel)
        if check is None:
            continue  # another worker judged it first
        if check.verdict is MinimumVerdict.FLAGGED:
            log.warning(
                "session %s under its minimum: %s seated of %s (deadline %s)",
                due.session_id,
                check.seated,
                check.seats_min,
                check.due_at.isoformat(),
            )
            report.flagged.append(due.session_id)
        elif check.verdict is MinimumVerdict.CANCEL:
            report.cancelled.append(due.session_id)


Step = Callable[[Flask, datetime, int, "TickReport"], None]


def run_due_work(app: Flask, now: datetime | None = None, *, limit: int = 200) -> TickReport:
    """One tick: every piece of due work once. A failing piece is logged and does not stop
    the others (the mail server being down must not hold up the gradebook)."""
    moment = now or datetime.now(UTC)
    report = TickReport()
    with app.app_context():
        steps: tuple[tuple[str, Step], ...] = (
            ("minimum", _minimum),
            ("notices", _notices),
            ("retention", _retention),
            ("scores", _scores),
        )
        for name, step in steps:
            try:
                step(app, moment, limit, report)
            except Exception as problem:  # noqa: BLE001 - logged, the next tick retries
                log.exception("worker step %s failed", name)
                report.problems.append(f"{name}: {type(problem).__name__}")
    return report


def _notices(app: Flask, now: datetime, limit: int, report: TickReport) -> None:
    scheduled = notifications.schedule_due(now, limit=limit, app=app)
    report.notices_made, report.notices_by_kind = scheduled.total, scheduled.made
    report.delivery = notifications.deliver_due(now, limit=limit, app=app)


def _retention(app: Flask, now: datetime, limit: int, report: TickReport) -> None:
    report.retention = exercises.purge_due(now, limit)


def _scores(app: Flask, now: datetime, limit: int, report: TickReport) -> None:
    report.scores = score_outbox.flush(app, limit=limit, now=now)


def run_loop(app: Flask, interval: float, stop: threading.Event, limit: int = 200) -> int:
    """Tick until ``stop`` is set; waits ``interval`` seconds between ticks (woken at once by
    ``stop``). Returns the number of ticks."""
    ticks = 0
    while not stop.is_set():
        report = run_due_work(app, limit=limit)
        ticks += 1
        if (
            report.problems
            or report.notices_made
            or report.delivery.handled
            or report.retention.purged
        ):
            log.info("worker tick: %s", report.summary())
        stop.wait(interval)
    return ticks


@click.command("worker", help="Run due background work: reminders and other notices with "
               "their emails, minimum-size deadlines, the retention purge of peer-feedback "
               "case text, scores for the LMS gradebook.")  # fmt: skip
@click.option("--once", is_flag=True, help="One tick, then exit (for cron).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds between ticks.",
)
@click.option("--limit", type=click.IntRange(1), default=200, show_default=True,
              help="At most this many rows of each kind per tick.")  # fmt: skip
@with_appcontext
def worker(once: bool, interval: float, limit: int) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    require_readable_keys(app)  # it signs service tokens: a wrong key stops it here
    if once:
        report = run_due_work(app, limit=limit)
        click.echo(report.summary())
        if report.problems:
            raise click.ClickException("; ".join(report.problems) + " (see the log)")
        return
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"worker: {signal.Signals(signum).name} received, stopping after this tick")
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    click.echo(f"worker: running every {interval:g} s (SIGTERM or Ctrl-C stops it)")
    ticks = run_loop(app, interval, stop, limit)
    click.echo(f"worker: stopped after {ticks} tick(s)")


@click.command(
    "purge",
    help="Purge peer-feedback case text and contribution bodies past their retention period "
    "now (what the worker does every tick); prints counts only.",
)
@click.option("--limit", type=click.IntRange(1), default=200, show_default=True,
              help="At most this many rounds purged.")  # fmt: skip
@with_appcontext
def purge(limit: int) -> None:
    report = exercises.purge_due(datetime.now(UTC), limit)
    click.echo(retention_summary(report))
