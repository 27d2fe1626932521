"""Rules for a module's Markdown body: courseware blocks parse and point at things that exist,
and the module has enough substance (words, self-checks, a reflection, a group exercise)."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from site_builder.course.errors import ContentError
from site_builder.course.links import prose_lines
from site_builder.course.methods_loader import unknown_method_hint

MIN_WORDS = 700
MIN_SELF_CHECKS = 2
MIN_REFLECTIONS = 1
GROUP_EXERCISE = re.compile(r"^##\s+Group exercise\b", re.IGNORECASE)
BLOCK_OPEN = re.compile(r"^:::\s*\S")
BLOCK_CLOSE = re.compile(r"^:::\s*$")
WORD = re.compile(r"[^\W\d_][\w'’-]*")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
HTML_TAG = re.compile(r"<[^>]+>")


def words_outside_blocks(body: str) -> int:
    """Words of prose: not inside `:::` blocks, code fences, link targets or HTML tags."""
    prose: list[str] = []
    in_block = False
    for _, line in prose_lines(body, 1):
        if line.startswith(":::"):  # both block patterns start so; most lines are prose
            if in_block:
                in_block = not BLOCK_CLOSE.match(line)
                continue
            if BLOCK_OPEN.match(line):
                in_block = True
                continue
        elif in_block:
            continue
        if "](" in line:
            line = LINK_TARGET.sub("]", line)
        if "<" in line:
            line = HTML_TAG.sub(" ", line)
        prose.append(line)
    # One findall over all lines: a word never spans the newline that joins them.
    return len(WORD.findall("\n".join(prose)))


def check_body(
    path: Path,
    body: str,
    first_line: int,
    method_slugs: Collection[str],
    activity_ids: Collection[str] | None,
    errors: list[ContentError],
    draft: bool = False,
) -> tuple[str, ...]:
    """Check one module body; return the activity ids it embeds, in order of appearance.

    A draft's blocks must parse and point at things that exist (so the preview renders), but
    the substance rules (words, self-checks, reflection, group exercise) wait until it is
    published: a trainer can preview a half-written module.
    """
    from site_builder.markdown.blocks import (
        ActivityRef,
        BlockSyntaxError,
        MethodTimelineRef,
        Reflection,
        SelfCheck,
        parse_blocks,
    )

    parsed = True
    try:
        blocks = parse_blocks(body, first_line)
    except BlockSyntaxError as exc:
        parsed = False
        errors.append(
            ContentError(
                path, exc.line, None, exc.message, "see 'Courseware blocks' in docs/authoring.md"
            )
        )
        blocks = []
    if parsed and not draft:
        self_checks = sum(isinstance(block, SelfCheck) for block in blocks)
        reflections = sum(isinstance(block, Reflection) for block in blocks)
        if self_checks < MIN_SELF_CHECKS:
            errors.append(
                ContentError(
                    path,
                    None,
                    None,
                    f"has {self_checks} self-check question(s); a module needs at least "
                    f"{MIN_SELF_CHECKS}",
                    "add '::: self-check' blocks",
                )
            )
        if reflections < MIN_REFLECTIONS:
            errors.append(
                ContentError(
                    path, None, None, "has no reflection prompt", "add a '::: reflection' block"
                )
            )
    embedded: list[str] = []
    for block in blocks:
        if isinstance(block, ActivityRef):
            if activity_ids is None:  # course.yml is broken: that error is reported already
                continue
            if block.activity in activity_ids:
                if block.activity not in embedded:
                    embedded.append(block.activity)
            else:
                known = ", ".join(sorted(activity_ids)) or "none declared"
                errors.append(
                    ContentError(
                        path,
                        block.line,
                        None,
                        f"unknown activity {block.activity!r}",
                        f"declare it under 'activities' in course.yml; known: {known}",
                    )
                )
        elif isinstance(block, MethodTimelineRef) and block.method not in method_slugs:
            errors.append(
                ContentError(
                    path,
                    block.line,
                    None,
                    f"unknown method {block.method!r}",
                    unknown_method_hint(block.method, method_slugs),
                )
            )
    if not draft:
        _check_substance(path, body, errors)
    return tuple(embedded)


def _check_substance(path: Path, body: str, errors: list[ContentError]) -> None:
    """What a published module needs beyond valid syntax."""
    words = words_outside_blocks(body)
    if words < MIN_WORDS:
        errors.append(
            ContentError(
                path,
                None,
                None,
                f"has {words} words outside blocks; a module needs at least {MIN_WORDS}",
                "explain the topic in more depth, with examples",
            )
        )
    if not any(
        line.startswith("##") and GROUP_EXERCISE.match(line) for _, line in prose_lines(body, 1)
    ):
        errors.append(
            ContentError(
                path,
                None,
                None,
                "has no '## Group exercise' section",
                "add a heading '## Group exercise' with an exercise a group can do",
            )
        )
