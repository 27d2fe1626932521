"""`intervision package`: every LMS package of the course from one read of the built site.

Formats and what they are for (docs/packages.md): Common Cartridge 1.1 for Moodle, CC 1.3 and
Thin CC 1.3 for Canvas, SCORM 1.2 and SCORM 2004 4th edition for any SCORM player. The
cartridges link the tool, so they need its base URL.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from site_builder.course.model import Course
from site_builder.export.common_cartridge import (
    CC_1_1,
    CC_1_3,
    MANIFEST,
    cartridge_entries,
    course_slug,
)
from site_builder.export.lti_descriptor import ToolLaunch
from site_builder.export.package_files import PackagedSite, read_site
from site_builder.export.package_zip import write_zip
from site_builder.export.scorm import SCORM_1_2, SCORM_2004, scorm_entries
from site_builder.export.thin_cc import thin_cartridge_entries

BASE_URL_VARIABLE = "INTERVISION_BASE_URL"
"""The tool's own setting (lti_app/config.py): one value serves the tool and its packages."""


class PackageError(Exception):
    """A package cannot be written as asked; the message says what to change."""


@dataclass(frozen=True)
class PackageOptions:
    base_url: str | None = None
    scores: bool = True
    """SCORM: report the share of a module's self-checks answered right as its score."""


@dataclass(frozen=True)
class PackageFormat:
    name: str
    suffix: str
    needs_tool: bool
    description: str
    entries: Callable[[Course, PackagedSite, ToolLaunch | None, PackageOptions], dict[str, bytes]]


def _tool(tool: ToolLaunch | None) -> ToolLaunch:
    assert tool is not None  # write_packages checks needs_tool first
    return tool


FORMATS: tuple[PackageFormat, ...] = (
    PackageFormat(
        "cc11",
        "cc11.imscc",
        True,
        "Common Cartridge 1.1 (Moodle: course restore)",
        lambda course, site, tool, _: cartridge_entries(course, site, _tool(tool), CC_1_1),
    ),
    PackageFormat(
        "cc13",
        "cc13.imscc",
        True,
        "Common Cartridge 1.3 (Canvas: course import)",
        lambda course, site, tool, _: cartridge_entries(course, site, _tool(tool), CC_1_3),
    ),
    PackageFormat(
        "thin-cc13",
        "thin-cc13.imscc",
        True,
        "Thin Common Cartridge 1.3 (Canvas: links to the tool only)",
        lambda course, site, tool, _: thin_cartridge_entries(course, _tool(tool)),
    ),
    PackageFormat(
        "scorm12",
        "scorm12.zip",
        False,
        "SCORM 1.2",
        lambda course, site, _, options: scorm_entries(course, site, SCORM_1_2, options.scores),
    ),
    PackageFormat(
        "scorm2004",
        "scorm2004.zip",
        False,
        "SCORM 2004 4th edition",
        lambda course, site, _, options: scorm_entries(course, site, SCORM_2004, options.scores),
    ),
)
FORMAT_NAMES = tuple(package.name for package in FORMATS)


def tool_launch(base_url: str | None) -> ToolLaunch:
    """Check the tool's base URL as the tool does: absolute http(s), no query or fragment."""
    if not base_url or not base_url.strip():
        raise PackageError(
            "The Common Cartridge packages link to the LTI tool, so they need its address: "
            f"pass --base-url https://tool.example.edu (or set {BASE_URL_VARIABLE}), "
            "or write only SCORM packages with --format scorm12 --format scorm2004."
        )
    url = base_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PackageError(
            f"The tool's base URL {base_url!r} is not an absolute http(s) address; "
            "give it like https://tool.example.edu (the address the LMS launches)."
        )
    if parts.query or parts.fragment:
        raise PackageError(
            f"The tool's base URL {base_url!r} has a query or fragment; give only "
            "scheme, host and path, e.g. https://tool.example.edu/intervision"
        )
    return ToolLaunch(url)


def select_formats(names: Sequence[str]) -> list[PackageFormat]:
    """The formats named (all when none is), in the fixed order of FORMATS."""
    unknown = sorted(set(names) - set(FORMAT_NAMES))
    if unknown:
        raise PackageError(
            f"Unknown package format {', '.join(unknown)}; choose from {', '.join(FORMAT_NAMES)}."
        )
    return [package for package in FORMATS if not names or package.name in names]


def write_packages(
    course: Course,
    site_dir: Path,
    dist_dir: Path,
    formats: Sequence[PackageFormat],
    options: PackageOptions,
    *,
    stem: str | None = None,
    other_languages: tuple[str, ...] = (),
) -> list[Path]:
    """Write each format into dist_dir; the site is read once, whatever the number of formats.

    `stem`: the file names' start (default: the course title as a slug); `other_languages`:
    translated sites inside site_dir that these packages leave out."""
    tool = tool_launch(options.base_url) if any(f.needs_tool for f in formats) else None
    site = read_site(site_dir, course, other_languages)
    slug = stem or course_slug(course)
    jobs = [
        (dist_dir / f"{slug}-{package.suffix}", package.entries(course, site, tool, options))
        for package in formats
    ]
    # zlib lets go of the GIL while it compresses: one thread per package uses every core.
    with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda job: write_zip(job[0], job[1], first=MANIFEST), jobs))
