"""`intervision package`: build the site (or take a built one) and write the LMS packages.

Errors are messages for people (what, where, how to fix), never tracebacks.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from site_builder.cli_options import CONTENT_DIR, config_file_option
from site_builder.course.errors import CourseValidationError, display_path
from site_builder.course.loader import load_course
from site_builder.course.model import Course
from site_builder.course.translation_files import translation_languages
from site_builder.course.translations import load_translations
from site_builder.export.common_cartridge import course_slug
from site_builder.export.package_files import SiteNotBuilt
from site_builder.export.packages import (
    BASE_URL_VARIABLE,
    FORMAT_NAMES,
    FORMATS,
    PackageError,
    PackageFormat,
    PackageOptions,
    select_formats,
    tool_launch,
    write_packages,
)


@click.command("package")
@config_file_option("The mkdocs configuration of the site the packages carry.")
@CONTENT_DIR
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Package this already built site (from `intervision build`) instead of building one.",
)
@click.option(
    "-o",
    "--dist-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Where to write the packages.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMAT_NAMES),
    help="Write only this package (repeat for several); default: all. "
    + "; ".join(f"{f.name}: {f.description}" for f in FORMATS),
)
@click.option(
    "--base-url",
    envvar=BASE_URL_VARIABLE,
    help=f"The LTI tool's public address, which the cartridges' links launch "
    f"(default: ${BASE_URL_VARIABLE}, the tool's own setting).",
)
@click.option(
    "--scores/--no-scores",
    default=True,
    envvar="INTERVISION_PACKAGE_SCORES",
    show_default=True,
    help="SCORM: report the share of a module's self-checks answered right as its score.",
)
@click.option(
    "--language",
    "languages",
    multiple=True,
    help="Package only this language (repeat for several); default: the source language "
    "into dist/ and each translation into dist/<lang>/ (with --site-dir: those built there).",
)
def package(
    config_file: Path,
    content_dir: Path,
    site_dir: Path | None,
    dist_dir: Path,
    formats: tuple[str, ...],
    base_url: str | None,
    scores: bool,
    languages: tuple[str, ...],
) -> None:
    """Write LMS packages of the course into dist/: Common Cartridge and SCORM."""
    try:
        chosen = select_formats(formats)
        if any(chosen_format.needs_tool for chosen_format in chosen):
            tool_launch(base_url)  # before the build: a missing address is found at once
        course = load_course(content_dir)
        if site_dir is not None and not languages:
            languages = _built_languages(course, content_dir, site_dir)
        courses = _courses(course, content_dir, languages)
        options = PackageOptions(base_url=base_url, scores=scores)
        job = _Job(course, courses, dist_dir, chosen, options)
        if site_dir is not None:
            written = job.write(site_dir)
        else:
            written = _build_and_package(config_file, job)
    except CourseValidationError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from None
    except (PackageError, SiteNotBuilt) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"could not write the packages: {exc}") from None
    for path, chosen_format in zip(written, chosen * len(courses), strict=True):
        size = path.stat().st_size / 1024
        click.echo(f"{display_path(path)}  {chosen_format.description}, {size:,.0f} KiB")


def _built_languages(course: Course, content_dir: Path, site_dir: Path) -> tuple[str, ...]:
    """A built site given: the languages it holds (a site built with `--language` or by
    plain `mkdocs build` has only some); the others are named, not an error."""
    built = [course.language]
    for language in translation_languages(content_dir):
        if (site_dir / language / "index.html").is_file():
            built.append(language)
        elif language != course.language:
            click.echo(
                f"{language}: {display_path(site_dir / language)} is not built, so no "
                f"{language} packages (`intervision build` builds every language)",
                err=True,
            )
    return tuple(built)


def _courses(course: Course, content_dir: Path, asked: tuple[str, ...]) -> dict[str, Course]:
    """The course in each language to package, the source language first."""
    source = course.language
    every = [source, *(x for x in translation_languages(content_dir) if x != source)]
    unknown = [language for language in asked if language not in every]
    if unknown:
        raise PackageError(
            f"No translation for {', '.join(unknown)}: the languages of this course are "
            f"{', '.join(every)} (a language is a content/translations/<lang>/ folder)."
        )
    chosen = [language for language in every if not asked or language in asked]
    courses = {source: course} if source in chosen else {}
    for translation in load_translations(course, [x for x in chosen if x != source]):
        courses[translation.language] = translation.course
    return courses


class _Job:
    """Which packages to write: the source language's from the site root into dist/, each
    translation's from site/<lang>/ into dist/<lang>/<course>-<lang>-<format>."""

    def __init__(
        self,
        source: Course,
        courses: dict[str, Course],
        dist_dir: Path,
        formats: list[PackageFormat],
        options: PackageOptions,
    ) -> None:
        self.source = source
        self.courses = courses
        self.dist_dir = dist_dir
        self.formats = formats
        self.options = options

    @property
    def languages(self) -> list[str]:
        return list(self.courses)

    def write(self, site_dir: Path) -> list[Path]:
        written: list[Path] = []
        source = self.source.language
        assert self.source.content_dir is not None
        every = translation_languages(self.source.content_dir)
        for language, course in self.courses.items():
            if language == source:
                others = tuple(x for x in every if x != source)
                written += write_packages(
                    course,
                    site_dir,
                    self.dist_dir,
                    self.formats,
                    self.options,
                    other_languages=others,
                )
            else:
                written += write_packages(
                    course,
                    site_dir / language,
                    self.dist_dir / language,
                    self.formats,
                    self.options,
                    stem=f"{course_slug(self.source)}-{language}",
                )
        return written


def _build_and_package(config_file: Path, job: _Job) -> list[Path]:
    from site_builder.mkdocs.site_build import BuildFailed, build_site

    with tempfile.TemporaryDirectory(prefix="intervision-package-") as folder:
        try:
            site = build_site(config_file, Path(folder) / "site", job.languages)
        except BuildFailed as exc:
            raise PackageError(f"The site did not build, so nothing was packaged:\n{exc}") from None
        return job.write(site)
