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
def package(
    config_file: Path,
    content_dir: Path,
    site_dir: Path | None,
    dist_dir: Path,
    formats: tuple[str, ...],
    base_url: str | None,
    scores: bool,
) -> None:
    """Write LMS packages of the course into dist/: Common Cartridge and SCORM."""
    try:
        chosen = select_formats(formats)
        if any(chosen_format.needs_tool for chosen_format in chosen):
            tool_launch(base_url)  # before the build: a missing address is found at once
        course = load_course(content_dir)
        options = PackageOptions(base_url=base_url, scores=scores)
        if site_dir is not None:
            written = write_packages(course, site_dir, dist_dir, chosen, options)
        else:
            written = _build_and_package(config_file, course, dist_dir, chosen, options)
    except CourseValidationError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from None
    except (PackageError, SiteNotBuilt) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"could not write the packages: {exc}") from None
    for path, chosen_format in zip(written, chosen, strict=True):
        size = path.stat().st_size / 1024
        click.echo(f"{display_path(path)}  {chosen_format.description}, {size:,.0f} KiB")


def _build_and_package(
    config_file: Path,
    course: Course,
    dist_dir: Path,
    chosen: list[PackageFormat],
    options: PackageOptions,
) -> list[Path]:
    from site_builder.mkdocs.site_build import BuildFailed, build_site

    with tempfile.TemporaryDirectory(prefix="intervision-package-") as folder:
        try:
            site = build_site(config_file, Path(folder) / "site")
        except BuildFailed as exc:
            raise PackageError(f"The site did not build, so nothing was packaged:\n{exc}") from None
        return write_packages(course, site, dist_dir, chosen, options)
