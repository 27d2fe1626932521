"""A trainer's first hour (issue 12): mistakes that used to pass or mislead now say what to
do, a new module is a draft until it is written, and the build says what it is doing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.__main__ import main as module_main
from site_builder.course.errors import ContentError, CourseValidationError
from site_builder.course.loader import load_course
from site_builder.markdown.blocks import BlockSyntaxError, parse_blocks
from tests.site_builder.course_fixtures import SELF_CHECK, CourseTree, write_mkdocs_yml

M1 = "modules/01-first-steps.md"
M2 = "modules/02-second-steps.md"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(module_main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def errors_of(tree: CourseTree) -> list[ContentError]:
    with pytest.raises(CourseValidationError) as raised:
        load_course(tree.content)
    return raised.value.errors


@pytest.mark.parametrize(
    ("link", "relative"),
    [
        ("/methods/demo-method/", "../methods/demo-method.md"),
        ("/modules/01-first-steps/#why-peers", "01-first-steps.md#why-peers"),
        ("/", "../index.md"),
        ("/assets/diagram.png", "../assets/diagram.png"),
    ],
)
def test_absolute_link_fails_check_with_line_and_relative_form(
    course_tree: CourseTree, link: str, relative: str
) -> None:
    course_tree.edit(M2, "## Group exercise", f"See [this]({link}).\n\n## Group exercise")
    code, output = run("check", "--content-dir", str(course_tree.content))
    assert code == 1
    line = course_tree.line_of(M2, f"({link})")
    assert f"02-second-steps.md:{line}: absolute link '{link}'" in output
    assert f"write it relative to this file: '{relative}'" in output


def test_indented_block_opener_is_reported_at_its_own_line(course_tree: CourseTree) -> None:
    indented = SELF_CHECK.replace("::: self-check", "  ::: self-check", 1)
    course_tree.edit(M1, "## Group exercise", indented + "\n## Group exercise")
    (error,) = errors_of(course_tree)
    assert error.line == course_tree.line_of(M1, "  ::: self-check")
    assert "indented" in error.message and "left margin" in error.message
    # Straight from the parser too, with the line counted from the given first line.
    with pytest.raises(BlockSyntaxError) as raised:
        parse_blocks("Text\n\n\t::: reflection\nWhy?\n:::\n", first_line=10)
    assert raised.value.line == 12


def test_new_module_is_a_draft_that_passes_check(course_tree: CourseTree) -> None:
    code, output = run("new-module", "Working Alliance", "--content-dir", str(course_tree.content))
    assert code == 0, output
    assert "draft" in output
    code, output = run("check", "--content-dir", str(course_tree.content))
    assert code == 0, output
    assert "2 modules" in output  # the draft is not counted as published
    assert "Drafts (checked, not published):" in output and "03-working-alliance.md" in output


def test_scaffold_left_in_a_published_module_names_each_line(course_tree: CourseTree) -> None:
    run("new-module", "Working Alliance", "--content-dir", str(course_tree.content))
    relative = "modules/03-working-alliance.md"
    path = course_tree.content / relative
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^draft: .*\n", "", text, flags=re.M), encoding="utf-8")
    errors = [e for e in errors_of(course_tree) if "placeholder text" in e.message]
    lines = {error.line for error in errors}
    assert course_tree.line_of(relative, "One or two sentences") in lines
    assert course_tree.line_of(relative, "? Replace this with a question") in lines
    assert course_tree.line_of(relative, "Explain why this is right.") in lines
    assert all(error.path == path and "draft: true" in error.hint for error in errors)


def test_draft_stays_out_of_the_published_build(course_tree: CourseTree, tmp_path: Path) -> None:
    run("new-module", "Working Alliance", "--content-dir", str(course_tree.content))
    config = write_mkdocs_yml(course_tree)
    site = tmp_path / "site"
    code, output = run("build", "-f", str(config), "-d", str(site))
    assert code == 0, output
    assert not (site / "modules/03-working-alliance").exists()
    assert "working-alliance" not in (site / "catalogue.json").read_text(encoding="utf-8")
    assert "Working Alliance" not in (site / "index.html").read_text(encoding="utf-8")
    # What it did, in words: modules loaded (the draft left out), pages written, time.
    assert re.search(r"Loaded 2 modules \(1 draft left out\), 1 methods", output)
    assert re.search(r"Wrote \d+ pages in \d+\.\d s", output)

    quiet_site = tmp_path / "quiet"
    code, output = run("build", "-q", "-f", str(config), "-d", str(quiet_site))
    assert code == 0, output
    assert output == ""
    assert (quiet_site / "index.html").is_file()


def test_published_module_cannot_require_a_draft(course_tree: CourseTree) -> None:
    course_tree.edit(M2, "tags: [basics]\n", "tags: [basics]\ndraft: true\n")
    course_tree.write("modules/03-third-steps.md", _module_requiring("second-steps"))
    course_tree.edit("course.yml", "  - second-steps\n", "  - second-steps\n  - third-steps\n")
    (error,) = errors_of(course_tree)
    assert error.path.name == "03-third-steps.md"
    assert "'second-steps' is a draft" in error.message


def _module_requiring(slug: str) -> str:
    from tests.site_builder.course_fixtures import module_text

    return module_text(title="Third steps", prerequisites=f"[{slug}]")
