"""catalogue.json: loaded, validated with errors that name file and field, cached by mtime."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from flask import Flask

from lti_app.catalogue import (
    CatalogueCache,
    CatalogueError,
    get_catalogue,
    load_catalogue_file,
)
from tests.lti_app.advantage_site import catalogue_data, write_site


def test_loads_modules_methods_and_activities(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    catalogue = load_catalogue_file(site / "catalogue.json")
    assert [m.slug for m in catalogue.modules] == ["what-is-intervision", "troika"]
    assert catalogue.module("troika") is not None
    assert catalogue.module("troika").activities == ("troika-round",)  # type: ignore[union-attr]
    assert [a.id for a in catalogue.activities_of_type("signup")] == ["kick-off"]
    assert catalogue.activity("troika-round").method == "troika-consulting"  # type: ignore[union-attr]
    assert catalogue.module_for_url("modules/02-troika/index.html").slug == "troika"  # type: ignore[union-attr]
    assert catalogue.module_for_url("modules/02-troika/") is catalogue.module("troika")
    assert catalogue.module_for_url("index.html") is None


def test_unknown_fields_and_new_activity_types_are_ignored(tmp_path: Path) -> None:
    data = catalogue_data()
    data["future_field"] = {"x": 1}
    data["modules"][0]["estimated_effort"] = "low"
    data["activities"].append(
        {
            "id": "poll-1",
            "type": "poll",
            "title": "Poll",
            "description": "A new kind.",
            "method": None,
            "modules": [],
        }
    )
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    catalogue = load_catalogue_file(path)
    assert [a.id for a in catalogue.activities] == ["kick-off", "troika-round"]


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as error:
        load_catalogue_file(tmp_path / "catalogue.json")
    assert str(tmp_path / "catalogue.json") in str(error.value)
    assert "intervision build" in str(error.value)
    assert "INTERVISION_SITE_DIR" in str(error.value)


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text('{\n  "schema": "x",\n  "version": 1,,\n}', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"line 3, column 16: not valid JSON"):
        load_catalogue_file(path)


@pytest.mark.parametrize("version", [2, 0, "1", True])
def test_unsupported_version_is_refused(tmp_path: Path, version: object) -> None:
    data = catalogue_data()
    data["version"] = version
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"not supported by this tool \(it reads version 1\)"):
        load_catalogue_file(path)


def test_foreign_schema_is_refused(tmp_path: Path) -> None:
    data = catalogue_data()
    data["schema"] = "https://example.org/other"
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"field `schema` is 'https://example.org/other'"):
        load_catalogue_file(path)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["modules"][1].pop("title"), "modules[1].title"),
        (lambda d: d["modules"][0].update(slug="Not A Slug"), "modules[0].slug"),
        (lambda d: d["modules"][0].update(url="/etc/passwd"), "modules[0].url"),
        (lambda d: d["modules"][0].update(url="../outside/"), "modules[0].url"),
        (lambda d: d["modules"][0].update(url="https://evil.test/"), "modules[0].url"),
        (lambda d: d["activities"][0].update(modules="x"), "activities[0].modules"),
        (lambda d: d["modules"].append(dict(d["modules"][0])), "modules[2]"),
        # a skipped activity of an unknown type must not shift the position named
        (
            lambda d: d["activities"].extend(
                [dict(d["activities"][0], id="poll", type="poll"), dict(d["activities"][0])]
            ),
            "activities[3]",
        ),
    ],
)
def test_bad_fields_are_named(tmp_path: Path, change: object, field: str) -> None:
    data = catalogue_data()
    change(data)  # type: ignore[operator]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        load_catalogue_file(path)
    assert f"field `{field}`" in str(error.value)
    assert str(path) in str(error.value)


def test_cache_reloads_when_the_file_changes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    path = site / "catalogue.json"
    cache = CatalogueCache()
    first = cache.get(path)
    assert cache.get(path) is first  # unchanged file: same object, no re-parse
    data = catalogue_data()
    data["course"]["title"] = "Intervision 102"
    path.write_text(json.dumps(data), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = cache.get(path)
    assert second is not first
    assert second.course_title == "Intervision 102"


def test_get_catalogue_without_site_dir_explains(app: Flask) -> None:
    app.config["SITE_DIR"] = None
    with app.app_context(), pytest.raises(CatalogueError, match="INTERVISION_SITE_DIR is not set"):
        get_catalogue()


def test_get_catalogue_reads_the_configured_site(app: Flask, tmp_path: Path) -> None:
    app.config["SITE_DIR"] = str(write_site(tmp_path / "built"))
    with app.app_context():
        assert get_catalogue().course_title == "Intervision 101"
