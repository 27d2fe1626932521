"""catalogue.json is complete, matches its JSON Schema, and the schema really constrains it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest

from site_builder.course.loader import load_course
from site_builder.export.catalogue import SCHEMA_FILE, build_catalogue, page_url, write_catalogue
from tests.site_builder.course_fixtures import CourseTree

GENERATED_AT = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)


def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


@pytest.fixture
def catalogue(course_tree: CourseTree) -> dict[str, Any]:
    path = write_catalogue(
        load_course(course_tree.content), course_tree.root / "site", GENERATED_AT
    )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_catalogue_validates_against_schema(catalogue: dict[str, Any]) -> None:
    errors = list(_validator().iter_errors(catalogue))
    assert errors == []


def test_catalogue_content(catalogue: dict[str, Any]) -> None:
    assert catalogue["version"] == 1
    assert catalogue["generated_at"] == "2026-11-03T09:30:00+00:00"
    assert catalogue["course"]["total_minutes"] == 90
    assert [m["slug"] for m in catalogue["modules"]] == ["first-steps", "second-steps"]
    second = catalogue["modules"][1]
    assert second["url"] == "modules/02-second-steps/"
    assert second["activities"] == ["written-round"]
    (method,) = catalogue["methods"]
    assert method["total_minutes"] == 25
    assert method["url"] == "methods/demo-method/"
    assert [p["case_bringer_silent"] for p in method["phases"]] == [False, False, True]
    activities = {a["id"]: a for a in catalogue["activities"]}
    assert activities["written-round"]["modules"] == ["second-steps"]
    assert activities["practice-round"] == {
        "id": "practice-round",
        "type": "signup",
        "title": "Practice round",
        "description": "Sign up for a practice round.",
        "method": None,
        "modules": [],
    }


@pytest.mark.parametrize(
    ("breaks", "where"),
    [
        (lambda c: c.update(version=2), "version"),
        (lambda c: c["modules"][0].update(level="beginner"), "level"),
        (lambda c: c["methods"][0]["roles"].pop(0), "roles"),
        (lambda c: c["activities"][1].update(method=None), "method"),
        (lambda c: c["modules"][0].update(url="https://elsewhere.example/"), "url"),
        (lambda c: c["methods"][0]["phases"][0].pop("speakers"), "speakers"),
    ],
    ids=[
        "version",
        "level",
        "no case-bringer",
        "peer-feedback without method",
        "absolute url",
        "phase without speakers",
    ],
)
def test_schema_rejects_broken_catalogues(
    catalogue: dict[str, Any], breaks: Any, where: str
) -> None:
    breaks(catalogue)
    errors = list(_validator().iter_errors(catalogue))
    assert errors, "schema accepted a broken catalogue"
    assert any(where in json.dumps(list(e.absolute_path)) + e.message for e in errors)


def test_urls_follow_mkdocs_rules() -> None:
    assert page_url("index.md") == "./"
    assert page_url("modules/03-x.md") == "modules/03-x/"
    assert page_url("modules/03-x.md", use_directory_urls=False) == "modules/03-x.html"


def test_catalogue_lists_modules_in_course_order(course_tree: CourseTree) -> None:
    course_tree.edit(
        "course.yml", "  - first-steps\n  - second-steps\n", "  - second-steps\n  - first-steps\n"
    )
    course_tree.edit(
        "modules/02-second-steps.md", "prerequisites: [first-steps]", "prerequisites: []"
    )
    data = build_catalogue(load_course(course_tree.content), GENERATED_AT)
    assert [(m["slug"], m["number"]) for m in data["modules"]] == [
        ("second-steps", 2),
        ("first-steps", 1),
    ]
