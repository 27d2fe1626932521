"""A small built site (catalogue.json + pages + an asset) for the LTI Advantage tests.

The catalogue is checked against site_builder's JSON Schema, so these tests break when the
contract changes instead of testing a shape the builder no longer writes.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema.exceptions
import jsonschema.validators

SCHEMA_FILE = (
    Path(__file__).resolve().parents[2] / "site_builder" / "export" / "catalogue.schema.json"
)


def catalogue_data() -> dict[str, Any]:
    method = {
        "slug": "troika-consulting",
        "name": "Troika Consulting",
        "also_known_as": [],
        "summary": "Three people, one case.",
        "group_size": {"min": 3, "max": 3},
        "evidence": "Practice-based.",
        "roles": [{"id": "case-bringer", "name": "Case-bringer", "description": "Brings it."}],
        "phases": [
            {
                "id": "case",
                "name": "Case",
                "minutes": 5,
                "goal": "Tell.",
                "speakers": ["case-bringer"],
                "case_bringer_silent": False,
                "contribution": "case",
                "prompts": [],
            }
        ],
        "sources": [{"title": "Liberating Structures", "url": None}],
        "total_minutes": 5,
        "url": "methods/troika-consulting/",
    }

    def module(number: int, slug: str, title: str, activities: list[str]) -> dict[str, Any]:
        return {
            "slug": slug,
            "number": number,
            "title": title,
            "summary": f"About {title}.",
            "duration_minutes": 30,
            "level": "introductory",
            "objectives": ["One", "Two"],
            "prerequisites": [],
            "method": None,
            "tags": [],
            "activities": activities,
            "url": f"modules/{number:02d}-{slug}/",
        }

    return {
        "schema": "https://intervision.example/schemas/catalogue",
        "version": 1,
        "generated_at": "2026-11-03T09:30:00+00:00",
        "course": {
            "title": "Intervision 101",
            "language": "en",
            "description": "A course.",
            "total_minutes": 60,
            "url": "./",
        },
        "modules": [
            module(1, "what-is-intervision", "What is intervision", []),
            module(2, "troika", "Troika <in practice>", ["troika-round"]),
        ],
        "methods": [method],
        "activities": [
            {
                "id": "kick-off",
                "type": "signup",
                "title": "Kick-off session",
                "description": "Pick a session.",
                "method": None,
                "modules": [],
            },
            {
                "id": "troika-round",
                "type": "peer-feedback",
                "title": "Troika round",
                "description": "Give feedback.",
                "method": "troika-consulting",
                "modules": ["troika"],
            },
        ],
    }


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="../../assets/site.css">
<script>window.__md_scope = new URL("../..", location)</script>
<script src="../../assets/site.js"></script></head>
<body><article><h1>{title}</h1><p>Body of {title}.</p>
<div class="iv-done" data-iv-done hidden>
<button type="button" class="iv-button iv-done__button">Mark this module as done</button>
</div>
</article></body></html>
"""


@functools.cache
def _catalogue_validator() -> Any:
    """The schema's validator, built (and the schema checked) once per session."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validated_catalogue_json(data: dict[str, Any]) -> str:
    """``data`` as catalogue.json; raises jsonschema's best error if it breaks the contract."""
    error = jsonschema.exceptions.best_match(_catalogue_validator().iter_errors(data))
    if error is not None:
        raise error
    return json.dumps(data)


@functools.cache
def _default_catalogue_json() -> str:
    return validated_catalogue_json(catalogue_data())  # validated once: it never changes


def write_site(site_dir: Path, data: dict[str, Any] | None = None) -> Path:
    text = _default_catalogue_json() if data is None else validated_catalogue_json(data)
    data = json.loads(text)
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "catalogue.json").write_text(text, encoding="utf-8")
    (site_dir / "index.html").write_text(PAGE.format(title="Home"), encoding="utf-8")
    for module in data["modules"]:
        page = site_dir / module["url"] / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            PAGE.format(title=module["title"].replace("<", "&lt;").replace(">", "&gt;")),
            encoding="utf-8",
        )
    assets = site_dir / "assets"
    assets.mkdir(exist_ok=True)
    (assets / "site.css").write_text("body{margin:0}", encoding="utf-8")
    (assets / "site.js").write_text("console.log('site');", encoding="utf-8")
    return site_dir
