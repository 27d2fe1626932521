"""`intervision i18n extract|update|check`: the translation catalogues of each area
(docs/translating.md). The command line itself stays English."""

from __future__ import annotations

import click

from lti_app.i18n import catalogues
from lti_app.i18n.areas import AREAS, Area, area_named

_AREA = click.option(
    "--area",
    "area_name",
    type=click.Choice([area.name for area in AREAS]),
    default=None,
    help="One catalogue area (default: all).",
)


def _areas(area_name: str | None) -> tuple[Area, ...]:
    return (area_named(area_name),) if area_name else AREAS


@click.group("i18n")
def i18n_group() -> None:
    """Translation catalogues: extract messages, update the .po files, check them."""


@i18n_group.command("extract")
@_AREA
def extract_command(area_name: str | None) -> None:
    """Write each area's messages.pot (for translation tools; not committed)."""
    from lti_app.i18n import maintenance

    areas = _areas(area_name)
    for name, template in maintenance.templates(areas).items():
        path = maintenance.write_template(area_named(name), template)
        click.echo(f"{name}: {len(template)} messages -> {path}")


@i18n_group.command("update")
@_AREA
def update_command(area_name: str | None) -> None:
    """Bring each area's nl and de .po files in step with the sources."""
    from lti_app.i18n import maintenance

    areas = _areas(area_name)
    for name, template in maintenance.templates(areas).items():
        for path in maintenance.update(area_named(name), template):
            click.echo(f"{name}: updated {path}")
    catalogues.forget()


@i18n_group.command("check")
@_AREA
def check_command(area_name: str | None) -> None:
    """Fail when a catalogue lacks a translation or keeps one no source uses."""
    from lti_app.i18n import maintenance

    areas = _areas(area_name)
    problems = [
        problem
        for name, template in maintenance.templates(areas).items()
        for problem in maintenance.check(area_named(name), template)
    ]
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(
            f"{len(problems)} catalogue problem(s); translate them in the .po files named "
            "(fuzzy entries: check and remove the fuzzy flag), then run the check again."
        )
    click.echo(f"catalogues complete: {', '.join(area.name for area in areas)}")
