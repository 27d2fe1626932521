"""`site/catalogue.json`: the one contract between the courseware build and the LTI tool.

The tool reads this file and never imports site_builder. Additive changes keep SCHEMA_VERSION;
renaming or removing a field, or changing its meaning, bumps it (see docs/catalogue.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from site_builder.course.model import Activity, Course, Method, Module

SCHEMA_ID = "https://intervision.example/schemas/catalogue"
SCHEMA_VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("catalogue.schema.json")

UrlFor = Callable[[str], str]


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """The URL mkdocs gives a page, relative to the site root ('modules/01-x/' or '...html')."""
    stem = src_uri.removesuffix(".md")
    if not use_directory_urls:
        return f"{stem}.html"
    if stem == "index":
        return "./"
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


def build_catalogue(
    course: Course, generated_at: datetime, url_for: UrlFor = page_url
) -> dict[str, Any]:
    embedded_by: dict[str, list[str]] = {activity_id: [] for activity_id in course.activities}
    for module in course.modules:
        for activity_id in module.activities:
            embedded_by.setdefault(activity_id, []).append(module.slug)
    return {
        "schema": SCHEMA_ID,
        "version": SCHEMA_VERSION,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "course": {
            "title": course.title,
            "language": course.language,
            "description": course.description,
            "total_minutes": course.total_minutes,
            "url": url_for("index.md"),
        },
        "modules": [_module(module, url_for) for module in course.modules],
        "methods": [_method(method, url_for) for method in sorted_methods(course)],
        "activities": [
            _activity(activity, embedded_by[activity.id]) for activity in course.activities.values()
        ],
    }


def sorted_methods(course: Course) -> list[Method]:
    return [course.methods[slug] for slug in sorted(course.methods)]


def write_catalogue(
    course: Course, site_dir: Path, generated_at: datetime, url_for: UrlFor = page_url
) -> Path:
    path = site_dir / "catalogue.json"
    site_dir.mkdir(parents=True, exist_ok=True)
    data = build_catalogue(course, generated_at, url_for)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _module(module: Module, url_for: UrlFor) -> dict[str, Any]:
    return {
        "slug": module.slug,
        "number": module.number,
        "title": module.title,
        "summary": module.summary,
        "duration_minutes": module.duration_minutes,
        "level": module.level,
        "objectives": list(module.objectives),
        "prerequisites": list(module.prerequisites),
        "method": module.method,
        "tags": list(module.tags),
        "activities": list(module.activities),
        "url": url_for(module.src_uri),
    }


def _method(method: Method, url_for: UrlFor) -> dict[str, Any]:
    return {
        "slug": method.slug,
        "name": method.name,
        "also_known_as": list(method.also_known_as),
        "summary": method.summary,
        "group_size": {"min": method.group_size_min, "max": method.group_size_max},
        "evidence": method.evidence,
        "roles": [
            {"id": role.id, "name": role.name, "description": role.description}
            for role in method.roles
        ],
        "phases": [
            {
                "id": phase.id,
                "name": phase.name,
                "minutes": phase.minutes,
                "goal": phase.goal,
                "speakers": list(phase.speakers),
                "case_bringer_silent": phase.case_bringer_silent,
                "contribution": phase.contribution,
                "prompts": list(phase.prompts),
            }
            for phase in method.phases
        ],
        "sources": [{"title": source.title, "url": source.url} for source in method.sources],
        "total_minutes": method.total_minutes,
        "url": url_for(f"methods/{method.slug}.md"),
    }


def _activity(activity: Activity, modules: list[str]) -> dict[str, Any]:
    return {
        "id": activity.id,
        "type": activity.type,
        "title": activity.title,
        "description": activity.description,
        "method": activity.method,
        "modules": modules,
    }
