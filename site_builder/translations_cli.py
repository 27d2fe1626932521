"""`intervision translations status`: for translators, each file of the course per language
(up to date, out of date, missing) and the source_version a translation of it must record."""

from __future__ import annotations

from pathlib import Path

import click

from site_builder.cli_options import CONTENT_DIR
from site_builder.course.errors import CourseValidationError, display_path
from site_builder.course.loader import load_course
from site_builder.course.translation_files import (
    LANGUAGE_FOLDER,
    State,
    language_status,
    translation_languages,
)


@click.group("translations")
def translations() -> None:
    """Translations of the course (content/translations/<lang>/, docs/authoring.md)."""


@translations.command("status")
@CONTENT_DIR
@click.option(
    "--language",
    "languages",
    multiple=True,
    help="Only this language (repeat for several); default: every translations/<lang>/ folder. "
    "A language without a folder yet lists every file as missing, to start one.",
)
def status(content_dir: Path, languages: tuple[str, ...]) -> None:
    """List each file: up to date, out of date or missing, with the source_version to write."""
    for language in languages:
        if not LANGUAGE_FOLDER.match(language):
            raise click.BadParameter(
                f"{language!r} is not a two-letter language code like nl or de",
                param_hint="--language",
            )
    try:
        course = load_course(content_dir, include_drafts=True)
    except CourseValidationError as exc:
        click.echo(str(exc), err=True)
        click.echo("Fix the English source first: translations are checked against it.", err=True)
        raise click.exceptions.Exit(1) from None
    chosen = list(languages) or translation_languages(content_dir)
    if not chosen:
        click.echo(
            f"No translations yet: create {display_path(content_dir / 'translations')}/<lang>/ "
            "(e.g. nl, de) and run this again with --language <lang>."
        )
        return
    for language in chosen:
        statuses = language_status(course, language)
        done = sum(s.state is State.UP_TO_DATE for s in statuses)
        click.echo(f"{language}: {done} of {len(statuses)} files up to date")
        for entry in statuses:
            name = entry.source.relative_to(content_dir).as_posix()
            optional = " (optional)" if entry.optional and entry.state is State.MISSING else ""
            if entry.state is State.UP_TO_DATE:
                detail = f"source_version: {entry.current}"
            elif entry.state is State.OUT_OF_DATE:
                detail = f"records {entry.recorded}; write source_version: {entry.current}"
            else:
                detail = (
                    f"write {display_path(entry.translation)} with source_version: {entry.current}"
                    if entry.state is State.MISSING
                    else f"add source_version: {entry.current}"
                )
            click.echo(f"  {entry.state.value + optional:<22} {name}  {detail}")
