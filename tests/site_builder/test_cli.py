"""The course commands, run the way a trainer runs them, through click."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from site_builder.__main__ import main as module_main
from site_builder.course.loader import load_course
from site_builder.markdown.blocks import parse_blocks
from tests.site_builder.course_fixtures import CourseTree


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(module_main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_check_valid_course(course_tree: CourseTree) -> None:
    code, output = run("check", "--content-dir", str(course_tree.content))
    assert code == 0
    assert "2 modules, 1 methods, 2 activities, 1 hour 30 minutes of study" in output


def test_check_lists_every_error_and_fails(course_tree: CourseTree) -> None:
    course_tree.edit("modules/01-first-steps.md", "level: introductory", "level: beginner")
    course_tree.edit("methods/demo-method.yml", "minutes: 5", "minutes: 0")
    code, output = run("check", "--content-dir", str(course_tree.content))
    assert code == 1
    assert "2 content errors:" in output
    assert "modules/01-first-steps.md:5: field 'level': expected one of introductory" in output
    assert "methods/demo-method.yml:16: field 'phases[0].minutes'" in output


def test_check_missing_content_folder(tmp_path: Path) -> None:
    code, output = run("check", "--content-dir", str(tmp_path / "nowhere"))
    assert code == 1
    assert "the content folder does not exist" in output


def test_new_module_writes_a_listed_module_that_passes_block_syntax(
    course_tree: CourseTree,
) -> None:
    course_yml = course_tree.content / "course.yml"
    course_yml.write_text("# The course\n" + course_yml.read_text(), encoding="utf-8")
    code, output = run(
        "new-module", "Ethics & Confidentiality", "--content-dir", str(course_tree.content)
    )
    assert code == 0, output
    created = course_tree.content / "modules/03-ethics-confidentiality.md"
    assert "03-ethics-confidentiality.md" in output
    text = course_yml.read_text(encoding="utf-8")
    assert text.startswith("# The course\n")
    assert yaml.safe_load(text)["modules"] == [
        "first-steps",
        "second-steps",
        "ethics-confidentiality",
    ]
    assert len(parse_blocks(created.read_text(encoding="utf-8"))) == 3
    # A draft: it passes check and stays out of the published course until it is written.
    course = load_course(course_tree.content)
    assert [module.slug for module in course.drafts] == ["ethics-confidentiality"]
    assert "ethics-confidentiality" not in [module.slug for module in course.modules]


def test_new_module_refuses_to_overwrite(course_tree: CourseTree) -> None:
    before = (course_tree.content / "course.yml").read_text(encoding="utf-8")
    code, output = run("new-module", "First steps", "--content-dir", str(course_tree.content))
    assert code == 1
    assert "already exists" in output and "not overwriting" in output
    assert (course_tree.content / "course.yml").read_text(encoding="utf-8") == before


def test_new_module_with_flow_style_list(course_tree: CourseTree) -> None:
    course_tree.edit(
        "course.yml",
        "modules:\n  - first-steps\n  - second-steps\n",
        "modules: [first-steps, second-steps]  # order\n",
    )
    code, _ = run("new-module", "Third", "--content-dir", str(course_tree.content))
    assert code == 0
    text = (course_tree.content / "course.yml").read_text(encoding="utf-8")
    assert "modules: [first-steps, second-steps, third]  # order\n" in text


@pytest.mark.parametrize(
    ("existing", "created"),
    [("99-ninety-nine.md", "100-third.md"), ("0123-wide.md", "0124-third.md")],
)
def test_new_module_goes_past_99_and_keeps_the_width(
    course_tree: CourseTree, existing: str, created: str
) -> None:
    (course_tree.content / "modules" / existing).write_text("draft\n", encoding="utf-8")
    code, output = run("new-module", "Third", "--content-dir", str(course_tree.content))
    assert code == 0, output
    assert (course_tree.content / "modules" / created).is_file()
    assert created in output


def test_intervision_command_has_course_commands() -> None:
    from lti_app.cli import main

    assert {"build", "check", "new-module"} <= set(main.commands)
