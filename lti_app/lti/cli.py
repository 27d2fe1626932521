"""`intervision lti prune`: delete expired login states, used nonces and launch records.

The app already prunes at most once a minute per process inside a login or launch write; this
command is for cron on quiet instances, or after a burst, and reports what it removed.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lti_app.storage import lti_state_repo


@click.group("lti", help="Short-lived LTI state (login states, nonces, launch records).")
def lti_group() -> None:
    pass


@lti_group.command("prune")
@with_appcontext
def prune() -> None:
    """Delete expired rows now (the app also does this on its own, once a minute)."""
    counts = lti_state_repo.prune_now()
    click.echo(
        "Removed {oidc_state} expired login state(s), {used_nonce} used nonce(s) and "
        "{launch_record} launch record(s).".format(**counts)
    )
    if current_app.config.get("REDIS_URL"):
        click.echo("LTI state is kept in Redis (INTERVISION_REDIS_URL); Redis expires it itself.")
