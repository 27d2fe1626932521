"""Sources a researcher can follow: every entry of a module's `## Sources` section and every
`sources` title of a method names authors, a year (or `n.d.` for an undated web page) and a
title; and no link goes to a site that re-hosts other people's documents (a scraper or
mirror), where a DOI or the publisher's page should be.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from site_builder.course.errors import ContentError
from site_builder.course.model import Course, Module

CITATION = re.compile(r"^(?P<authors>.+?) \((?P<year>\d{4}[a-z]?|n\.d\.)\)\. (?P<title>\S.{3,})")
"""'Authors (2019). Title…', APA-like; `n.d.` for an undated page."""
MIRROR_DOMAINS = frozenset(
    {
        "docksci.com",
        "pdfslide.tips",
        "pdfslide.net",
        "pdfslide.org",
        "dhirubhai.net",
        "yumpu.com",
        "expydoc.com",
        "fdocuments.in",
        "fdocuments.net",
        "documents.pub",
        "vdocuments.mx",
        "vdocuments.net",
        "moam.info",
        "1library.net",
        "docplayer.net",
        "docplayer.nl",
        "studylib.net",
        "scribd.com",
        "paperzz.com",
        "dokumen.pub",
        "melakarnets.com",
    }
)
"""Sites that re-host documents without the publisher; extend when a new one turns up."""
URL = re.compile(r"https?://[^\s)>\]]+")
SOURCES_HEADING = re.compile(r"^##\s+Sources\s*$")


def source_entries(module: Module) -> Iterator[tuple[int, str]]:
    """Each `- ` entry of the module's Sources section, continuation lines joined."""
    lines = module.body.splitlines()
    inside = False
    entry: list[str] = []
    start = 0
    for index, line in enumerate(lines):
        number = module.body_first_line + index
        if SOURCES_HEADING.match(line):
            inside = True
            continue
        if not inside:
            continue
        if line.startswith("#"):
            break
        if line.startswith("- "):
            if entry:
                yield start, " ".join(entry)
            entry, start = [line[2:].strip()], number
        elif line.strip() and entry:
            entry.append(line.strip())
    if entry:
        yield start, " ".join(entry)


def is_mirror(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain or host.endswith("." + domain) for domain in MIRROR_DOMAINS)


def citation_warnings(course: Course) -> list[ContentError]:
    warnings: list[ContentError] = []
    for module in course.modules:
        for line, entry in source_entries(module):
            if not CITATION.match(_plain(entry)):
                warnings.append(_incomplete(module.path, line, entry))
        warnings.extend(_mirror_links(module.path, module.body, module.body_first_line))
    for method in course.methods.values():
        if method.path is None:
            continue
        for source in method.sources:
            if not CITATION.match(source.title):
                warnings.append(_incomplete(method.path, None, source.title, field="sources"))
        text = method.path.read_text(encoding="utf-8")
        warnings.extend(_mirror_links(method.path, text, 1))
    return warnings


def _plain(entry: str) -> str:
    return entry.replace("*", "").replace("_", "")


def _incomplete(path: Path, line: int | None, entry: str, field: str | None = None) -> ContentError:
    return ContentError(
        path,
        line,
        field,
        f"source {entry[:60]!r} does not read 'Authors (Year). Title.'",
        "name the authors (or the organisation), the year (n.d. for an undated web page) and "
        "the title, e.g. 'Borders, L. D. (1991). A systematic approach to …'",
    )


def _mirror_links(path: Path, text: str, first_line: int) -> list[ContentError]:
    found = []
    for offset, line in enumerate(text.splitlines()):
        for url in URL.findall(line):
            if is_mirror(url):
                found.append(
                    ContentError(
                        path,
                        first_line + offset,
                        None,
                        f"links to {urlsplit(url).hostname}, a site that re-hosts documents "
                        "without their publisher",
                        "link the DOI (https://doi.org/…) or the publisher's page instead",
                    )
                )
    return found
