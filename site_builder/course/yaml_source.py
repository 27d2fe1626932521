"""YAML with line numbers: PyYAML's node marks tell us where each field was written, so an
error can point at the exact line of a bad value instead of just the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from site_builder.course.errors import ContentError

FieldPath = tuple[str | int, ...]

# libyaml (C) parses ~10x faster and keeps line marks; the pure-Python loader is the fallback
# when PyYAML was built without it.
FAST_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def field_name(path: FieldPath) -> str:
    """('phases', 2, 'minutes') -> 'phases[2].minutes', as an author reads it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass
class YamlDocument:
    """Parsed YAML plus the line of every field (1-based, absolute in the file)."""

    path: Path
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)
    first_line: int = 1

    def line_of(self, path: FieldPath) -> int | None:
        """The line of a field, or of its closest written parent when the field is missing."""
        probe = path
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.first_line


def read_source(path: Path, errors: list[ContentError]) -> str | None:
    """File text, or a ContentError when it is not UTF-8 (e.g. saved as Windows-1252)."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.append(
            ContentError(
                path,
                None,
                None,
                f"is not UTF-8 text (byte {exc.start})",
                "save the file with UTF-8 encoding in your editor",
            )
        )
    except OSError as exc:
        errors.append(ContentError(path, None, None, f"cannot be read: {exc.strerror}"))
    return None


def parse_yaml(
    text: str, path: Path, errors: list[ContentError], first_line: int = 1
) -> YamlDocument | None:
    """Parse YAML; syntax errors and duplicate keys become ContentErrors with their line."""
    offset = first_line - 1
    try:
        node, data = _compose_and_construct(text, FAST_LOADER)
    except yaml.YAMLError:
        # libyaml words some errors differently: re-parse with the pure-Python loader so the
        # message and line an author sees do not depend on how PyYAML was installed.
        pass
    else:
        return _document(path, node, data, errors, first_line)
    try:
        node, data = _compose_and_construct(text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is found far below where it opened: point at the opening.
        opened = exc.context is not None and ("flow" in exc.context or "quoted" in exc.context)
        mark = exc.context_mark if opened and exc.context_mark else exc.problem_mark
        mark = mark or exc.context_mark
        line = mark.line + 1 + offset if mark is not None else first_line
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        errors.append(
            ContentError(
                path,
                line,
                None,
                f"YAML syntax error: {problem}",
                "check indentation, a missing ':' or an unquoted ': ' or '#' inside a text",
            )
        )
        return None
    except yaml.YAMLError as exc:
        errors.append(ContentError(path, first_line, None, f"YAML error: {exc}"))
        return None
    return _document(path, node, data, errors, first_line)


def _compose_and_construct(text: str, loader_class: type[Any]) -> tuple[yaml.Node | None, Any]:
    """One parse giving both the node tree (with line marks) and the data built from it."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def _document(
    path: Path, node: yaml.Node | None, data: Any, errors: list[ContentError], first_line: int
) -> YamlDocument:
    document = YamlDocument(path, data, first_line=first_line)
    if node is not None:
        _record_lines(node, (), document, errors, first_line - 1)
    return document


def _record_lines(
    node: yaml.Node,
    path: FieldPath,
    document: YamlDocument,
    errors: list[ContentError],
    offset: int,
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                errors.append(
                    ContentError(
                        document.path,
                        line,
                        field_name(child),
                        "is written twice; YAML would silently keep only the last one",
                        "remove or merge the duplicate",
                    )
                )
            seen.add(key)
            document.lines.setdefault(child, line)
            _record_lines(value_node, child, document, errors, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            document.lines[child] = item.start_mark.line + 1 + offset
            _record_lines(item, child, document, errors, offset)


@dataclass(frozen=True)
class FrontMatterSplit:
    yaml_text: str
    yaml_first_line: int
    body: str
    body_first_line: int


def split_front_matter(
    text: str, path: Path, errors: list[ContentError]
) -> FrontMatterSplit | None:
    """Front matter is YAML between a first line '---' and the next '---' (or '...') line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        errors.append(
            ContentError(
                path,
                1,
                None,
                "the file does not start with YAML front matter",
                "put a line '---', the fields (title, summary, ...) and another '---' at the top",
            )
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return FrontMatterSplit(
                yaml_text="".join(lines[1:index]),
                yaml_first_line=2,
                body="".join(lines[index + 1 :]),
                body_first_line=index + 2,
            )
    errors.append(
        ContentError(
            path,
            1,
            None,
            "the front matter is never closed",
            "add a line '---' after the last front matter field",
        )
    )
    return None
