"""Course commands for `intervision` (and `python -m site_builder`): build, check, new-module.

Errors are messages for people (file, line, what to do), never tracebacks.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from site_builder.build_steps.pages import format_minutes
from site_builder.cli_options import CONTENT_DIR, config_file_option
from site_builder.course.content_warnings import course_warnings
from site_builder.course.errors import CourseValidationError, display_path
from site_builder.course.loader import load_course
from site_builder.course.new_module import NewModuleError, create_module
from site_builder.course.translation_files import LANGUAGE_FOLDER, translations_root
from site_builder.course.translations import load_translations, translation_warnings
from site_builder.translations_cli import translations


@click.command("check")
@CONTENT_DIR
@click.option("--strict", is_flag=True, help="Fail on warnings (study time, guessable answers).")
def check(content_dir: Path, strict: bool) -> None:
    """Validate the course content without building the site."""
    try:
        course = load_course(content_dir)
        languages = load_translations(course)
    except CourseValidationError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from None
    warnings = course_warnings(course)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    # Translation takes time: missing and out-of-date files never fail the check (not even
    # with --strict); a translation that breaks the source's structure did, above.
    for note in translation_warnings(languages):
        click.echo(f"warning: translation {note}", err=True)
    for translation in languages:  # the author checks on the translated text itself
        for advice in course_warnings(translation.course):
            if translations_root(content_dir) in advice.path.parents:
                click.echo(f"warning: translation {advice}", err=True)
    if strict and warnings:
        raise click.exceptions.Exit(1)
    activities = len(course.activities)
    click.echo(
        f"{display_path(content_dir)} is valid: {len(course.modules)} modules, "
        f"{len(course.methods)} methods, {activities} activities, "
        f"{format_minutes(course.total_minutes)} of study."
    )
    if course.drafts:
        names = ", ".join(display_path(module.path) for module in course.drafts)
        click.echo(f"Drafts (checked, not published): {names}")
    if languages:
        names = ", ".join(translation.language for translation in languages)
        click.echo(f"Translations checked: {names} (see `intervision translations status`).")


@click.command("build")
@config_file_option("The mkdocs configuration of the site.")
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: site_dir from the configuration).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option(
    "--engine",
    type=click.Choice(["material", "zensical"]),
    default="material",
    show_default=True,
    help="Material for MkDocs, or its successor Zensical (docs/authoring.md).",
)
@click.option(
    "--language",
    "languages",
    multiple=True,
    help="Build only this language (repeat for several); default: English at the site root "
    "and each content/translations/<lang>/ into <site>/<lang>/.",
)
def build(
    config_file: Path, site_dir: Path | None, quiet: bool, engine: str, languages: tuple[str, ...]
) -> None:
    """Build the courseware site strictly: any warning fails the build."""
    from site_builder.mkdocs.site_build import BuildFailed, build_site

    _log_mkdocs_to_terminal(logging.WARNING if quiet else logging.INFO)
    try:
        if engine == "zensical":
            from site_builder.zensical.site_build import build_site_zensical

            written = build_site_zensical(config_file, site_dir, languages or None)
        else:
            written = build_site(config_file, site_dir, languages or None)
    except BuildFailed as exc:
        raise click.ClickException(str(exc)) from None
    if quiet:
        return
    if not languages or set(languages) - {folder.name for folder in _language_sites(written)}:
        click.echo(
            f"Built the site into {display_path(written)} (catalogue: "
            f"{display_path(written / 'catalogue.json')})"
        )
        for folder in _language_sites(written):  # each translation's site, with its catalogue
            if not languages or folder.name in languages:
                click.echo(f"  {folder.name}: {display_path(folder)}")
        return
    for folder in _language_sites(written):
        if folder.name in languages:
            click.echo(f"Built the {folder.name} site into {display_path(folder)}")


def _language_sites(site: Path) -> list[Path]:
    """The translations' sites inside a built site: site/<lang>/ with a catalogue.json."""
    if not site.is_dir():
        return []
    return [
        folder
        for folder in sorted(site.iterdir())
        if LANGUAGE_FOLDER.match(folder.name) and (folder / "catalogue.json").is_file()
    ]


@click.command("new-module")
@click.argument("title")
@CONTENT_DIR
def new_module(title: str, content_dir: Path) -> None:
    """Start a new module: writes content/modules/NN-slug.md and lists it in course.yml."""
    try:
        created = create_module(content_dir, title)
    except (NewModuleError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {display_path(created.path)} and added '{created.slug}' to course.yml.")
    click.echo(
        "It is a draft (draft: true): `mkdocs serve` previews it, the published build leaves "
        "it out. Replace the placeholders, then remove the draft line and run `intervision check`."
    )


def _log_mkdocs_to_terminal(level: int = logging.INFO) -> None:
    """mkdocs logs warnings that fail a strict build; show them, once, without tracebacks."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_intervision", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        # Errors end the build and are shown once, in the command's error message.
        handler.addFilter(lambda record: record.levelno < logging.ERROR)
        handler._intervision = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    for existing in logger.handlers:
        if getattr(existing, "_intervision", False) and isinstance(existing, logging.StreamHandler):
            existing.setStream(sys.stderr)  # this command's stderr, not the first one's
    logger.setLevel(level)
    logger.propagate = False


def _package_command() -> click.Command:
    from site_builder.export.package_cli import package

    return package


COMMANDS: list[click.Command] = [build, check, new_module, _package_command(), translations]
