"""Find broken internal links: relative links to pages or files that do not exist, and
`#anchors` to headings that are not there. Anchors follow Python-Markdown's toc slugs."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown.extensions.toc import slugify, unique

from site_builder.course.errors import ContentError

INLINE_LINK = re.compile(
    r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)"
)
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(?P<target>\S+?)>?(?:\s+.*)?$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
HEADING_ID = re.compile(r"\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`[^`]*`")
INLINE_MARKUP = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class LinkTarget:
    line: int
    target: str


def prose_lines(text: str, first_line: int) -> Iterator[tuple[int, str]]:
    """Lines outside fenced code blocks, with their absolute numbers."""
    offset = first_line - 1
    for number, line in _prose(text):
        yield number + offset, line


@lru_cache(maxsize=8)
def _prose(text: str) -> tuple[tuple[int, str], ...]:
    """Split once per text: the body checks, word count and link checks all walk it."""
    kept: list[tuple[int, str]] = []
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if ("```" in line or "~~~" in line) and FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            kept.append((number, line))
    return tuple(kept)


def heading_ids(text: str) -> list[str]:
    """The id the toc extension gives each of this page's headings, in order (explicit
    `{#id}` wins): the anchors links may name, and what a translation's headings must keep."""
    ids: list[str] = []
    used: set[str] = set()
    for _, line in _prose(text):
        match = HEADING.match(line) if line.startswith("#") else None
        if not match:
            continue
        heading = match.group("text")
        explicit = HEADING_ID.search(heading)
        if explicit:
            ids.append(explicit.group("id"))
            continue
        plain = INLINE_MARKUP.sub(lambda m: m.group(1) or "", heading)
        ids.append(unique(slugify(plain, "-"), used))
    return ids


def heading_anchors(text: str) -> set[str]:
    """The ids the toc extension gives this page's headings (explicit `{#id}` wins)."""
    return set(heading_ids(text))


def link_targets(text: str, first_line: int) -> Iterator[LinkTarget]:
    for number, line in prose_lines(text, first_line):
        if "[" not in line:  # both link forms need a "["; most prose lines have none
            continue
        code_free = INLINE_CODE.sub("", line) if "`" in line else line
        for match in INLINE_LINK.finditer(code_free):
            yield LinkTarget(number, match.group("target"))
        definition = REFERENCE_DEFINITION.match(code_free)
        if definition:
            yield LinkTarget(number, definition.group("target"))


def check_links(
    path: Path,
    body: str,
    first_line: int,
    content_dir: Path,
    generated_pages: Collection[str],
    errors: list[ContentError],
) -> None:
    """Report relative links from `path` that lead nowhere.

    `generated_pages` are docs-relative paths the plugin adds (overview, method pages); their
    anchors are not checked because their headings come from the page generators.
    """
    source = path.relative_to(content_dir).as_posix()
    own_anchors = heading_anchors(body)
    for link in link_targets(body, first_line):
        parts = urlsplit(link.target)
        if parts.scheme or parts.netloc:
            continue
        if link.target.startswith("/"):
            errors.append(_absolute(path, source, link, parts.path, parts.fragment))
            continue
        anchor = unquote(parts.fragment)
        if not parts.path:
            if anchor and anchor not in own_anchors:
                reason = f"no heading on this page has the anchor #{anchor}"
                errors.append(_broken(path, link, reason))
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(parts.path)))
        if target.startswith("../"):
            errors.append(_broken(path, link, "points outside the content folder"))
        elif target in generated_pages:
            continue
        elif not (content_dir / target).is_file():
            errors.append(_broken(path, link, f"the file content/{target} does not exist"))
        elif anchor and target.endswith(".md"):
            raw = (content_dir / target).read_text(encoding="utf-8", errors="replace")
            text = _without_front_matter(raw)
            if anchor not in heading_anchors(text):
                errors.append(_broken(path, link, f"content/{target} has no heading #{anchor}"))


def _absolute(
    path: Path, source: str, link: LinkTarget, target: str, fragment: str
) -> ContentError:
    """A site-absolute link works on `mkdocs serve` but not under a sub-path or in the LMS."""
    relative = relative_form(source, target, fragment)
    return ContentError(
        path,
        link.line,
        None,
        f"absolute link '{link.target}': it breaks when the course is published under a "
        "sub-path or opened inside the LMS",
        f"write it relative to this file: '{relative}'",
    )


def relative_form(source: str, target: str, fragment: str = "") -> str:
    """The relative .md path from `source` (docs-relative) to a site-absolute URL path.

    `/methods/x/` and `/methods/x.md` both mean the page `methods/x.md`; `/` is the overview;
    anything with a file extension (an image) stays that file.
    """
    page = unquote(target).strip("/")
    if not page:
        page = "index.md"
    elif not posixpath.splitext(page)[1]:
        page += ".md"
    elif page.endswith(".html"):
        stem = page.removesuffix(".html")
        page = "index.md" if stem == "index" else stem.removesuffix("/index") + ".md"
    relative = posixpath.relpath(page, posixpath.dirname(source) or ".")
    return f"{relative}#{fragment}" if fragment else relative


def _without_front_matter(text: str) -> str:
    lines = text.splitlines(keepends=True)
    if lines and lines[0].rstrip() == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                return "".join(lines[index + 1 :])
    return text


def _broken(path: Path, link: LinkTarget, reason: str) -> ContentError:
    return ContentError(
        path,
        link.line,
        None,
        f"broken link '{link.target}': {reason}",
        "link to another page by its relative .md path, e.g. '02-origins-and-evidence.md#history'",
    )
