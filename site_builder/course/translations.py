"""Load a course's translation into one language: read content/translations/<lang>/, check it
against the English source and merge it onto the source (structural fields always come from
the source). Missing files fall back to English; a translation that breaks the source's
structure is a ContentError; an out-of-date one is only reported (translation takes time).

The result is an ordinary Course in that language plus, for the site build, the Markdown of
each authored page (translated, or English with `fallback` set).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from site_builder.course.errors import ContentError, CourseValidationError, display_path
from site_builder.course.fields import FieldReader
from site_builder.course.methods_loader import METHOD_FIELDS, PHASE_FIELDS, ROLE_FIELDS
from site_builder.course.model import Activity, Course, Method, Module, Phase, Role
from site_builder.course.modules_loader import MODULE_FIELDS, read_module_text
from site_builder.course.translation_body import Body, compare_bodies, with_source_anchors
from site_builder.course.translation_files import (
    VERSION_KEY,
    FileStatus,
    State,
    extra_files,
    file_status,
    language_status,
    recorded_version,
    source_files,
    translation_languages,
)
from site_builder.course.yaml_source import FrontMatterSplit, read_source, split_front_matter

PLACEHOLDER = re.compile(r"\{\{\s*\w+\s*\}\}")
"""A marker the build replaces, like the kit index's {{ kit_cards }}: kept as it is."""
MODULE_TEXT_FIELDS = ("title", "summary", "objectives", "tags")
METHOD_TEXT_FIELDS = ("name", "also_known_as", "summary", "evidence", "roles", "phases")
ROLE_TEXT_FIELDS = ("name", "description")
PHASE_TEXT_FIELDS = ("name", "goal", "prompts")
COURSE_TEXT_FIELDS = ("title", "description", "activities")
COURSE_STRUCTURAL = ("language", "modules")
ACTIVITY_TEXT_FIELDS = ("title", "description")


@dataclass(frozen=True)
class Translation:
    """The course in one language, and the Markdown of every authored page for its site."""

    language: str
    course: Course
    pages: dict[str, str]
    """Docs-relative path -> Markdown of the page in this language (translated or English)."""
    fallback: frozenset[str]
    """Pages in `pages` that are the English source: no translation yet."""
    generated_fallback: frozenset[str]
    """Generated pages (a method's page and cards) made from an untranslated method file."""
    statuses: tuple[FileStatus, ...]


def load_translation(course: Course, language: str) -> Translation:
    """The course in `language`; raises CourseValidationError on a bad translation."""
    errors: list[ContentError] = []
    translation = _load(course, language, errors)
    if errors:
        raise CourseValidationError(errors)
    return translation


def load_translations(course: Course, languages: Iterable[str] | None = None) -> list[Translation]:
    """Every present language (or those asked for), all errors of all languages together."""
    content_dir = _content_dir(course)
    errors: list[ContentError] = []
    chosen = translation_languages(content_dir) if languages is None else list(languages)
    loaded = [_load(course, language, errors) for language in chosen]
    if errors:
        raise CourseValidationError(errors)
    return loaded


def translation_warnings(translations: Iterable[Translation]) -> list[str]:
    """Missing (one line per language) and out-of-date translations (one line each)."""
    warnings: list[str] = []
    for translation in translations:
        content_dir = _content_dir(translation.course)
        statuses = translation.statuses
        missing = [s for s in statuses if s.state is State.MISSING and not s.optional]
        if missing:
            names = ", ".join(s.source.relative_to(content_dir).as_posix() for s in missing)
            warnings.append(
                f"{translation.language}: {len(missing)} file{'s' if len(missing) != 1 else ''} "
                f"not translated yet (built in English with a notice): {names}"
            )
        for status in statuses:
            if status.state is State.OUT_OF_DATE:
                warnings.append(
                    f"{display_path(status.translation)} translates version {status.recorded} "
                    f"of {display_path(status.source)}, which is now {status.current}: bring it "
                    f"up to date and record source_version: {status.current}"
                )
    return warnings


