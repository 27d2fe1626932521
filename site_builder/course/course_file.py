"""Load and check `content/course.yml`: title, language, module order and LMS activities."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.course.errors import ContentError
from site_builder.course.fields import FieldReader
from site_builder.course.methods_loader import unknown_method_hint
from site_builder.course.model import ACTIVITY_TYPES, KEBAB_CASE, Activity

COURSE_FIELDS = ("title", "language", "description", "modules", "activities")
ACTIVITY_FIELDS = ("id", "type", "title", "description", "method")
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


@dataclass
class CourseFile:
    """What course.yml says, with the line of each listed module for later errors."""

    path: Path
    title: str = ""
    language: str = "en"
    description: str = ""
    module_slugs: list[str] = field(default_factory=list)
    module_lines: dict[str, int] = field(default_factory=dict)
    modules_read: bool = False
    activities_read: bool = False
    activities: dict[str, Activity] = field(default_factory=dict)


def course_path(content_dir: Path) -> Path:
    return content_dir / "course.yml"


def read_course_file(
    content_dir: Path, method_slugs: Collection[str], errors: list[ContentError]
) -> CourseFile:
    path = course_path(content_dir)
    course = CourseFile(path)
    if not path.is_file():
        errors.append(
            ContentError(
                path,
                None,
                None,
                "course.yml is missing",
                "create it with title, language, description and modules",
            )
        )
        return course
    reader = FieldReader.from_file(path, errors, "course", COURSE_FIELDS)
    if reader is None:
        return course
    course.title = reader.text("title") or ""
    course.description = reader.text("description") or ""
    language = reader.text("language")
    if language is not None and not LANGUAGE_CODE.match(language):
        reader.error(
            ("language",), f"expected a two-letter ISO 639-1 code like 'en', got {language!r}"
        )
    elif language is not None:
        course.language = language
    for item_path, slug in reader.items("modules", minimum=1):
        if not isinstance(slug, str) or not KEBAB_CASE.match(slug):
            reader.error(
                item_path, f"expected a module slug like 'what-is-intervision', got {slug!r}"
            )
        elif slug in course.module_lines:
            reader.error(item_path, f"module {slug!r} is listed twice")
        else:
            course.module_slugs.append(slug)
            course.module_lines[slug] = reader.document.line_of(item_path) or 1
    course.modules_read = isinstance(reader.mapping.get("modules"), list)
    course.activities = _activities(reader, method_slugs)
    course.activities_read = True
    return course


def _activities(reader: FieldReader, method_slugs: Collection[str]) -> dict[str, Activity]:
    activities: dict[str, Activity] = {}
    for path, value in reader.items("activities", required=False):
        item = reader.child(path, value, "activity")
        if not item.valid:
            continue
        item.reject_unknown(ACTIVITY_FIELDS)
        activity_id = item.slug("id")
        kind = item.choice("type", ACTIVITY_TYPES)
        title, description = item.text("title"), item.text("description")
        method = item.slug("method", required=kind == "peer-feedback")
        if method is not None and method not in method_slugs:
            item.error(
                (*path, "method"),
                f"unknown method {method!r}",
                unknown_method_hint(method, method_slugs),
            )
            continue
        if activity_id is not None and activity_id in activities:
            item.error((*path, "id"), f"activity id {activity_id!r} is used twice")
            continue
        if activity_id and kind and title and description:
            activities[activity_id] = Activity(activity_id, kind, title, description, method)
    return activities
