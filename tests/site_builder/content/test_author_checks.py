"""`intervision check` warnings on a small course: study time below the reading time,
self-checks whose right answer can be guessed, incomplete or mirrored citations."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from site_builder.__main__ import main as module_main
from site_builder.course.answer_bias import bias_warnings
from site_builder.course.citations import citation_warnings
from site_builder.course.loader import load_course
from site_builder.course.study_time import estimate, study_time_warnings
from site_builder.markdown.blocks import SelfCheck, SelfCheckOption
from tests.site_builder.course_fixtures import CourseTree

MODULE = "modules/01-first-steps.md"


def check(tree: CourseTree, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(module_main, ["check", "--content-dir", str(tree.content), *extra])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def item(line: int, right: int, *texts: str) -> SelfCheck:
    options = tuple(
        SelfCheckOption(text, index == right, "Because.") for index, text in enumerate(texts)
    )
    return SelfCheck("Which?", False, options, line)


def test_reading_time_counts_words_self_checks_and_reflections(course_tree: CourseTree) -> None:
    module = load_course(course_tree.content).modules[0]
    found = estimate(module)
    assert (found.self_checks, found.reflections) == (2, 1)
    assert found.words > 600
    assert found.minutes == -(-found.words // 200) + 2 * 2 + 5


def test_self_study_below_the_reading_time_is_named_with_file_and_line(
    course_tree: CourseTree,
) -> None:
    course_tree.edit(
        MODULE,
        "duration_minutes: 45\n",
        "duration_minutes: 45\nself_study_minutes: 5\ngroup_session_minutes: 40\n",
    )
    code, output = check(course_tree)
    assert code == 0  # a warning, not an error
    line = course_tree.line_of(MODULE, "self_study_minutes")
    assert f"warning: {course_tree.content / MODULE}:{line}: field 'self_study_minutes': " in output
    assert "states 5 min of self-study, but reading the page takes at least" in output
    code, _ = check(course_tree, "--strict")
    assert code == 1


def test_honest_split_times_give_no_study_time_warning(course_tree: CourseTree) -> None:
    course_tree.edit(
        MODULE,
        "duration_minutes: 45\n",
        "duration_minutes: 45\nself_study_minutes: 25\ngroup_session_minutes: 20\n",
    )
    course = load_course(course_tree.content)
    assert [w for w in study_time_warnings(course) if w.path.name == "01-first-steps.md"] == []


def test_split_times_that_do_not_add_up_and_a_missing_split_are_reported(
    course_tree: CourseTree,
) -> None:
    course_tree.edit(
        MODULE,
        "duration_minutes: 45\n",
        "duration_minutes: 45\nself_study_minutes: 30\ngroup_session_minutes: 30\n",
    )
    messages = [str(w) for w in study_time_warnings(load_course(course_tree.content))]
    assert any("01-first-steps.md" in m and "make 60" in m for m in messages)
    assert any("02-second-steps.md" in m and "one duration" in m for m in messages)


def test_a_right_answer_always_in_one_position_or_always_longest_is_reported() -> None:
    path = Path("modules/05-x.md")
    checks = [
        item(10, 1, "Short one.", "The right answer, which is longer.", "Also short."),
        item(20, 1, "Brief.", "Again the right one, and long enough.", "Brief too."),
    ]
    messages = [warning.message for warning in bias_warnings(path, checks)]
    assert any("right answer is option 2" in m and "lines 10, 20" in m for m in messages)
    assert any("right answer is the longest option" in m for m in messages)
    assert any("its length gives it away" in m for m in messages)


def test_varied_positions_and_lengths_are_not_reported() -> None:
    checks = [
        item(10, 0, "Right, short.", "A wrong option that is clearly longer.", "Wrong too."),
        item(20, 2, "A wrong option of some length.", "Wrong.", "The right one here."),
    ]
    assert bias_warnings(Path("modules/05-x.md"), checks) == []


def test_multiple_answer_self_checks_are_not_counted() -> None:
    multiple = SelfCheck(
        "Which?", True, (SelfCheckOption("A", True, "."), SelfCheckOption("B", True, ".")), 5
    )
    assert bias_warnings(Path("m.md"), [multiple, item(9, 1, "wrong", "right")]) == []


def test_incomplete_citations_and_mirror_links_are_reported(course_tree: CourseTree) -> None:
    course_tree.edit(
        MODULE,
        "## Group exercise",
        "## Sources\n\n- Borders, L. D. (1991). A systematic approach to peer group supervision.\n"
        "- McManus et al. Small pre/post study.\n"
        "- Van Roy, K. (2015). Research on Balint groups.\n"
        "  https://docksci.com/research-on-balint-groups\n\n## Group exercise",
    )
    warnings = citation_warnings(load_course(course_tree.content))
    texts = [str(warning) for warning in warnings]
    assert (
        sum("does not read 'Authors (Year). Title.'" in t for t in texts) == 2
    )  # McManus, and the YAML's 'A test source'
    mirror = [w for w in warnings if "docksci.com" in w.message]
    assert len(mirror) == 1 and mirror[0].line == course_tree.line_of(MODULE, "docksci.com")