def _content_dir(course: Course) -> Path:
    assert course.content_dir is not None, "a loaded course knows its folder"
    return course.content_dir


def _load(course: Course, language: str, errors: list[ContentError]) -> Translation:
    content_dir = _content_dir(course)
    statuses = {status.source: status for status in language_status(course, language)}
    for status in statuses.values():
        if status.state is State.NO_VERSION:
            errors.append(
                ContentError(
                    status.translation,
                    None,
                    VERSION_KEY,
                    "is missing or is not 12 hexadecimal digits",
                    f"add '{VERSION_KEY}: {status.current}' (the version of "
                    f"{display_path(status.source)} this translation translates)",
                )
            )
    for path in extra_files(content_dir, language, list(statuses)):
        errors.append(
            ContentError(
                path,
                None,
                None,
                "translates no English file: there is no file of this name in content/",
                "name it like its English source (same folder and file name)",
            )
        )
    present = {s.source: s.translation for s in statuses.values() if s.state is not State.MISSING}
    pages: dict[str, str] = {}
    fallback: set[str] = set()
    modules = [
        _module(content_dir, module, present.get(module.path), pages, fallback, errors)
        for module in course.modules
    ]
    methods = {
        slug: _method(method, present.get(method.path) if method.path else None, errors)
        for slug, method in course.methods.items()
    }
    title, description, activities = _course_file(
        course, present.get(content_dir / "course.yml"), errors
    )
    for source in source_files(course):
        src_uri = source.relative_to(content_dir).as_posix()
        if src_uri.startswith("kit/"):
            _kit_page(source, src_uri, present.get(source), pages, fallback, errors)
    translated = dataclasses.replace(
        course,
        title=title,
        description=description,
        language=language,
        modules=tuple(modules),
        drafts=course.drafts,  # English: drafts are left out of every build, untranslated
        methods=methods,
        activities=activities,
    )
    untranslated_methods = [
        slug for slug, method in course.methods.items() if methods[slug] is method
    ]
    generated = frozenset(
        page
        for slug in untranslated_methods
        for page in (f"methods/{slug}.md", f"kit/cards/{slug}.md")
    )
    return Translation(
        language, translated, pages, frozenset(fallback), generated, tuple(statuses.values())
    )


def _read_split(path: Path, errors: list[ContentError]) -> FrontMatterSplit | None:
    text = read_source(path, errors)
    if text is None:
        return None
    if not text.startswith("---"):
        return FrontMatterSplit("", 1, text, 1)
    return split_front_matter(text, path, errors)


def _structural_field(reader: FieldReader, path: tuple[str | int, ...], source: Path) -> None:
    reader.error(
        path,
        "must not be repeated in a translation: it comes from the English source",
        f"remove it; change it in {display_path(source)} if it is wrong",
    )


def _module(
    content_dir: Path,
    module: Module,
    path: Path | None,
    pages: dict[str, str],
    fallback: set[str],
    errors: list[ContentError],
) -> Module:
    source_text = module.path.read_text(encoding="utf-8")
    if path is None:
        pages[module.src_uri] = source_text
        fallback.add(module.src_uri)
        return module
    before = len(errors)
    split = read_module_text(path, errors)
    if split is None:
        return module
    reader = FieldReader.from_text(
        split.yaml_text,
        path,
        errors,
        "front matter",
        (VERSION_KEY, *MODULE_FIELDS),
        first_line=split.yaml_first_line,
    )
    if reader is None:
        return module
    for name in MODULE_FIELDS:
        if name in reader.mapping and name not in MODULE_TEXT_FIELDS:
            _structural_field(reader, (name,), module.path)
    title, summary = reader.text("title"), reader.text("summary")
    objectives = reader.text_list("objectives")
    if "objectives" in reader.mapping and len(objectives) != len(module.objectives):
        reader.error(
            ("objectives",),
            f"has {len(objectives)} objectives, the source has {len(module.objectives)}",
            f"translate each objective of {display_path(module.path)}, in its order",
        )
    tags = reader.text_list("tags", required=False) if "tags" in reader.mapping else module.tags
    compare_bodies(
        Body(module.path, module.body, module.body_first_line),
        Body(path, split.body, split.body_first_line),
        errors,
    )
    if len(errors) > before or title is None or summary is None:
        return module
    front = _front_matter(source_text)
    front.update(title=title, summary=summary, objectives=list(objectives))
    if tags:
        front["tags"] = list(tags)
    body = with_source_anchors(module.body, split.body)
    pages[module.src_uri] = _markdown(front, body)
    return dataclasses.replace(
        module,
        title=title,
        summary=summary,
        objectives=objectives,
        tags=tags,
        body=body,
        body_first_line=split.body_first_line,
        path=path,
    )


