"""Values and errors of the courseware `:::` blocks, shared by the parsers and renderers."""

from __future__ import annotations

from dataclasses import dataclass


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
    id: str | None = None
    """Explicit `id=…`; without it the saved answer is keyed by a hash of the question."""


@dataclass(frozen=True)
class Reflection:
    prompt: str
    id: str | None
    line: int


@dataclass(frozen=True)
class MethodTimelineRef:
    method: str
    line: int
    searchable: bool = False
    """Only the method's own page puts the phases in the site search (see block_html)."""


@dataclass(frozen=True)
class ActivityRef:
    activity: str
    line: int


Block = SelfCheck | Reflection | MethodTimelineRef | ActivityRef
