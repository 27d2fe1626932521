"""`intervision build --engine zensical` on a small course: what the staging leaves out (course
YAML, drafts), and that a content error or a Zensical warning is one message, never a
traceback, with no half-built site left behind."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from site_builder.__main__ import main
from tests.site_builder.course_fixtures import CourseTree, module_text, write_mkdocs_yml


def zensical_build(tree: CourseTree) -> tuple[Result, Path]:
    site = tree.root / "built"
    config = write_mkdocs_yml(tree)
    result = CliRunner().invoke(
        main, ["build", "-q", "--engine", "zensical", "-f", str(config), "-d", str(site)]
    )
    return result, site


def test_zensical_leaves_out_course_yaml_and_drafts(course_tree: CourseTree) -> None:
    course_tree.write(
        "modules/03-draft-steps.md",
        module_text(title="Draft steps", extra_front_matter="draft: true\n"),
    )
    course_tree.edit("course.yml", "  - second-steps\n", "  - second-steps\n  - draft-steps\n")
    result, site = zensical_build(course_tree)
    assert result.exit_code == 0, result.output
    assert not (site / "course.yml").exists()
    assert not list(site.glob("methods/*.yml"))
    assert not (site / "modules/03-draft-steps").exists()
    catalogue = json.loads((site / "catalogue.json").read_text(encoding="utf-8"))
    assert [module["slug"] for module in catalogue["modules"]] == ["first-steps", "second-steps"]
    for module in catalogue["modules"]:
        assert (site / module["url"] / "index.html").is_file()
    assert (site / "methods/demo-method/index.html").is_file()


def test_content_error_is_one_message_and_no_site(course_tree: CourseTree) -> None:
    course_tree.edit("modules/01-first-steps.md", "level: introductory", "level: beginner")
    result, site = zensical_build(course_tree)
    assert result.exit_code == 1
    assert "field 'level'" in result.output and "01-first-steps.md" in result.output
    assert "Traceback" not in result.output
    assert not site.exists()


def test_a_zensical_warning_fails_the_build_and_keeps_the_old_site(
    course_tree: CourseTree,
) -> None:
    # Not a module, so the course check passes it and Zensical's own link check finds it.
    course_tree.write("notes.md", "# Notes\n\n[gone](missing.md)\n")
    site = course_tree.root / "built"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    result, _ = zensical_build(course_tree)
    assert result.exit_code == 1
    assert "Zensical stopped" in result.output and "Traceback" not in result.output
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"
