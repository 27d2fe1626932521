"""Each bad input yields a ContentError naming the file, the line, the field and what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.course.errors import ContentError, CourseValidationError
from site_builder.course.loader import load_activities, load_course, load_methods
from tests.site_builder.course_fixtures import SELF_CHECK, CourseTree, module_text

M1 = "modules/01-first-steps.md"
M2 = "modules/02-second-steps.md"
METHOD = "methods/demo-method.yml"


@dataclass(frozen=True)
class Case:
    """Break the valid course with `breaks`, then expect an error in `file`.

    `line` is a substring of the line the error must point at (None: no line expected).
    """

    breaks: Callable[[CourseTree], None]
    file: str
    line: str | None
    field: str | None
    message: str
    occurrence: int = 1


def _add_module_3(tree: CourseTree, name: str = "03-extra-steps.md") -> None:
    tree.write(f"modules/{name}", module_text(title="Extra steps"))


CASES: dict[str, Case] = {
    "unknown level": Case(
        lambda t: t.edit(M1, "level: introductory", "level: beginner"),
        M1,
        "level: beginner",
        "level",
        "expected one of introductory, intermediate, advanced, got 'beginner'",
    ),
    "missing title": Case(
        lambda t: t.edit(M1, "title: First steps\n", ""),
        M1,
        "summary:",
        "title",
        "is required but missing",
    ),
    "duration is text": Case(
        lambda t: t.edit(M1, "duration_minutes: 45", "duration_minutes: forty"),
        M1,
        "duration_minutes",
        "duration_minutes",
        "expected a whole number 5 to 600",
    ),
    "duration out of range": Case(
        lambda t: t.edit(M1, "duration_minutes: 45", "duration_minutes: 2"),
        M1,
        "duration_minutes",
        "duration_minutes",
        "got 2",
    ),
    "objectives not a list": Case(
        lambda t: t.edit(
            M1,
            "objectives:\n  - Explain what intervision is.\n  - Distinguish "
            "intervision from supervision.\n",
            "objectives: Explain it.\n",
        ),
        M1,
        "objectives:",
        "objectives",
        "expected a list",
    ),
    "too few objectives": Case(
        lambda t: t.edit(M1, "  - Distinguish intervision from supervision.\n", ""),
        M1,
        "objectives:",
        "objectives",
        "expected at least 2 entries, got 1",
    ),
    "misspelt field": Case(
        lambda t: t.edit(M1, "tags: [basics]", "tag: [basics]"),
        M1,
        "tag:",
        "tag",
        "is not a known field",
    ),
    "field written twice": Case(
        lambda t: t.edit(M1, "tags: [basics]", "tags: [basics]\ntags: [more]"),
        M1,
        "tags: [more]",
        "tags",
        "is written twice",
    ),
    "front matter YAML syntax": Case(
        lambda t: t.edit(M1, "summary: Why peers consult each other.", "summary: [unclosed"),
        M1,
        "summary: [unclosed",
        None,
        "YAML syntax error",
    ),
    "no front matter": Case(
        lambda t: t.write(M1, "# Just a heading\n"),
        M1,
        "# Just a heading",
        None,
        "does not start with YAML front matter",
    ),
    "unknown method in front matter": Case(
        lambda t: t.edit(M2, "method: demo-method", "method: no-such-method"),
        M2,
        "method: no-such-method",
        "method",
        "unknown method 'no-such-method'",
    ),
    "unknown prerequisite": Case(
        lambda t: t.edit(M2, "prerequisites: [first-steps]", "prerequisites: [ghost]"),
        M2,
        "prerequisites:",
        "prerequisites",
        "unknown module 'ghost'",
    ),
    "prerequisite cycle": Case(
        lambda t: t.edit(M1, "prerequisites: []", "prerequisites: [second-steps]"),
        M1,
        "prerequisites:",
        "prerequisites",
        "go round in a circle",
    ),
    "duplicate slug": Case(
        lambda t: t.write("modules/03-first-steps.md", module_text()),
        "modules/03-first-steps.md",
        None,
        None,
        "duplicate slug 'first-steps'",
    ),
    "bad file name": Case(
        lambda t: t.write("modules/3-bad name.md", module_text()),
        "modules/3-bad name.md",
        None,
        None,
        "must be NN-slug.md",
    ),
    "same number with more digits": Case(
        lambda t: t.write("modules/001-other-steps.md", module_text()),
        "modules/01-first-steps.md",
        None,
        None,
        "module number 01 is also used by 001-other-steps.md",
    ),
    "module not listed": Case(
        _add_module_3,
        "modules/03-extra-steps.md",
        None,
        None,
        "'extra-steps' is not listed in course.yml",
    ),
    "listed module missing": Case(
        lambda t: t.edit(
            "course.yml", "  - second-steps\n", "  - second-steps\n  - ghost-module\n"
        ),
        "course.yml",
        "ghost-module",
        "modules",
        "'ghost-module' is listed but",
    ),
    "unknown activity block": Case(
        lambda t: t.edit(M2, "::: activity written-round", "::: activity no-such-activity"),
        M2,
        "::: activity no-such-activity",
        None,
        "unknown activity 'no-such-activity'",
    ),
    "unknown method-timeline block": Case(
        lambda t: t.edit(M2, "::: method-timeline demo-method", "::: method-timeline nope"),
        M2,
        "::: method-timeline nope",
        None,
        "unknown method 'nope'",
    ),
    "broken link": Case(
        lambda t: t.edit(M2, "(01-first-steps.md#why-peers)", "(07-nowhere.md)"),
        M2,
        "07-nowhere.md",
        None,
        "content/modules/07-nowhere.md does not exist",
    ),
    "broken anchor": Case(
        lambda t: t.edit(M2, "01-first-steps.md#why-peers", "01-first-steps.md#no-heading"),
        M2,
        "#no-heading",
        None,
        "has no heading #no-heading",
    ),
    "too few words": Case(
        lambda t: t.write(
            M1,
            module_text().split("## Why peers")[0]
            + SELF_CHECK * 2
            + "::: reflection\nWhy?\n:::\n## Group exercise\nShort.\n",
        ),
        M1,
        None,
        None,
        "words outside blocks; a module needs at least 700",
    ),
    "one self-check": Case(
        lambda t: t.edit(M1, SELF_CHECK, ""),
        M1,
        None,
        None,
        "has 1 self-check question(s)",
    ),
    "no reflection": Case(
        lambda t: t.edit(M1, "::: reflection\nWhich case occupies you?\n:::\n", ""),
        M1,
        None,
        None,
        "has no reflection prompt",
    ),
    "no group exercise": Case(
        lambda t: t.edit(M1, "## Group exercise", "## Practice"),
        M1,
        None,
        None,
        "has no '## Group exercise' section",
    ),
    "course.yml YAML syntax": Case(
        lambda t: t.edit("course.yml", "language: en", "language: : en"),
        "course.yml",
        "language: : en",
        None,
        "YAML syntax error",
    ),
    "course language not a code": Case(
        lambda t: t.edit("course.yml", "language: en", "language: English"),
        "course.yml",
        "language:",
        "language",
        "two-letter ISO 639-1 code",
    ),
    "peer-feedback activity without method": Case(
        lambda t: t.edit("course.yml", "    method: demo-method\n", ""),
        "course.yml",
        "- id: written-round",
        "activities[1].method",
        "is required but missing",
    ),
    "activity with unknown type": Case(
        lambda t: t.edit("course.yml", "type: signup", "type: quiz"),
        "course.yml",
        "type: quiz",
        "activities[0].type",
        "expected one of signup, peer-feedback",
    ),
    "method without case-bringer": Case(
        lambda t: t.edit(METHOD, "id: case-bringer", "id: presenter"),
        METHOD,
        "roles:",
        "roles",
        "must include a role with id 'case-bringer'",
    ),
    "speaker is not a role": Case(
        lambda t: t.edit(METHOD, "speakers: [consultant]", "speakers: [observer]"),
        METHOD,
        "speakers: [observer]",
        "phases[2].speakers[0]",
        "'observer' is not a role",
    ),
    "silent case-bringer speaks": Case(
        lambda t: t.edit(METHOD, "speakers: [consultant]", "speakers: [all]"),
        METHOD,
        "speakers: [all]",
        "phases[2].speakers",
        "case-bringer is silent",
        occurrence=2,
    ),
    "group size min above max": Case(
        lambda t: t.edit(METHOD, "{min: 3, max: 8}", "{min: 9, max: 8}"),
        METHOD,
        "group_size",
        "group_size.min",
        "min (9) is above max (8)",
    ),
    "group size min below two": Case(
        lambda t: t.edit(METHOD, "{min: 3, max: 8}", "{min: 1, max: 8}"),
        METHOD,
        "group_size",
        "group_size.min",
        "expected a whole number 2 or more",
    ),
    "duplicate phase id": Case(
        lambda t: t.edit(METHOD, "id: advice", "id: case"),
        METHOD,
        "id: case\n",
        "phases[2].id",
        "phase id 'case' is used twice",
        occurrence=2,
    ),
    "unknown contribution": Case(
        lambda t: t.edit(METHOD, "contribution: advice", "contribution: tips"),
        METHOD,
        "contribution: tips",
        "phases[2].contribution",
        "got 'tips'",
    ),
    "phase minutes zero": Case(
        lambda t: t.edit(METHOD, "minutes: 5", "minutes: 0"),
        METHOD,
        "minutes: 0",
        "phases[0].minutes",
        "expected a whole number 1 or more",
    ),
    "case_bringer_silent not boolean": Case(
        lambda t: t.edit(METHOD, "case_bringer_silent: true", "case_bringer_silent: maybe"),
        METHOD,
        "case_bringer_silent: maybe",
        "phases[2].case_bringer_silent",
        "expected true or false",
    ),
    "no sources": Case(
        lambda t: t.edit(
            METHOD,
            "sources:\n  - title: A test source\n    url: https://example.org/source\n",
            "sources: []\n",
        ),
        METHOD,
        "sources:",
        "sources",
        "expected at least 1 entries, got 0",
    ),
    "source url not http": Case(
        lambda t: t.edit(METHOD, "url: https://example.org/source", "url: example.org"),
        METHOD,
        "url: example.org",
        "sources[0].url",
        "expected an http(s) address",
    ),
    "method YAML syntax": Case(
        lambda t: t.edit(METHOD, "    minutes: 10\n", "    minutes: 10\n   bad: indent\n"),
        METHOD,
        "bad: indent",
        None,
        "YAML syntax error",
    ),
    "method file name": Case(
        lambda t: t.write("methods/Demo_Method.yml", "name: x\n"),
        "methods/Demo_Method.yml",
        None,
        None,
        "must be a kebab-case slug",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_reported_with_location(course_tree: CourseTree, case: Case) -> None:
    case.breaks(course_tree)
    with pytest.raises(CourseValidationError) as raised:
        load_course(course_tree.content)
    path = course_tree.content / case.file
    matching = [e for e in raised.value.errors if e.path == path and case.message in e.message]
    assert matching, f"no error for {case.file} containing {case.message!r} in:\n{raised.value}"
    error = matching[0]
    if case.line is not None:
        assert error.line == course_tree.line_of(case.file, case.line, case.occurrence)
    assert error.field == case.field


def test_valid_course_loads(course_tree: CourseTree) -> None:
    course = load_course(course_tree.content)
    assert [m.slug for m in course.modules] == ["first-steps", "second-steps"]
    second = course.modules[1]
    assert (second.number, second.method) == (2, "demo-method")
    assert second.prerequisites == ("first-steps",)
    assert second.activities == ("written-round",)
    assert course.methods["demo-method"].total_minutes == 25
    assert course.methods["demo-method"].phases[2].case_bringer_silent is True
    assert set(course.activities) == {"practice-round", "written-round"}


def test_a_loaded_course_is_read_only_all_the_way_down(course_tree: CourseTree) -> None:
    course = load_course(course_tree.content)
    with pytest.raises(TypeError):
        course.methods["demo-method"] = course.methods["demo-method"]  # type: ignore[index]
    with pytest.raises(TypeError):
        del course.activities["written-round"]  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        course.modules[0].field_lines["title"] = 1  # type: ignore[index]


def test_module_numbers_may_have_more_than_two_digits(course_tree: CourseTree) -> None:
    _add_module_3(course_tree, "0123-extra-steps.md")
    course_tree.edit("course.yml", "  - second-steps\n", "  - second-steps\n  - extra-steps\n")
    course = load_course(course_tree.content)
    assert [(m.slug, m.number) for m in course.modules] == [
        ("first-steps", 1),
        ("second-steps", 2),
        ("extra-steps", 123),
    ]


def test_modules_follow_course_yml_order(course_tree: CourseTree) -> None:
    course_tree.edit(
        "course.yml", "  - first-steps\n  - second-steps\n", "  - second-steps\n  - first-steps\n"
    )
    course_tree.edit(M2, "prerequisites: [first-steps]", "prerequisites: []")
    assert [m.slug for m in load_course(course_tree.content).modules] == [
        "second-steps",
        "first-steps",
    ]


def test_malformed_self_check_points_at_its_absolute_line(course_tree: CourseTree) -> None:
    course_tree.edit(M1, "- [x] Peers of equal", "- [ ] Peers of equal")
    with pytest.raises(CourseValidationError) as raised:
        load_course(course_tree.content)
    (error,) = [e for e in raised.value.errors if e.path.name == "01-first-steps.md"]
    opening = course_tree.line_of(M1, "::: self-check")
    closing = opening + 7
    assert error.line is not None and opening <= error.line <= closing
    assert "right" in error.message.lower() or "correct" in error.message.lower()


def test_all_errors_across_files_are_collected(course_tree: CourseTree) -> None:
    course_tree.edit(M1, "level: introductory", "level: beginner")
    course_tree.edit(M2, "::: activity written-round", "::: activity nope")
    course_tree.edit(METHOD, "minutes: 5", "minutes: 0")
    course_tree.edit("course.yml", "type: signup", "type: quiz")
    with pytest.raises(CourseValidationError) as raised:
        load_course(course_tree.content)
    files = {error.path.name for error in raised.value.errors}
    assert files == {"01-first-steps.md", "02-second-steps.md", "demo-method.yml", "course.yml"}
    assert str(raised.value).startswith("4 content errors:")


def test_error_text_names_file_line_field_and_hint(tmp_path: Path) -> None:
    error = ContentError(tmp_path / "03-x.md", 4, "level", "expected one of a, b, got 'c'", "fix")
    assert str(error) == (
        f"{tmp_path.as_posix()}/03-x.md:4: field 'level': expected one of a, b, got 'c'\n"
        "    hint: fix"
    )


def test_load_methods_and_activities_separately(course_tree: CourseTree) -> None:
    assert list(load_methods(course_tree.content)) == ["demo-method"]
    assert load_activities(course_tree.content)["written-round"].method == "demo-method"
    course_tree.edit(METHOD, "minutes: 5", "minutes: 0")
    with pytest.raises(CourseValidationError):
        load_methods(course_tree.content)


def test_file_that_is_not_utf8(course_tree: CourseTree) -> None:
    path = course_tree.content / M1
    path.write_bytes(path.read_text(encoding="utf-8").replace("Why peers", "Café").encode("cp1252"))
    with pytest.raises(CourseValidationError) as raised:
        load_course(course_tree.content)
    (error,) = [e for e in raised.value.errors if e.path == path]
    assert "is not UTF-8 text" in error.message


def test_broken_course_yml_does_not_cascade(course_tree: CourseTree) -> None:
    course_tree.edit("course.yml", "language: en", "language: : en")
    with pytest.raises(CourseValidationError) as raised:
        load_course(course_tree.content)
    assert [e.path.name for e in raised.value.errors] == ["course.yml"]
