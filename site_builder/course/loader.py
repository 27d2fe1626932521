"""Load the whole course from `content/` and check it: every file, then every reference
between files. All problems are collected and raised together as CourseValidationError.

No mkdocs import: the same loader runs in the plugin, in `intervision check` and as the
`python -m site_builder` pre-build step for Zensical.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from site_builder.course.body_checks import check_body
from site_builder.course.course_file import CourseFile, course_path, read_course_file
from site_builder.course.errors import ContentError, CourseValidationError
from site_builder.course.links import check_links
from site_builder.course.methods_loader import collect_methods, methods_dir, unknown_method_hint
from site_builder.course.model import Activity, Course, Method, Module
from site_builder.course.modules_loader import (
    module_files,
    number_of,
    read_module,
    read_module_text,
    slug_of,
)
from site_builder.course.prerequisites import check_prerequisites
from site_builder.course.scaffold import check_no_placeholders

OVERVIEW_PAGE = "index.md"


def method_page(slug: str) -> str:
    """Docs-relative path of a generated method page."""
    return f"methods/{slug}.md"


def load_methods(content_dir: Path) -> dict[str, Method]:
    errors: list[ContentError] = []
    methods = collect_methods(content_dir, errors)
    _raise_if(errors)
    return methods


def load_activities(content_dir: Path) -> dict[str, Activity]:
    """Activities from course.yml; their methods are checked against the method files present."""
    errors: list[ContentError] = []
    course_file = read_course_file(content_dir, _method_file_slugs(content_dir), errors)
    _raise_if(errors)
    return course_file.activities


def load_course(content_dir: Path, include_drafts: bool = False) -> Course:
    """The course as published: draft modules are checked but left out of `modules` (they
    are in `drafts`); `include_drafts` keeps them in, for the live preview."""
    errors: list[ContentError] = []
    if not content_dir.is_dir():
        raise CourseValidationError(
            [
                ContentError(
                    content_dir,
                    None,
                    None,
                    "the content folder does not exist",
                    "run the command from the project folder or pass --content-dir",
                )
            ]
        )
    methods = collect_methods(content_dir, errors)
    method_slugs = _method_file_slugs(content_dir)
    course_file = read_course_file(content_dir, method_slugs, errors)
    generated = {OVERVIEW_PAGE, *(method_page(slug) for slug in method_slugs)}
    modules, file_slugs = _load_modules(content_dir, course_file, method_slugs, generated, errors)
    check_prerequisites(modules, file_slugs, errors)
    if not include_drafts:
        _check_no_draft_prerequisites(modules, errors)
    _raise_if(errors)
    listed = tuple(modules[slug] for slug in course_file.module_slugs)
    return Course(
        title=course_file.title,
        language=course_file.language,
        description=course_file.description,
        modules=tuple(m for m in listed if include_drafts or not m.draft),
        drafts=tuple(m for m in listed if m.draft),
        methods=methods,
        activities=course_file.activities,
        content_dir=content_dir,
    )


def _load_modules(
    content_dir: Path,
    course_file: CourseFile,
    method_slugs: set[str],
    generated_pages: set[str],
    errors: list[ContentError],
) -> tuple[dict[str, Module], set[str]]:
    """Modules whose files loaded cleanly, and the slugs of all module files."""
    modules: dict[str, Module] = {}
    first_file: dict[str, Path] = {}
    numbers: dict[int, Path] = {}
    for path in module_files(content_dir, errors):
        slug = slug_of(path)
        number = number_of(path)
        if slug in first_file:
            errors.append(
                ContentError(
                    path,
                    None,
                    None,
                    f"duplicate slug {slug!r}: {first_file[slug].name} has it too",
                    "give each module a unique slug",
                )
            )
            continue
        first_file[slug] = path
        if number in numbers:
            errors.append(
                ContentError(
                    path,
                    None,
                    None,
                    f"module number {number:02d} is also used by {numbers[number].name}",
                    "give each module its own number",
                )
            )
        numbers[number] = path
        if course_file.modules_read and slug not in course_file.module_lines:
            errors.append(
                ContentError(
                    path,
                    None,
                    None,
                    f"module {slug!r} is not listed in course.yml",
                    f"add '  - {slug}' to 'modules' in content/course.yml",
                )
            )
        split = read_module_text(path, errors)
        if split is None:
            continue
        module = read_module(path, split, errors)
        draft = module is not None and module.draft
        embedded = check_body(
            path,
            split.body,
            split.body_first_line,
            method_slugs,
            course_file.activities.keys() if course_file.activities_read else None,
            errors,
            draft=draft,
        )
        if module is not None and not draft:
            check_no_placeholders(path, split.yaml_text, split.yaml_first_line, errors)
            check_no_placeholders(path, split.body, split.body_first_line, errors)
        check_links(path, split.body, split.body_first_line, content_dir, generated_pages, errors)
        if module is None:
            continue
        if module.method is not None and module.method not in method_slugs:
            errors.append(
                ContentError(
                    path,
                    module.line_of("method"),
                    "method",
                    f"unknown method {module.method!r}",
                    unknown_method_hint(module.method, method_slugs),
                )
            )
        modules[slug] = dataclasses.replace(module, activities=embedded)
    for slug, line in course_file.module_lines.items():
        if slug not in first_file:
            errors.append(
                ContentError(
                    course_path(content_dir),
                    line,
                    "modules",
                    f"module {slug!r} is listed but content/modules/NN-{slug}.md does not exist",
                    "create it with 'intervision new-module' or remove it from the list",
                )
            )
    return modules, set(first_file)


def _check_no_draft_prerequisites(modules: dict[str, Module], errors: list[ContentError]) -> None:
    """A published module cannot send learners to a draft: the draft is not in the site."""
    for module in modules.values():
        if module.draft:
            continue
        for slug in module.prerequisites:
            required = modules.get(slug)
            if required is not None and required.draft:
                errors.append(
                    ContentError(
                        module.path,
                        module.line_of("prerequisites"),
                        "prerequisites",
                        f"module {slug!r} is a draft, so it is not published",
                        f"publish it (remove 'draft: true' from {required.path.name}) or "
                        "remove it from the prerequisites",
                    )
                )


def _method_file_slugs(content_dir: Path) -> set[str]:
    """Slugs of method files present, valid or not: avoids a second error per bad method."""
    folder = methods_dir(content_dir)
    return {path.stem for path in folder.glob("*.yml")} if folder.is_dir() else set()


def _raise_if(errors: list[ContentError]) -> None:
    if errors:
        raise CourseValidationError(errors)
