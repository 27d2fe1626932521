"""catalogue.json: loaded, validated with errors that name file and field, cached by mtime."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from flask import Flask

from lti_app.catalogue import (
    CatalogueCache,
    CatalogueUnavailable,
    get_catalogue,
    init_app,
    load_catalogue_file,
)
from lti_app.domain.activities import CATALOGUE_ACTIVITY_TYPES
from lti_app.domain.errors import IntervisionError
from lti_app.domain.methods import CONTRIBUTIONS, Contribution
from tests.support.sites import SCHEMA_FILE, catalogue_data, write_site


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
    with pytest.raises(CatalogueUnavailable) as error:
        load_catalogue_file(tmp_path / "catalogue.json")
    assert str(tmp_path / "catalogue.json") in str(error.value)
    assert "intervision build" in str(error.value)
    assert "INTERVISION_SITE_DIR" in str(error.value)


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text('{\n  "schema": "x",\n  "version": 1,,\n}', encoding="utf-8")
    with pytest.raises(CatalogueUnavailable, match=r"line 3, column 16: not valid JSON"):
        load_catalogue_file(path)


@pytest.mark.parametrize("version", [2, 0, "1", True])
def test_unsupported_version_is_refused(tmp_path: Path, version: object) -> None:
    data = catalogue_data()
    data["version"] = version
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        CatalogueUnavailable, match=r"not supported by this tool \(it reads version 1\)"
    ):
        load_catalogue_file(path)


def test_foreign_schema_is_refused(tmp_path: Path) -> None:
    data = catalogue_data()
    data["schema"] = "https://example.org/other"
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        CatalogueUnavailable, match=r"field `schema` is 'https://example.org/other'"
    ):
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
    with pytest.raises(CatalogueUnavailable) as error:
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
    with (
        app.app_context(),
        pytest.raises(CatalogueUnavailable, match="INTERVISION_SITE_DIR is not set"),
    ):
        get_catalogue()


def test_get_catalogue_reads_the_configured_site(app: Flask, tmp_path: Path) -> None:
    app.config["SITE_DIR"] = str(write_site(tmp_path / "built"))
    with app.app_context():
        assert get_catalogue().course_title == "Intervision 101"


def test_methods_keep_their_roles_and_phases(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site")
    method = load_catalogue_file(site / "catalogue.json").method("troika-consulting")
    assert method is not None
    assert [role.id for role in method.roles] == ["case-bringer"]
    (phase,) = method.phases
    assert (phase.id, phase.minutes, phase.speakers) == ("case", 5, ("case-bringer",))
    assert phase.contribution is Contribution.CASE and not phase.case_bringer_silent
    assert method.total_minutes == 5 and method.group_size.min == 3
    assert method.sources[0].url is None and method.url == "methods/troika-consulting/"


def test_a_method_with_a_newer_contribution_type_is_skipped(tmp_path: Path) -> None:
    """A new contribution value is additive (docs/catalogue.md): this version cannot run it."""
    data = catalogue_data()
    data["methods"][0]["phases"][0]["contribution"] = "drawing"
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    catalogue = load_catalogue_file(path)
    assert catalogue.methods == () and catalogue.method("troika-consulting") is None
    assert [a.id for a in catalogue.activities] == ["kick-off", "troika-round"]


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda m: m["roles"][0].update(id="client"), "methods[0].roles", "case-bringer"),
        (lambda m: m["phases"].clear(), "methods[0].phases", "at least one phase"),
        (lambda m: m["phases"][0].update(minutes=0), "methods[0].phases[0].minutes", "less"),
        (
            lambda m: m["phases"][0].update(speakers=["case-bringer", "observer"]),
            "methods[0].phases[0].speakers[1]",
            "'observer', not one of the method's roles (case-bringer) or 'all'",
        ),
        (lambda m: m["phases"][0].update(speakers=[]), "methods[0].phases[0].speakers", "one"),
        (
            lambda m: m["phases"][0].update(case_bringer_silent="no"),
            "methods[0].phases[0].case_bringer_silent",
            "true or false",
        ),
        (
            lambda m: m["phases"].append(dict(m["phases"][0])),
            "methods[0].phases[1]",
            "repeats 'case'",
        ),
        (lambda m: m.update(total_minutes=7), "methods[0].total_minutes", "add up to 5"),
        (lambda m: m["sources"][0].update(url=3), "methods[0].sources[0].url", "string"),
    ],
)
def test_bad_method_fields_are_named(
    tmp_path: Path, change: object, field: str, problem: str
) -> None:
    data = catalogue_data()
    change(data["methods"][0])  # type: ignore[operator]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueUnavailable) as error:
        load_catalogue_file(path)
    assert f"field `{field}`" in str(error.value) and problem in str(error.value)
    assert str(path) in str(error.value)


def test_every_catalogue_problem_is_one_503_error(tmp_path: Path) -> None:
    """People see the class's words; the exact cause stays in ``detail`` for the log."""
    with pytest.raises(CatalogueUnavailable) as error:
        load_catalogue_file(tmp_path / "catalogue.json")
    assert isinstance(error.value, IntervisionError) and error.value.status == 503
    assert "INTERVISION_SITE_DIR" in error.value.message
    assert str(tmp_path) not in error.value.message and str(tmp_path) in error.value.detail


def test_each_app_has_its_own_catalogue_cache(tmp_path: Path) -> None:
    first, second = Flask("first"), Flask("second")
    for app, title in ((first, "Intervision 101"), (second, "Intervision 202")):
        data = catalogue_data()
        data["course"]["title"] = title
        app.config["SITE_DIR"] = str(write_site(tmp_path / title.replace(" ", "-"), data))
        init_app(app)
    assert get_catalogue(first).course_title == "Intervision 101"
    assert get_catalogue(second).course_title == "Intervision 202"
    assert (
        first.extensions["intervision.catalogue"] is not second.extensions["intervision.catalogue"]
    )


def test_the_tool_knows_the_schemas_activity_types_and_contributions() -> None:
    """The kinds table and Contribution follow the builder's schema (a new value there is
    additive; the tool would skip it until this test and the table are updated)."""
    defs = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["$defs"]
    assert set(defs["activity"]["properties"]["type"]["enum"]) == CATALOGUE_ACTIVITY_TYPES
    assert set(defs["phase"]["properties"]["contribution"]["enum"]) == CONTRIBUTIONS
