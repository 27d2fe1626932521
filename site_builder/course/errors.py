"""Errors for people who write content: each names the file, the line, the field and a fix.

The loader collects every problem across all files before raising, so one `intervision check`
run shows the whole list instead of one error per attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it lies below it (shorter, clickable)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file."""

    path: Path
    line: int | None
    field: str | None
    message: str
    hint: str = ""

    @property
    def location(self) -> str:
        where = display_path(self.path)
        return f"{where}:{self.line}" if self.line is not None else where

    def __str__(self) -> str:
        subject = f"field '{self.field}': " if self.field else ""
        text = f"{self.location}: {subject}{self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def sort_key(self) -> tuple[str, int]:
        return (self.path.as_posix(), self.line or 0)


class CourseValidationError(Exception):
    """All content errors found in one load, in file and line order."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(errors, key=ContentError.sort_key)
        super().__init__(self.summary())

    def summary(self) -> str:
        count = len(self.errors)
        heading = f"{count} content error{'s' if count != 1 else ''}:"
        return "\n".join([heading, *(str(error) for error in self.errors)])

    def __str__(self) -> str:
        return self.summary()
