"""Does a translated Markdown body keep the structure of its English source?

A translation changes words, never structure: the same `:::` directive lines, the same
self-checks (option count, right answers in the same places), reflection ids, link targets and
anchors, admonition types and heading outline. Each difference is a ContentError at the line of
the translation, naming the source, so the translator knows what to restore.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from site_builder.course.errors import ContentError, display_path
from site_builder.course.links import (
    FENCE,
    HEADING,
    HEADING_ID,
    heading_ids,
    link_targets,
    prose_lines,
)
from site_builder.markdown.block_types import Reflection, SelfCheck
from site_builder.markdown.blocks import BlockError, BlockSpan, parse_block_spans

DIRECTIVE = re.compile(r"^:::")
Report = Callable[[int | None, str, str], None]
"""Record one difference: the translation's line (None: the whole file), what, how to fix."""
ADMONITION = re.compile(r"^(?P<marker>!!!|\?\?\?\+?)\s*(?P<type>[\w-]+)")


@dataclass(frozen=True)
class Body:
    path: Path
    text: str
    first_line: int


def compare_bodies(source: Body, translation: Body, errors: list[ContentError]) -> None:
    """Record every structural difference of `translation` from `source` in `errors`."""

    def error(line: int | None, message: str, hint: str) -> None:
        errors.append(ContentError(translation.path, line, None, message, hint))

    original = f"the English source {display_path(source.path)}"
    try:
        translated_spans = parse_block_spans(translation.text.splitlines(), translation.first_line)
    except BlockError as exc:
        error(exc.line, exc.message, f"write the block as in {original}")
        translated_spans = None
    _compare_directives(source, translation, error, original)
    if translated_spans is not None:
        source_spans = parse_block_spans(source.text.splitlines(), source.first_line)
        _compare_blocks(source_spans, translated_spans, error, original)
    _compare_headings(source, translation, error, original)
    _compare_links(source, translation, error, original)
    _compare_admonitions(source, translation, error, original)


def _directive_lines(body: Body) -> list[tuple[int, str]]:
    return [
        (number, line.rstrip())
        for number, line in prose_lines(body.text, body.first_line)
        if DIRECTIVE.match(line)
    ]


def _compare_directives(source: Body, translation: Body, error: Report, original: str) -> None:
    wanted = _directive_lines(source)
    found = _directive_lines(translation)
    for (_, want), (line, got) in zip(wanted, found, strict=False):
        if want != got:
            error(
                line,
                f"directive line {got!r} differs from the source's {want!r}",
                f"keep every ':::' line exactly as in {original}, untranslated",
            )
            return
    if len(wanted) != len(found):
        line = found[len(wanted)][0] if len(found) > len(wanted) else translation.first_line
        error(
            line,
            f"has {len(found)} ':::' directive lines, the source has {len(wanted)}",
            f"keep every block of {original}, with its opening and closing ':::'",
        )


def _compare_blocks(
    source: list[BlockSpan], translated: list[BlockSpan], error: Report, original: str
) -> None:
    for want_span, got_span in zip(source, translated, strict=False):
        want, got = want_span.block, got_span.block
        line = got.line
        if type(want) is not type(got):
            return  # the directive comparison has reported it
        if isinstance(want, SelfCheck) and isinstance(got, SelfCheck):
            if len(want.options) != len(got.options):
                error(
                    line,
                    f"this self-check has {len(got.options)} options, the source's has "
                    f"{len(want.options)}",
                    f"translate each option of the self-check at line {want.line} of {original}",
                )
            elif [o.correct for o in want.options] != [o.correct for o in got.options]:
                error(
                    line,
                    f"this self-check marks options {_right(got)} right, the source marks "
                    f"{_right(want)}",
                    "keep '- [x]' and '- [ ]' on the same options, in the source's order",
                )
        if isinstance(want, Reflection) and isinstance(got, Reflection) and want.id != got.id:
            error(
                line,
                f"reflection id {got.id!r} differs from the source's {want.id!r}",
                "keep the reflection's id: saved answers are filed under it",
            )


