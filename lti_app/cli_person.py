"""`intervision person export|erase`: an admin answers a data request by the platform's ids
(the issuer and the ``sub`` the LMS shows for the user, e.g. Moodle's user id)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from lti_app.domain.errors import NotFound


@click.group("person")
def person_group() -> None:
    """One person's data: export it as JSON, or erase it."""


_ISSUER = click.option("--issuer", required=True, help="The platform's issuer URL.")
_SUB = click.option("--sub", required=True, help="The platform's user id (the LTI `sub`).")


@person_group.command("export")
@_ISSUER
@_SUB
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file."
)
@with_appcontext
def person_export(issuer: str, sub: str, output: Path | None) -> None:
    """Print everything the tool stores about the person, as JSON."""
    from lti_app.services import personal_data

    try:
        data = personal_data.export(issuer, sub)
    except NotFound as missing:
        raise click.ClickException(missing.detail) from None
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Wrote {output}.", err=True)


@person_group.command("erase")
@_ISSUER
@_SUB
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def person_erase(issuer: str, sub: str, yes: bool) -> None:
    """Remove the person's name, address, platform id and every text they wrote or that was
    written about them; keep their rows, so counts and seats still add up."""
    from lti_app.services import personal_data

    if not yes:
        click.confirm(f"Erase the data of {sub} from {issuer}? This cannot be undone", abort=True)
    try:
        report = personal_data.erase(issuer, sub)
    except NotFound as missing:
        raise click.ClickException(missing.detail) from None
    kept = sum(report.rows_kept.values())
    deleted = sum(report.rows_deleted.values())
    click.echo(
        f"Erased: {report.texts_removed} text(s) removed from {kept} row(s) kept for counts,"
        f" {deleted} row(s) deleted, {report.scores_stopped} unsent score(s) stopped;"
        " name, email and platform id removed."
    )
