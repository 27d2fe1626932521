"""Read `content/modules/NN-slug.md`: the file name gives number and slug, the YAML front
matter gives the module's metadata. Body rules live in body_checks.py.

NN is two or more digits (`07-…`, `123-…`, `0123-…`), so a course is not capped at 99 modules.
"""

from __future__ import annotations

import re
from pathlib import Path

from site_builder.course.errors import ContentError
from site_builder.course.fields import FieldReader
from site_builder.course.model import LEVELS, Module
from site_builder.course.yaml_source import (
    FrontMatterSplit,
    read_source,
    split_front_matter,
)

MODULE_FILE = re.compile(r"^(?P<number>\d{2,})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
MODULE_FIELDS = (
    "title",
    "summary",
    "duration_minutes",
    "self_study_minutes",
    "group_session_minutes",
    "level",
    "objectives",
    "prerequisites",
    "method",
    "tags",
    "draft",
)


def modules_dir(content_dir: Path) -> Path:
    return content_dir / "modules"


def module_files(content_dir: Path, errors: list[ContentError]) -> list[Path]:
    """Markdown files in modules/ with a valid NN-slug.md name; others are reported."""
    folder = modules_dir(content_dir)
    if not folder.is_dir():
        return []
    valid: list[Path] = []
    for path in sorted(folder.glob("*.md")):
        if MODULE_FILE.match(path.name):
            valid.append(path)
        else:
            errors.append(
                ContentError(
                    path,
                    None,
                    None,
                    "a module file name must be NN-slug.md (two or more digits, a hyphen, a "
                    "kebab-case slug), like 07-collegial-counselling.md or 123-peer-groups.md",
                    "rename the file, and list its slug in course.yml",
                )
            )
    return valid


def number_of(path: Path) -> int:
    """The module number of a valid file name (`0123-slug.md` -> 123)."""
    match = MODULE_FILE.match(path.name)
    if match is None:
        raise ValueError(f"{path.name} is not a module file name")
    return int(match.group("number"))


def slug_of(path: Path) -> str:
    match = MODULE_FILE.match(path.name)
    return match.group("slug") if match else path.stem


def read_module_text(path: Path, errors: list[ContentError]) -> FrontMatterSplit | None:
    text = read_source(path, errors)
    return split_front_matter(text, path, errors) if text is not None else None


def read_module(path: Path, split: FrontMatterSplit, errors: list[ContentError]) -> Module | None:
    """The module with its metadata; `activities` is filled in later from its blocks."""
    match = MODULE_FILE.match(path.name)
    assert match is not None, "module_files() only returns valid names"
    before = len(errors)
    reader = FieldReader.from_text(
        split.yaml_text,
        path,
        errors,
        "front matter",
        MODULE_FIELDS,
        first_line=split.yaml_first_line,
    )
    if reader is None:
        return None
    title, summary = reader.text("title"), reader.text("summary")
    duration = reader.integer("duration_minutes", 5, 600)
    self_study = reader.integer("self_study_minutes", 5, 600, required=False)
    group_session = reader.integer("group_session_minutes", 0, 600, required=False)
    level = reader.choice("level", LEVELS)
    objectives = reader.text_list("objectives", minimum=2)
    prerequisites = reader.slug_list("prerequisites")
    method = reader.slug("method", required=False)
    tags = reader.text_list("tags", required=False)
    draft = reader.boolean("draft", required=False) or False
    if (
        len(errors) > before
        or title is None
        or summary is None
        or duration is None
        or level is None
    ):
        return None
    return Module(
        slug=match.group("slug"),
        number=int(match.group("number")),
        title=title,
        summary=summary,
        duration_minutes=duration,
        self_study_minutes=self_study,
        group_session_minutes=group_session,
        level=level,
        objectives=objectives,
        prerequisites=prerequisites,
        path=path,
        body=split.body,
        body_first_line=split.body_first_line,
        method=method,
        tags=tags,
        draft=draft,
        field_lines={
            str(path[0]): line for path, line in reader.document.lines.items() if len(path) == 1
        },
    )
