"""Parser for the courseware `:::` blocks described in docs/authoring.md.

Pure text in, frozen values out: no Markdown import, so the loader (word counts, module
checks), the Markdown extension and the exporters all read blocks the same way, and every
syntax error names the absolute line and says how to fix it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from site_builder.course.model import KEBAB_CASE
from site_builder.markdown.block_types import (
    ActivityRef,
    Block,
    BlockError,
    BlockSyntaxError,
    MethodTimelineRef,
    Reflection,
    SelfCheck,
    SelfCheckOption,
)
from site_builder.markdown.self_check_syntax import parse_self_check

__all__ = [
    "BLOCK_KINDS",
    "ActivityRef",
    "Block",
    "BlockError",
    "BlockSpan",
    "BlockSyntaxError",
    "MethodTimelineRef",
    "Reflection",
    "SelfCheck",
    "SelfCheckOption",
    "parse_block_spans",
    "parse_blocks",
    "text_outside_blocks",
]

BLOCK_KINDS = ("self-check", "reflection", "method-timeline", "activity")

_OPEN = re.compile(r"^:::[ \t]*(?P<kind>\S+)?(?P<args>.*?)[ \t]*$")
_FENCE = re.compile(r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})")
_FENCE_STARTS = frozenset(" `~")  # a fence line starts with one of these; skip the regex else
_ID_ARG = re.compile(r"^id=(?P<id>\S+)$")
_INDENTS = frozenset(" \t")
_INDENTED_OPEN = re.compile(r"^[ \t]+:::[ \t]*(?P<kind>[\w-]+)")


@dataclass(frozen=True)
class BlockSpan:
    """A parsed block and the 0-based line indexes of its opening and closing `:::` lines."""

    start: int
    end: int
    block: Block


def parse_blocks(markdown_text: str, first_line: int = 1) -> list[Block]:
    """Every courseware block in the text, in order; raises BlockSyntaxError on bad syntax."""
    return [span.block for span in parse_block_spans(markdown_text.splitlines(), first_line)]


def text_outside_blocks(markdown_text: str) -> str:
    """The text with every block (including its `:::` lines) removed, e.g. for word counts."""
    lines = markdown_text.splitlines()
    kept: list[str] = []
    position = 0
    for span in parse_block_spans(lines):
        kept.extend(lines[position : span.start])
        position = span.end + 1
    kept.extend(lines[position:])
    return "\n".join(kept)


def parse_block_spans(lines: list[str], first_line: int = 1) -> list[BlockSpan]:
    """Blocks with their positions, so a Markdown preprocessor can replace them in place."""
    spans: list[BlockSpan] = []
    fence: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if fence is not None:
            if _closes_fence(line, fence):
                fence = None
            index += 1
            continue
        fence_match = _FENCE.match(line) if line[:1] in _FENCE_STARTS else None
        if fence_match:
            fence = fence_match.group("fence")
            index += 1
            continue
        if line[:1] in _INDENTS:
            _refuse_indented_opener(line, first_line + index)
        if line.startswith(":::"):
            end = _find_close(lines, index, first_line)
            block = _parse_block(lines, index, end, first_line)
            spans.append(BlockSpan(index, end, block))
            index = end + 1
            continue
        index += 1
    _require_unique_ids(spans)
    return spans


def _refuse_indented_opener(line: str, line_number: int) -> None:
    """An indented opener is not a block: without this, the error lands on its closing `:::`."""
    match = _INDENTED_OPEN.match(line) if ":::" in line else None
    if match and match.group("kind") in BLOCK_KINDS:
        kind = match.group("kind")
        raise BlockSyntaxError(
            line_number,
            f"the '::: {kind}' line is indented; a block must start at the left margin: "
            f"remove the spaces before ':::' (and before its closing ':::')",
        )


def _require_unique_ids(spans: list[BlockSpan]) -> None:
    """Explicit ids key what learners save in their browser: one per kind and page."""
    seen: dict[tuple[str, str], int] = {}
    for span in spans:
        block = span.block
        if not isinstance(block, Reflection | SelfCheck) or block.id is None:
            continue
        kind = "reflection" if isinstance(block, Reflection) else "self-check"
        where = seen.get((kind, block.id))
        if where is not None:
            raise BlockSyntaxError(
                block.line,
                f"{kind} id '{block.id}' is already used on line {where}; "
                f"give each {kind} on a page its own id",
            )
        seen[(kind, block.id)] = block.line


def _closes_fence(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


def _find_close(lines: list[str], start: int, first_line: int) -> int:
    kind = _kind_of(lines[start], first_line + start)
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line.startswith(":::"):
            continue
        if line.rstrip() == ":::":
            return index
        raise BlockSyntaxError(
            first_line + index,
            f"a '{line.strip()}' block starts inside the '::: {kind}' block opened on line "
            f"{first_line + start}; blocks do not nest: close the first block with a line "
            "':::' before starting the next",
        )
    raise BlockSyntaxError(
        first_line + start,
        f"the '::: {kind}' block is never closed; add a line ':::' (at the left margin) "
        "after its content",
    )


def _kind_of(opening: str, line_number: int) -> str:
    match = _OPEN.match(opening)
    kind = match.group("kind") if match else None
    if not kind:
        raise BlockSyntaxError(
            line_number,
            "a ':::' line closes a block but no block is open; start a block with "
            f"'::: kind' where kind is one of: {', '.join(BLOCK_KINDS)}",
        )
    if kind not in BLOCK_KINDS:
        raise BlockSyntaxError(
            line_number,
            f"unknown block kind '{kind}'; use one of: {', '.join(BLOCK_KINDS)}",
        )
    return kind


def _parse_block(lines: list[str], start: int, end: int, first_line: int) -> Block:
    """The block between lines start and end; parsed once per distinct text.

    The loader checks every module's blocks and the Markdown extension renders them again a
    moment later: the cache (keyed by the block's own lines, not their position) makes the
    second parse a lookup. Errors are never cached: they are raised with the right line.
    """
    line_number = first_line + start
    try:
        block = _parse_block_lines(tuple(lines[start:end]))
    except BlockSyntaxError:
        return _parse_block_at(lines[start:end], line_number)  # raises, with the right line
    return block if block.line == line_number else dataclasses.replace(block, line=line_number)


@lru_cache(maxsize=16384)
def _parse_block_lines(block_lines: tuple[str, ...]) -> Block:
    return _parse_block_at(list(block_lines), 1)


def _parse_block_at(block_lines: list[str], line_number: int) -> Block:
    """One block from its opening line up to (not including) its closing `:::`."""
    kind = _kind_of(block_lines[0], line_number)
    match = _OPEN.match(block_lines[0])
    args = (match.group("args") if match else "").split()
    body = block_lines[1:]
    if kind == "self-check":
        multiple, check_id = _self_check_args(args, line_number)
        block = parse_self_check(body, line_number, multiple=multiple)
        return dataclasses.replace(block, id=check_id) if check_id else block
    if kind == "reflection":
        return _parse_reflection(body, args, line_number)
    searchable = kind == "method-timeline" and args[1:] == ["searchable"]
    slug = _single_slug(kind, args[:1] if searchable else args, line_number)
    _require_empty_body(kind, body, line_number)
    if kind == "method-timeline":
        return MethodTimelineRef(method=slug, line=line_number, searchable=searchable)
    return ActivityRef(activity=slug, line=line_number)


def _self_check_args(args: list[str], line_number: int) -> tuple[bool, str | None]:
    """`multiple` and `id=kebab-case`, each at most once, in any order."""
    ids = [match.group("id") for match in map(_ID_ARG.match, args) if match]
    rest = [arg for arg in args if not _ID_ARG.match(arg)]
    if len(ids) > 1 or rest not in ([], ["multiple"]) or not all(map(KEBAB_CASE.match, ids)):
        raise BlockSyntaxError(
            line_number,
            "'::: self-check' takes no argument, 'multiple', an id in kebab-case or both "
            f"(e.g. '::: self-check multiple id=own-role'), not '{' '.join(args)}'",
        )
    return rest == ["multiple"], (ids[0] if ids else None)


def _single_slug(kind: str, args: list[str], line_number: int) -> str:
    what = "method slug" if kind == "method-timeline" else "activity id"
    if len(args) != 1 or not KEBAB_CASE.match(args[0]):
        raise BlockSyntaxError(
            line_number,
            f"'::: {kind}' needs exactly one {what} in kebab-case, "
            f"e.g. '::: {kind} collegial-counselling'",
        )
    return args[0]


def _require_empty_body(kind: str, body: list[str], line_number: int) -> None:
    for offset, line in enumerate(body, start=1):
        if line.strip():
            raise BlockSyntaxError(
                line_number + offset,
                f"stray text inside the '::: {kind}' block: it takes no content; "
                f"put the closing ':::' on the line right after '::: {kind} …'",
            )


def _parse_reflection(body: list[str], args: list[str], line_number: int) -> Reflection:
    reflection_id: str | None = None
    if args:
        id_match = _ID_ARG.match(args[0]) if len(args) == 1 else None
        if not id_match or not KEBAB_CASE.match(id_match.group("id")):
            raise BlockSyntaxError(
                line_number,
                f"'::: reflection' takes only an optional id in kebab-case, e.g. "
                f"'::: reflection id=own-case', not '{' '.join(args)}'",
            )
        reflection_id = id_match.group("id")
    prompt = "\n".join(body).strip()
    if not prompt:
        raise BlockSyntaxError(
            line_number,
            "the reflection block has no prompt; write the question learners should reflect "
            "on between '::: reflection' and ':::'",
        )
    return Reflection(prompt=prompt, id=reflection_id, line=line_number)
