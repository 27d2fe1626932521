"""Typed reads of YAML fields that record a ContentError (with line and field) instead of
raising, so one pass over a file reports every bad field at once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from site_builder.course.errors import ContentError
from site_builder.course.model import KEBAB_CASE
from site_builder.course.yaml_source import (
    FieldPath,
    YamlDocument,
    field_name,
    parse_yaml,
    read_source,
)

Option = TypeVar("Option", bound=str)


def describe(value: Any) -> str:
    """Name a YAML value's type the way an author thinks of it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    return type(value).__name__


class FieldReader:
    """Reads one YAML mapping (the whole document or a nested item) field by field."""

    def __init__(
        self,
        document: YamlDocument,
        errors: list[ContentError],
        path: FieldPath = (),
        value: Any = None,
    ) -> None:
        self.document = document
        self.errors = errors
        self.path = path
        self.mapping: dict[str, Any] = value if isinstance(value, dict) else {}
        self.valid = isinstance(value, dict)

    @classmethod
    def root(cls, document: YamlDocument, errors: list[ContentError], what: str) -> FieldReader:
        reader = cls(document, errors, (), document.data)
        if not reader.valid:
            reader.error((), f"expected a mapping of {what} fields, got {describe(document.data)}")
        return reader

    @classmethod
    def from_text(
        cls,
        text: str,
        path: Path,
        errors: list[ContentError],
        what: str,
        fields: Iterable[str],
        first_line: int = 1,
    ) -> FieldReader | None:
        """The reader of a YAML mapping of `what` fields, unknown fields already reported;
        None when there is no mapping to read (why is in `errors`)."""
        document = parse_yaml(text, path, errors, first_line=first_line)
        if document is None:
            return None
        reader = cls.root(document, errors, what)
        if not reader.valid:
            return None
        reader.reject_unknown(fields)
        return reader

    @classmethod
    def from_file(
        cls, path: Path, errors: list[ContentError], what: str, fields: Iterable[str]
    ) -> FieldReader | None:
        """Like from_text, for a whole YAML file (an unreadable file is an error too)."""
        text = read_source(path, errors)
        return cls.from_text(text, path, errors, what, fields) if text is not None else None

    def error(self, path: FieldPath, message: str, hint: str = "") -> None:
        self.errors.append(
            ContentError(
                self.document.path,
                self.document.line_of(path),
                field_name(path) or None,
                message,
                hint,
            )
        )

    def child(self, path: FieldPath, value: Any, what: str) -> FieldReader:
        reader = FieldReader(self.document, self.errors, path, value)
        if not reader.valid:
            self.error(path, f"expected a mapping of {what} fields, got {describe(value)}")
        return reader

    def reject_unknown(self, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for key in self.mapping:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
            self.error((*self.path, str(key)), "is not a known field", hint)

    def _get(self, name: str, required: bool) -> tuple[FieldPath, Any, bool]:
        path = (*self.path, name)
        if name not in self.mapping or self.mapping[name] is None:
            if required and self.valid:
                self.error(path, "is required but missing", f"add a line '{name}: ...'")
            return path, None, False
        return path, self.mapping[name], True

    def text(self, name: str, required: bool = True) -> str | None:
        path, value, present = self._get(name, required)
        if not present:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(path, f"expected a non-empty text, got {describe(value)}")
            return None
        return value.strip()

    def slug(self, name: str, required: bool = True) -> str | None:
        value = self.text(name, required)
        if value is not None and not KEBAB_CASE.match(value):
            self.error(
                (*self.path, name), f"expected a kebab-case id like 'case-bringer', got {value!r}"
            )
            return None
        return value

    def integer(
        self, name: str, low: int, high: int | None = None, required: bool = True
    ) -> int | None:
        path, value, present = self._get(name, required)
        if not present:
            return None
        upper = f" to {high}" if high is not None else " or more"
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"expected a whole number {low}{upper}, got {describe(value)}")
            return None
        if value < low or (high is not None and value > high):
            self.error(path, f"expected a whole number {low}{upper}, got {value}")
            return None
        return value

    def boolean(self, name: str, required: bool = True) -> bool | None:
        path, value, present = self._get(name, required)
        if not present:
            return None
        if not isinstance(value, bool):
            self.error(path, f"expected true or false, got {describe(value)}")
            return None
        return value

    def choice(self, name: str, options: Sequence[Option], required: bool = True) -> Option | None:
        """One of `options`, typed as they are (a Literal stays a Literal)."""
        path, value, present = self._get(name, required)
        if not present:
            return None
        if value not in options:
            self.error(path, f"expected one of {', '.join(options)}, got {value!r}")
            return None
        return options[options.index(value)]

    def items(
        self, name: str, required: bool = True, minimum: int = 0
    ) -> list[tuple[FieldPath, Any]]:
        """The entries of a list field with their paths; records an error if it is no list."""
        path, value, present = self._get(name, required)
        if not present:
            return []
        if not isinstance(value, list):
            self.error(
                path, f"expected a list, got {describe(value)}", "write one '- item' per line"
            )
            return []
        if len(value) < minimum:
            self.error(path, f"expected at least {minimum} entries, got {len(value)}")
        return [((*path, index), item) for index, item in enumerate(value)]

    def text_list(self, name: str, required: bool = True, minimum: int = 0) -> tuple[str, ...]:
        result: list[str] = []
        for path, item in self.items(name, required, minimum):
            if isinstance(item, str) and item.strip():
                result.append(item.strip())
            else:
                self.error(path, f"expected a non-empty text, got {describe(item)}")
        return tuple(result)

    def slug_list(self, name: str, required: bool = True) -> tuple[str, ...]:
        result: list[str] = []
        for path, item in self.items(name, required):
            if isinstance(item, str) and KEBAB_CASE.match(item):
                result.append(item)
            else:
                self.error(path, f"expected a kebab-case slug, got {describe(item)}")
        return tuple(result)