def _front_matter(text: str) -> dict[str, Any]:
    """The English front matter as data (the source has loaded, so it parses)."""
    end = text.index("\n---", 3)
    data = yaml.safe_load(text[3:end])
    return dict(data) if isinstance(data, dict) else {}


def _markdown(front: dict[str, Any], body: str) -> str:
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{dumped}---\n{body}"


def _kit_page(
    source: Path,
    src_uri: str,
    path: Path | None,
    pages: dict[str, str],
    fallback: set[str],
    errors: list[ContentError],
) -> None:
    source_text = source.read_text(encoding="utf-8")
    if path is None:
        pages[src_uri] = source_text
        fallback.add(src_uri)
        return
    before = len(errors)
    source_split = _read_split(source, errors)
    split = _read_split(path, errors)
    if split is None or source_split is None:
        return
    compare_bodies(
        Body(source, source_split.body, source_split.body_first_line),
        Body(path, split.body, split.body_first_line),
        errors,
    )
    for marker in sorted(
        set(PLACEHOLDER.findall(source_split.body)) - set(PLACEHOLDER.findall(split.body))
    ):
        errors.append(
            ContentError(
                path,
                None,
                None,
                f"the source's {marker} is missing (the build puts generated content there)",
                f"keep {marker} on a line of its own, where {display_path(source)} has it",
            )
        )
    if len(errors) == before:
        body = with_source_anchors(source_split.body, split.body)
        pages[src_uri] = (
            f"---\n{source_split.yaml_text}---\n{body}" if source_split.yaml_text else body
        )


def _method(method: Method, path: Path | None, errors: list[ContentError]) -> Method:
    if path is None:
        return method
    assert method.path is not None
    before = len(errors)
    reader = FieldReader.from_file(path, errors, "method", (VERSION_KEY, *METHOD_FIELDS))
    if reader is None:
        return method
    for field in METHOD_FIELDS:
        if field in reader.mapping and field not in METHOD_TEXT_FIELDS:
            _structural_field(reader, (field,), method.path)
    name, summary, evidence = reader.text("name"), reader.text("summary"), reader.text("evidence")
    also = (
        reader.text_list("also_known_as", required=False)
        if "also_known_as" in reader.mapping
        else method.also_known_as
    )
    roles = _by_id(reader, "roles", [role.id for role in method.roles], method.path)
    phases = _by_id(reader, "phases", [phase.id for phase in method.phases], method.path)
    new_roles = tuple(_role(reader, role, roles.get(role.id), method.path) for role in method.roles)
    new_phases = tuple(
        _phase(reader, phase, phases.get(phase.id), method.path) for phase in method.phases
    )
    if len(errors) > before or name is None or summary is None or evidence is None:
        return method
    return dataclasses.replace(
        method,
        name=name,
        summary=summary,
        evidence=evidence,
        also_known_as=also,
        roles=new_roles,
        phases=new_phases,
        path=path,
    )