def _right(check: SelfCheck) -> str:
    positions = [str(i) for i, option in enumerate(check.options, start=1) if option.correct]
    return ", ".join(positions) or "none"


def _headings(body: Body) -> list[tuple[int, int]]:
    """(line, level) of each Markdown heading outside code fences."""
    found: list[tuple[int, int]] = []
    for number, line in prose_lines(body.text, body.first_line):
        match = HEADING.match(line) if line.startswith("#") else None
        if match:
            found.append((number, len(match.group("hashes"))))
    return found


def _compare_headings(source: Body, translation: Body, error: Report, original: str) -> None:
    wanted, found = _headings(source), _headings(translation)
    for index, ((_, want), (line, got)) in enumerate(zip(wanted, found, strict=False), start=1):
        if want != got:
            error(
                line,
                f"heading {index} is level {got} ({'#' * got}), the source's is level {want}",
                f"keep the heading outline of {original}: same number, levels and order",
            )
            return
    if len(wanted) != len(found):
        error(
            found[len(wanted)][0] if len(found) > len(wanted) else translation.first_line,
            f"has {len(found)} headings, the source has {len(wanted)}",
            f"keep the heading outline of {original}: same number, levels and order",
        )


def _internal_links(body: Body) -> Counter[str]:
    """Relative link targets with their anchors; web links may change (a Dutch edition)."""
    targets: Counter[str] = Counter()
    for link in link_targets(body.text, body.first_line):
        parts = urlsplit(link.target)
        if not (parts.scheme or parts.netloc):
            targets[link.target] += 1
    return targets


def _compare_links(source: Body, translation: Body, error: Report, original: str) -> None:
    wanted, found = _internal_links(source), _internal_links(translation)
    missing = sorted((wanted - found).elements())
    extra = sorted((found - wanted).elements())
    if missing:
        error(
            None,
            f"links to {', '.join(missing)} are missing (or their target was changed)",
            f"keep the link targets and #anchors of {original}; translate only the link text",
        )
    if extra:
        error(
            _line_of_link(translation, extra[0]),
            f"links to {', '.join(extra)}, which {original} does not",
            "link the same pages and #anchors as the source",
        )


def _line_of_link(body: Body, target: str) -> int | None:
    return next(
        (ln.line for ln in link_targets(body.text, body.first_line) if ln.target == target), None
    )


def _admonitions(body: Body) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for number, line in prose_lines(body.text, body.first_line):
        match = ADMONITION.match(line) if line[:1] in "!?" else None
        if match:
            found.append((number, f"{match.group('marker')} {match.group('type')}"))
    return found


def _compare_admonitions(source: Body, translation: Body, error: Report, original: str) -> None:
    wanted = [kind for _, kind in _admonitions(source)]
    found = _admonitions(translation)
    if wanted != [kind for _, kind in found]:
        error(
            found[0][0] if found else None,
            f"admonitions {[k for _, k in found]} differ from the source's {wanted}",
            f"keep each '!!! type' of {original} (translate only the quoted title)",
        )


def with_source_anchors(source: str, translation: str) -> str:
    """The translated body with each heading given the id of the source's heading in the same
    place (unless it sets its own): `#anchors` from other pages, and a page's URL fragment in
    the language switcher, then work in every language. Only for bodies whose heading outline
    matches the source (compare_bodies checked it)."""
    ids = iter(heading_ids(source))
    fence = False
    lines = translation.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if ("```" in line or "~~~" in line) and FENCE.match(line):
            fence = not fence
            continue
        match = HEADING.match(line.rstrip("\n")) if not fence and line.startswith("#") else None
        if not match:
            continue
        anchor = next(ids, None)
        if anchor is None or HEADING_ID.search(match.group("text")):
            continue
        end = "\n" if line.endswith("\n") else ""
        lines[index] = f"{line.rstrip()} {{#{anchor}}}{end}"
    return "".join(lines)
