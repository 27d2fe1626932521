"""Real mkdocs builds (theme, plugin and Markdown extensions together) into tmp_path."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from site_builder.export.catalogue import SCHEMA_FILE
from site_builder.mkdocs.plugin import IntervisionPlugin
from site_builder.mkdocs.site_build import BuildFailed, build_site
from tests.site_builder.course_fixtures import REPO, CourseTree, page, write_mkdocs_yml


def read_catalogue(site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "catalogue.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))).validate(
        data
    )
    return data


def test_build_small_course(course_tree: CourseTree) -> None:
    site = build_site(write_mkdocs_yml(course_tree), course_tree.root / "out")
    overview = page(site, ".")
    assert "Test course" in overview and "A tiny course for tests." in overview
    module = page(site, "modules/02-second-steps")
    primary_nav = module[module.index("md-nav--primary") :]
    labels = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', primary_nav)
    expected_order = ["Overview", "Modules", "First steps", "Second steps", "Methods"]
    assert [labels.index(label) for label in expected_order] == sorted(
        labels.index(label) for label in expected_order
    )
    assert module.count('class="iv-selfcheck"') == 2
    assert 'class="iv-reflection"' in module
    assert 'href="../01-first-steps/#why-peers"' in module
    method = page(site, "methods/demo-method")
    assert "Ask open questions." in method
    catalogue = read_catalogue(site)
    for entry in catalogue["modules"] + catalogue["methods"]:
        assert (site / entry["url"] / "index.html").is_file(), entry["url"]
    assert catalogue["activities"][1]["modules"] == ["second-steps"]


def test_build_stops_with_every_content_error(course_tree: CourseTree) -> None:
    course_tree.edit("modules/01-first-steps.md", "level: introductory", "level: beginner")
    course_tree.edit("modules/02-second-steps.md", "::: activity written-round", "::: activity x")
    with pytest.raises(BuildFailed) as raised:
        build_site(write_mkdocs_yml(course_tree), course_tree.root / "out")
    message = str(raised.value)
    assert "2 content errors:" in message
    assert "01-first-steps.md:5: field 'level'" in message
    assert "unknown activity 'x'" in message
    assert not (course_tree.root / "out" / "catalogue.json").exists()


def test_build_command_reports_where_it_wrote(course_tree: CourseTree) -> None:
    from site_builder.__main__ import main

    config = write_mkdocs_yml(course_tree)
    out = course_tree.root / "cli-site"
    result = CliRunner().invoke(main, ["build", "-f", str(config), "--site-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert "Built the site into" in result.output and str(out.name) in result.output
    assert (out / "catalogue.json").is_file()


def test_build_command_missing_config(tmp_path: Path) -> None:
    from site_builder.__main__ import main

    result = CliRunner().invoke(main, ["build", "-f", str(tmp_path / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_plugin_state_resets_between_serve_rebuilds(course_tree: CourseTree) -> None:
    config = load_config(str(write_mkdocs_yml(course_tree)))
    plugin = config.plugins["intervision"]
    assert isinstance(plugin, IntervisionPlugin)
    config.nav = None
    plugin.on_config(config)
    assert plugin.course is not None and config.nav is not None
    course_tree.edit("modules/01-first-steps.md", "level: introductory", "level: beginner")
    with pytest.raises(PluginError, match="field 'level'"):
        plugin.on_config(config)
    assert plugin.course is None


def test_build_real_content(tmp_path: Path) -> None:
    site = build_site(REPO / "mkdocs.yml", tmp_path / "site", languages=["en"])
    catalogue = read_catalogue(site)
    assert len(catalogue["modules"]) == len(
        list((REPO / "content/modules").glob("[0-9][0-9]-*.md"))
    )
    for entry in catalogue["modules"] + catalogue["methods"]:
        assert (site / entry["url"] / "index.html").is_file(), entry["url"]
    assert "collegial-counselling" in {method["slug"] for method in catalogue["methods"]}
