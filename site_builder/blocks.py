"""Parser for the courseware `:::` blocks described in docs/authoring.md.

Pure text in, frozen values out: no Markdown import, so the loader (word counts, module
checks), the Markdown extension and the exporters all read blocks the same way, and every
syntax error names the absolute line and says how to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BLOCK_KINDS = ("self-check", "reflection", "method-timeline", "activity")

_OPEN = re.compile(r"^:::[ \t]*(?P<kind>\S+)?(?P<args>.*?)[ \t]*$")
_FENCE = re.compile(r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})")
_QUESTION = re.compile(r"^\?[ \t]+(?P<text>\S.*)$")
_OPTION = re.compile(r"^- \[(?P<mark>[ xX])\][ \t]+(?P<text>\S.*)$")
_FEEDBACK = re.compile(r"^  >(?:[ \t]+(?P<text>.*))?$")
_CONTINUATION = re.compile(r"^[ ]{2,}(?P<text>[^ >].*)$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ID_ARG = re.compile(r"^id=(?P<id>\S+)$")


class BlockError(Exception):
    """A problem with a courseware block, at an absolute line, with a fix in the message."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class BlockSyntaxError(BlockError):
    """A courseware block that does not follow docs/authoring.md."""


@dataclass(frozen=True)
class SelfCheckOption:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class SelfCheck:
    question: str
    multiple: bool
    options: tuple[SelfCheckOption, ...]
    line: int


@dataclass(frozen=True)
class Reflection:
    prompt: str
    id: str | None
    line: int


@dataclass(frozen=True)
class MethodTimelineRef:
    method: str
    line: int


@dataclass(frozen=True)
class ActivityRef:
    activity: str
    line: int


Block = SelfCheck | Reflection | MethodTimelineRef | ActivityRef


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
        fence_match = _FENCE.match(line)
        if fence_match:
            fence = fence_match.group("fence")
            index += 1
            continue
        if line.startswith(":::"):
            end = _find_close(lines, index, first_line)
            block = _parse_block(lines, index, end, first_line)
            spans.append(BlockSpan(index, end, block))
            index = end + 1
            continue
        index += 1
    _require_unique_reflection_ids(spans)
    return spans


def _require_unique_reflection_ids(spans: list[BlockSpan]) -> None:
    seen: dict[str, int] = {}
    for span in spans:
        block = span.block
        if not isinstance(block, Reflection) or block.id is None:
            continue
        if block.id in seen:
            raise BlockSyntaxError(
                block.line,
                f"reflection id '{block.id}' is already used on line {seen[block.id]}; "
                "give each reflection on a page its own id",
            )
        seen[block.id] = block.line


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
    line_number = first_line + start
    kind = _kind_of(lines[start], line_number)
    match = _OPEN.match(lines[start])
    args = (match.group("args") if match else "").split()
    body = lines[start + 1 : end]
    if kind == "self-check":
        if args not in ([], ["multiple"]):
            raise BlockSyntaxError(
                line_number,
                f"'::: self-check' takes no argument or 'multiple', not '{' '.join(args)}'",
            )
        return _parse_self_check(body, line_number, multiple=args == ["multiple"])
    if kind == "reflection":
        return _parse_reflection(body, args, line_number)
    slug = _single_slug(kind, args, line_number)
    _require_empty_body(kind, body, line_number)
    if kind == "method-timeline":
        return MethodTimelineRef(method=slug, line=line_number)
    return ActivityRef(activity=slug, line=line_number)


def _single_slug(kind: str, args: list[str], line_number: int) -> str:
    what = "method slug" if kind == "method-timeline" else "activity id"
    if len(args) != 1 or not _SLUG.match(args[0]):
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
        if not id_match or not _SLUG.match(id_match.group("id")):
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


@dataclass
class _OptionDraft:
    text: list[str]
    correct: bool
    line: int
    feedback: list[str]


def _parse_self_check(body: list[str], line_number: int, *, multiple: bool) -> SelfCheck:
    question: list[str] = []
    options: list[_OptionDraft] = []
    previous_blank = False
    for offset, line in enumerate(body, start=1):
        here = line_number + offset
        if not line.strip():
            previous_blank = True
            continue
        option = _OPTION.match(line)
        feedback = _FEEDBACK.match(line)
        continuation = _CONTINUATION.match(line)
        if option:
            mark = option.group("mark")
            options.append(_OptionDraft([option.group("text")], mark != " ", here, []))
        elif feedback:
            if not options:
                raise BlockSyntaxError(here, _stray_message(line, question, options))
            options[-1].feedback.append(feedback.group("text") or "")
        elif continuation and options and not options[-1].feedback and not previous_blank:
            options[-1].text.append(continuation.group("text"))
        elif _QUESTION.match(line):
            if question or options:
                raise BlockSyntaxError(here, _stray_message(line, question, options))
            question.append(line[1:].strip())
        elif question and not options and not previous_blank:
            question.append(line.strip())
        else:
            raise BlockSyntaxError(here, _stray_message(line, question, options))
        previous_blank = False
    return _finish_self_check(question, options, line_number, multiple=multiple)


def _stray_message(line: str, question: list[str], options: list[_OptionDraft]) -> str:
    if _QUESTION.match(line):
        return "a self-check has one question; remove this second line starting with '? '"
    if _FEEDBACK.match(line) or line.lstrip().startswith(">"):
        return (
            "feedback must be a line starting with two spaces and '> ' right under an option "
            "('- [ ] …' or '- [x] …')"
        )
    if not question:
        return (
            "stray text in the self-check: it must start with the question, a line starting "
            "with '? '"
        )
    return (
        "stray text in the self-check: after the question only options ('- [ ] text', "
        "'- [x] text'), their feedback lines ('  > text') and blank lines may follow"
    )


def _finish_self_check(
    question: list[str], drafts: list[_OptionDraft], line_number: int, *, multiple: bool
) -> SelfCheck:
    if not question:
        raise BlockSyntaxError(
            line_number,
            "the self-check has no question; add a line starting with '? ' before the options",
        )
    if len(drafts) < 2:
        raise BlockSyntaxError(
            line_number,
            f"the self-check has {len(drafts)} option(s) but needs at least 2; add options "
            "as lines '- [ ] wrong answer' and '- [x] right answer'",
        )
    for draft in drafts:
        if not " ".join(draft.feedback).strip():
            raise BlockSyntaxError(
                draft.line,
                f"self-check option '{_short(' '.join(draft.text))}' has no feedback line; "
                "add a line starting with '  > ' under it that says why it is right or wrong",
            )
    correct = sum(draft.correct for draft in drafts)
    if multiple and correct == 0:
        raise BlockSyntaxError(
            line_number,
            "the '::: self-check multiple' has no right option; mark at least one with '- [x]'",
        )
    if not multiple and correct != 1:
        raise BlockSyntaxError(
            line_number,
            f"the '::: self-check' has {correct} right options but needs exactly 1; mark one "
            "option '- [x]', or write '::: self-check multiple' if several are right",
        )
    options = tuple(
        SelfCheckOption(
            text=" ".join(draft.text).strip(),
            correct=draft.correct,
            feedback="\n".join(draft.feedback).strip(),
        )
        for draft in drafts
    )
    return SelfCheck(
        question="\n".join(question).strip(), multiple=multiple, options=options, line=line_number
    )


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
