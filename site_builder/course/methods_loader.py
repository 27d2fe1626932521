"""Load and check `content/methods/<slug>.yml`: one intervision method as data, shared by the
method page, the module timelines and the phases of the LTI tool's peer-feedback exercises."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from urllib.parse import urlparse

from site_builder.course.errors import ContentError
from site_builder.course.fields import FieldReader
from site_builder.course.model import (
    ALL_SPEAKERS,
    CASE_BRINGER,
    CONTRIBUTIONS,
    KEBAB_CASE,
    Method,
    Phase,
    Role,
    Source,
)

METHOD_FIELDS = (
    "name",
    "also_known_as",
    "summary",
    "group_size",
    "evidence",
    "roles",
    "phases",
    "sources",
)
ROLE_FIELDS = ("id", "name", "description")
PHASE_FIELDS = (
    "id",
    "name",
    "minutes",
    "goal",
    "speakers",
    "case_bringer_silent",
    "contribution",
    "prompts",
)
SOURCE_FIELDS = ("title", "url")


def methods_dir(content_dir: Path) -> Path:
    return content_dir / "methods"


def unknown_method_hint(method: str, method_slugs: Collection[str]) -> str:
    """How to fix a reference to a method that has no file, wherever the reference is."""
    known = ", ".join(sorted(method_slugs)) or "none yet"
    return f"add content/methods/{method}.yml or use one of: {known}"


def collect_methods(content_dir: Path, errors: list[ContentError]) -> dict[str, Method]:
    """Every valid method by slug; problems go to `errors`."""
    methods: dict[str, Method] = {}
    folder = methods_dir(content_dir)
    if not folder.is_dir():
        return methods
    for path in sorted(folder.iterdir()):
        if path.suffix == ".yaml":
            errors.append(
                ContentError(
                    path, None, None, "method files end in '.yml'", f"rename it to {path.stem}.yml"
                )
            )
            continue
        if path.suffix != ".yml":
            continue
        if not KEBAB_CASE.match(path.stem):
            errors.append(
                ContentError(
                    path,
                    None,
                    None,
                    "a method file name must be a kebab-case slug, like collegial-counselling.yml",
                    "use lower-case letters, digits and single hyphens",
                )
            )
            continue
        method = read_method(path, errors)
        if method is not None:
            methods[method.slug] = method
    return methods


def read_method(path: Path, errors: list[ContentError]) -> Method | None:
    before = len(errors)
    reader = FieldReader.from_file(path, errors, "method", METHOD_FIELDS)
    if reader is None:
        return None
    name = reader.text("name")
    summary = reader.text("summary")
    evidence = reader.text("evidence")
    also_known_as = reader.text_list("also_known_as", required=False)
    size_min, size_max = _group_size(reader)
    roles = _roles(reader)
    role_ids = {role.id for role in roles}
    phases = _phases(reader, role_ids)
    sources = _sources(reader)
    if (
        len(errors) > before
        or name is None
        or summary is None
        or evidence is None
        or size_min is None
        or size_max is None
    ):
        return None
    return Method(
        slug=path.stem,
        name=name,
        summary=summary,
        group_size_min=size_min,
        group_size_max=size_max,
        evidence=evidence,
        roles=roles,
        phases=phases,
        sources=sources,
        also_known_as=also_known_as,
        path=path,
    )


def _group_size(reader: FieldReader) -> tuple[int | None, int | None]:
    path = ("group_size",)
    if "group_size" not in reader.mapping:
        reader.error(path, "is required but missing", "add 'group_size: {min: 3, max: 8}'")
        return None, None
    size = reader.child(path, reader.mapping["group_size"], "group size")
    if not size.valid:
        return None, None
    size.reject_unknown(("min", "max"))
    low = size.integer("min", 2)
    high = size.integer("max", 2)
    if low is not None and high is not None and low > high:
        size.error((*path, "min"), f"min ({low}) is above max ({high})")
        return None, None
    return low, high


def _roles(reader: FieldReader) -> tuple[Role, ...]:
    roles: list[Role] = []
    seen: set[str] = set()
    for path, value in reader.items("roles", minimum=1):
        item = reader.child(path, value, "role")
        if not item.valid:
            continue
        item.reject_unknown(ROLE_FIELDS)
        role_id, name, description = item.slug("id"), item.text("name"), item.text("description")
        if role_id in seen:
            item.error((*path, "id"), f"role id {role_id!r} is used twice")
        elif role_id and name and description:
            seen.add(role_id)
            roles.append(Role(role_id, name, description))
    if reader.valid and "roles" in reader.mapping and CASE_BRINGER not in seen:
        reader.error(
            ("roles",),
            f"must include a role with id '{CASE_BRINGER}'",
            "every intervision method has someone who brings the case",
        )
    return tuple(roles)


def _phases(reader: FieldReader, role_ids: set[str]) -> tuple[Phase, ...]:
    phases: list[Phase] = []
    seen: set[str] = set()
    for path, value in reader.items("phases", minimum=1):
        item = reader.child(path, value, "phase")
        if not item.valid:
            continue
        item.reject_unknown(PHASE_FIELDS)
        phase_id = item.slug("id")
        if phase_id is not None and phase_id in seen:
            item.error((*path, "id"), f"phase id {phase_id!r} is used twice in this method")
            phase_id = None
        name, goal = item.text("name"), item.text("goal")
        minutes = item.integer("minutes", 1)
        silent = item.boolean("case_bringer_silent")
        contribution = item.choice("contribution", CONTRIBUTIONS)
        prompts = item.text_list("prompts", required=False)
        speakers = _speakers(item, path, role_ids, silent)
        if (
            phase_id is None
            or name is None
            or goal is None
            or minutes is None
            or silent is None
            or contribution is None
            or speakers is None
        ):
            continue
        seen.add(phase_id)
        phases.append(
            Phase(
                id=phase_id,
                name=name,
                minutes=minutes,
                goal=goal,
                speakers=speakers,
                case_bringer_silent=silent,
                contribution=contribution,
                prompts=prompts,
            )
        )
    return tuple(phases)


def _speakers(
    item: FieldReader, path: tuple[str | int, ...], role_ids: set[str], silent: bool | None
) -> tuple[str, ...] | None:
    entries = item.items("speakers", minimum=1)
    speakers: list[str] = []
    for entry_path, entry in entries:
        if entry == ALL_SPEAKERS or entry in role_ids:
            speakers.append(str(entry))
        else:
            known = ", ".join(sorted(role_ids | {ALL_SPEAKERS}))
            item.error(entry_path, f"{entry!r} is not a role of this method", f"use one of {known}")
    if len(speakers) != len(entries) or not speakers:
        return None
    if silent and (CASE_BRINGER in speakers or ALL_SPEAKERS in speakers):
        item.error(
            (*path, "speakers"),
            "the case-bringer is silent in this phase but is listed as a speaker",
            "list only the roles that speak, or set case_bringer_silent: false",
        )
        return None
    return tuple(speakers)


def _sources(reader: FieldReader) -> tuple[Source, ...]:
    sources: list[Source] = []
    for path, value in reader.items("sources", minimum=1):
        item = reader.child(path, value, "source")
        if not item.valid:
            continue
        item.reject_unknown(SOURCE_FIELDS)
        title, url = item.text("title"), item.text("url", required=False)
        if url is not None and urlparse(url).scheme not in ("http", "https"):
            item.error((*path, "url"), f"expected an http(s) address, got {url!r}")
            continue
        if title:
            sources.append(Source(title, url))
    return tuple(sources)