def _by_id(
    reader: FieldReader, name: str, source_ids: list[str], source: Path
) -> dict[str, FieldReader]:
    """A mapping of translated items keyed by the source's ids: every id, no other."""
    value = reader.mapping.get(name)
    if value is None:
        reader.error(
            (name,), "is required but missing", f"translate each of: {', '.join(source_ids)}"
        )
        return {}
    if not isinstance(value, dict):
        reader.error(
            (name,),
            "expected a mapping keyed by the source's ids",
            f"write '{name}:' then one '<id>: {{...}}' per entry of {display_path(source)}",
        )
        return {}
    items: dict[str, FieldReader] = {}
    for key, item in value.items():
        key = str(key)
        if key not in source_ids:
            reader.error(
                (name, key),
                f"is not a {name[:-1]} id of the source",
                f"use the ids of {display_path(source)}: {', '.join(source_ids)}",
            )
            continue
        items[key] = reader.child((name, key), item, name[:-1])
    missing = [i for i in source_ids if i not in value]
    if missing:
        reader.error(
            (name,),
            f"lacks the {name} {', '.join(missing)}",
            f"translate every {name[:-1]} of {display_path(source)}",
        )
    return items


def _role(reader: FieldReader, role: Role, item: FieldReader | None, source: Path) -> Role:
    if item is None or not item.valid:
        return role
    _only_text(item, ROLE_FIELDS, ROLE_TEXT_FIELDS, source)
    name, description = item.text("name"), item.text("description")
    return dataclasses.replace(
        role, name=name or role.name, description=description or role.description
    )


def _phase(reader: FieldReader, phase: Phase, item: FieldReader | None, source: Path) -> Phase:
    if item is None or not item.valid:
        return phase
    _only_text(item, PHASE_FIELDS, PHASE_TEXT_FIELDS, source)
    name, goal = item.text("name"), item.text("goal")
    prompts = item.text_list("prompts", required=bool(phase.prompts))
    if len(prompts) != len(phase.prompts) and (phase.prompts or "prompts" in item.mapping):
        item.error(
            (*item.path, "prompts"),
            f"has {len(prompts)} prompts, the source phase has {len(phase.prompts)}",
            "translate each prompt of the source phase, in its order"
            if phase.prompts
            else "remove 'prompts': the source phase has none",
        )
    return dataclasses.replace(
        phase, name=name or phase.name, goal=goal or phase.goal, prompts=prompts or phase.prompts
    )


def _only_text(
    item: FieldReader, known: tuple[str, ...], text_fields: tuple[str, ...], source: Path
) -> None:
    """Unknown fields are typos; known structural fields (minutes, speakers...) belong to the
    source alone."""
    item.reject_unknown((*known,))
    for name in known:
        if name in item.mapping and name not in text_fields and name != "id":
            _structural_field(item, (*item.path, name), source)
    if "id" in item.mapping:
        item.error(
            (*item.path, "id"),
            "is not written in a translation: the key above it is the id",
            "remove the 'id' line",
        )


def _course_file(
    course: Course, path: Path | None, errors: list[ContentError]
) -> tuple[str, str, dict[str, Activity]]:
    unchanged = (course.title, course.description, dict(course.activities))
    if path is None:
        return unchanged
    source = _content_dir(course) / "course.yml"
    before = len(errors)
    reader = FieldReader.from_file(
        path, errors, "course", (VERSION_KEY, *COURSE_TEXT_FIELDS, *COURSE_STRUCTURAL)
    )
    if reader is None:
        return unchanged
    for name in COURSE_STRUCTURAL:
        if name in reader.mapping:
            _structural_field(reader, (name,), source)
    title, description = reader.text("title"), reader.text("description")
    activities = dict(course.activities)
    if course.activities or "activities" in reader.mapping:
        items = _by_id(reader, "activities", list(course.activities), source)
        for activity_id, item in items.items():
            if not item.valid:
                continue
            item.reject_unknown(ACTIVITY_TEXT_FIELDS)
            a_title, a_description = item.text("title"), item.text("description")
            if a_title and a_description:
                activities[activity_id] = dataclasses.replace(
                    course.activities[activity_id], title=a_title, description=a_description
                )
    if len(errors) > before or title is None or description is None:
        return unchanged
    return title, description, activities


__all__ = [
    "Translation",
    "file_status",
    "load_translation",
    "load_translations",
    "recorded_version",
    "translation_warnings",
]
