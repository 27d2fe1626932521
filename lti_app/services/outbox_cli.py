"""`intervision outbox flush`: deliver pending scores (run it from cron or a systemd timer)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lti_app.services import score_outbox
from lti_app.storage import db, outbox_repo


@click.group(help="The queue of scores waiting to reach LMS gradebooks.")
def outbox() -> None:
    """Group only."""


@outbox.command("flush", help="Try to deliver every due score once; print what happened.")
@click.option("--limit", default=500, show_default=True, help="At most this many scores.")
@with_appcontext
def flush_command(limit: int) -> None:
    report = score_outbox.flush(current_app._get_current_object(), limit=limit)  # type: ignore[attr-defined]
    click.echo(
        f"attempted {report.attempted}: delivered {len(report.delivered)}, "
        f"retrying later {len(report.retrying)}, given up {len(report.failed)}"
    )
    with db.transaction() as session:
        counts = outbox_repo.count_by_status(session)
    click.echo("outbox: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "empty"))
