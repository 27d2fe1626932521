"""`intervision new-module`: a new module file that already follows docs/authoring.md, and its
slug appended to course.yml without rewriting the rest of that file (comments stay)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from site_builder.course.course_file import course_path
from site_builder.course.modules_loader import MODULE_FILE, modules_dir, slug_of


class NewModuleError(Exception):
    """Why a module could not be created, in words for the person who asked."""


@dataclass(frozen=True)
class NewModule:
    path: Path
    slug: str
    number: int


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def create_module(content_dir: Path, title: str) -> NewModule:
    slug = slugify(title)
    if not slug:
        raise NewModuleError(f"cannot make a file name from the title {title!r}; use letters")
    folder = modules_dir(content_dir)
    existing = sorted(folder.glob("*.md")) if folder.is_dir() else []
    clash = next((path for path in existing if slug_of(path) == slug), None)
    if clash is not None:
        raise NewModuleError(f"{clash} already exists with the slug {slug!r}; not overwriting it")
    prefixes = [match.group("number") for p in existing if (match := MODULE_FILE.match(p.name))]
    number = max((int(prefix) for prefix in prefixes), default=0) + 1
    # Same width as the widest existing prefix (at least two digits), so files list in order.
    width = max([2, len(str(number)), *(len(prefix) for prefix in prefixes)])
    course_file = course_path(content_dir)
    if not course_file.is_file():
        raise NewModuleError(f"{course_file} does not exist; is this the project folder?")
    updated_course = _with_module_listed(course_file.read_text(encoding="utf-8"), slug)
    path = folder / f"{number:0{width}d}-{slug}.md"
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite
        handle.write(module_template(title))
    course_file.write_text(updated_course, encoding="utf-8")
    return NewModule(path, slug, number)


def _with_module_listed(text: str, slug: str) -> str:
    """Insert the slug after the last entry of `modules:`, keeping layout and comments."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise NewModuleError(f"course.yml is not valid YAML, fix it first: {exc}") from None
    if not isinstance(root, yaml.MappingNode):
        raise NewModuleError("course.yml must be a mapping with a 'modules' list")
    sequence = next((value for key, value in root.value if key.value == "modules"), None)
    if sequence is None:
        separator = "" if text.endswith("\n") or not text else "\n"
        return f"{text}{separator}modules:\n  - {slug}\n"
    if not isinstance(sequence, yaml.SequenceNode):
        raise NewModuleError("'modules' in course.yml must be a list")
    if slug in [item.value for item in sequence.value]:
        raise NewModuleError(f"course.yml already lists {slug!r}")
    lines = text.splitlines(keepends=True)
    if sequence.flow_style:
        offset = _offset(lines, sequence.end_mark.line, sequence.end_mark.column) - 1
        insert = f", {slug}" if sequence.value else slug
        return text[:offset] + insert + text[offset:]
    last = sequence.value[-1]
    line = lines[last.start_mark.line]
    indent = line[: len(line) - len(line.lstrip())]
    end_line = last.end_mark.line if last.end_mark.column else last.end_mark.line - 1
    position = end_line + 1
    if not lines[end_line].endswith("\n"):
        lines[end_line] += "\n"
    lines.insert(position, f"{indent}- {slug}\n")
    return "".join(lines)


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(text) for text in lines[:line]) + column


def module_template(title: str) -> str:
    safe_title = title.replace('"', "'")
    return f'''---
title: "{safe_title}"
summary: One or two sentences that tell a learner what this module offers.
duration_minutes: 45
level: introductory
objectives:
  - Describe what a learner can do after this module.
  - Name a second thing a learner can do afterwards.
prerequisites: []
tags: []
draft: true  # previewed by `mkdocs serve`, not published; remove this line when ready
---

# {title}

Write at least 700 words here: explain the idea, give an example from practice, and say what
goes wrong and why.

::: self-check
? Replace this with a question about the most important idea of the module.

- [x] The right answer.
  > Explain why this is right.
- [ ] A plausible wrong answer.
  > Explain why this is wrong.
:::

::: self-check
? Replace this with a second question.

- [ ] A plausible wrong answer.
  > Explain why this is wrong.
- [x] The right answer.
  > Explain why this is right.
:::

::: reflection
Replace this with a question that makes learners connect the module to their own work.
:::

## Group exercise

Describe an exercise a group of colleagues can do together: who does what, for how long, and
what they discuss afterwards.
'''
