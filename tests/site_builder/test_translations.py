"""Loading and checking translations (content/translations/<lang>/) against the English source."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from site_builder.cli import check
from site_builder.course.errors import CourseValidationError
from site_builder.course.loader import load_course
from site_builder.course.translations import (
    load_translation,
    load_translations,
    translation_warnings,
)
from site_builder.kit.cards import card_markdown
from site_builder.translations_cli import translations
from tests.site_builder.course_fixtures import CourseTree
from tests.site_builder.translation_fixtures import version_of, write_nl_translation

NL_MODULE = "translations/nl/modules/01-first-steps.md"
NL_METHOD = "translations/nl/methods/demo-method.yml"


@pytest.fixture
def nl_tree(course_tree: CourseTree, monkeypatch: pytest.MonkeyPatch) -> CourseTree:
    monkeypatch.chdir(course_tree.root)  # errors name files relative to the project
    write_nl_translation(course_tree)
    return course_tree


def _errors(tree: CourseTree) -> str:
    with pytest.raises(CourseValidationError) as caught:
        load_translation(load_course(tree.content), "nl")
    return str(caught.value)


def test_merges_text_onto_the_source_structure(nl_tree: CourseTree) -> None:
    translation = load_translation(load_course(nl_tree.content), "nl")
    course = translation.course
    first, second = course.modules
    assert (course.language, course.title) == ("nl", "Testcursus")
    assert first.title == "Eerste stappen" and first.duration_minutes == 45
    assert first.level == "introductory" and first.tags == ("basics",)
    assert second.title == "Second steps"  # not translated: English
    method = course.methods["demo-method"]
    assert method.name == "Demomethode" and method.role("case-bringer").name == "Inbrenger"
    assert [p.minutes for p in method.phases] == [5, 10, 10]
    assert method.phases[1].prompts == ("Wat wil je beter begrijpen?",)
    assert course.activities["written-round"].title == "Schriftelijke ronde"
    assert course.activities["written-round"].method == "demo-method"
    assert translation.fallback == {"modules/02-second-steps.md"}
    page = translation.pages["modules/01-first-steps.md"]
    assert "duration_minutes: 45" in page and "title: Eerste stappen" in page
    assert "source_version" not in page.split("---")[1]


def test_structural_field_in_a_translation_is_an_error(nl_tree: CourseTree) -> None:
    nl_tree.edit(NL_MODULE, "title: Eerste stappen\n", "title: Eerste stappen\nlevel: advanced\n")
    text = _errors(nl_tree)
    line = nl_tree.line_of(NL_MODULE, "level: advanced")
    assert f"content/{NL_MODULE}:{line}: field 'level': must not be repeated" in text


def test_objective_count_must_match(nl_tree: CourseTree) -> None:
    nl_tree.edit(NL_MODULE, "  - Uitleggen wat intervisie is.\n", "")
    assert "has 1 objectives, the source has 2" in _errors(nl_tree)


def test_self_check_right_answer_positions_must_match(nl_tree: CourseTree) -> None:
    nl_tree.edit(NL_MODULE, "- [ ] Een ervaren", "- [x] Een ervaren")
    nl_tree.edit(NL_MODULE, "- [x] Gelijkwaardige", "- [ ] Gelijkwaardige")
    text = _errors(nl_tree)
    assert "marks options 1 right, the source marks 2" in text
    assert f"{NL_MODULE}:{nl_tree.line_of(NL_MODULE, '::: self-check')}:" in text


def test_self_check_option_count_must_match(nl_tree: CourseTree) -> None:
    nl_tree.edit(
        NL_MODULE, "  > Dat is supervisie.\n", "  > Dat is supervisie.\n- [ ] Extra.\n  > Nee.\n"
    )
    assert "this self-check has 3 options, the source's has 2" in _errors(nl_tree)


def test_directive_lines_reflection_ids_headings_links(nl_tree: CourseTree) -> None:
    nl_tree.edit(NL_MODULE, "::: reflection\n", "::: reflection id=eigen\n")
    nl_tree.edit(NL_MODULE, "## Groepsoefening", "### Groepsoefening")
    nl_tree.edit(
        NL_MODULE,
        "## Waarom collega's\n",
        "## Waarom collega's\n\nZie [het begin](02-second-steps.md).\n",
    )
    text = _errors(nl_tree)
    assert (
        "directive line '::: reflection id=eigen' differs from the source's '::: reflection'"
        in text
    )
    assert "heading 3 is level 3 (###), the source's is level 2" in text
    assert (
        "links to 02-second-steps.md, which the English source "
        "content/modules/01-first-steps.md does not" in text
    )


def test_method_ids_and_prompt_counts(nl_tree: CourseTree) -> None:
    nl_tree.edit(NL_METHOD, "  consultant:", "  adviser:")
    nl_tree.edit(NL_METHOD, '    prompts: ["Wat wil je beter begrijpen?"]\n', "")
    nl_tree.edit(NL_METHOD, "  case: {name: Casus,", "  case: {minutes: 3, name: Casus,")
    text = _errors(nl_tree)
    assert "field 'roles.adviser': is not a role id of the source" in text
    assert "field 'roles': lacks the roles consultant" in text
    assert "field 'phases.questions.prompts': is required but missing" in text
    assert "field 'phases.case.minutes': must not be repeated in a translation" in text


def test_missing_and_out_of_date_are_warnings(nl_tree: CourseTree) -> None:
    nl_tree.edit("modules/01-first-steps.md", "Explain what", "Explain clearly what")
    translations = load_translations(load_course(nl_tree.content))  # no error: it builds
    warnings = translation_warnings(translations)
    assert warnings[0] == (
        "nl: 1 file not translated yet (built in English with a notice): modules/02-second-steps.md"
    )
    current = version_of(nl_tree, "modules/01-first-steps.md")
    assert f"content/{NL_MODULE} translates version " in warnings[1]
    assert f"of content/modules/01-first-steps.md, which is now {current}" in warnings[1]


def test_check_command_reports_translations(
    nl_tree: CourseTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(nl_tree.root)
    result = CliRunner().invoke(check, [])
    assert result.exit_code == 0, result.output
    assert "warning: translation nl: 1 file not translated yet" in result.output
    assert "Translations checked: nl" in result.output
    # The author checks run on the translated text too (both right answers are the longest).
    assert (
        f"warning: translation content/{NL_MODULE}:{nl_tree.line_of(NL_MODULE, '::: self-check')}:"
        " in all 2 single-answer self-checks" in result.output
    )
    nl_tree.edit(NL_MODULE, "## Groepsoefening", "Groepsoefening")
    failed = CliRunner().invoke(check, [])
    assert failed.exit_code == 1 and "has 2 headings, the source has 3" in failed.output


def test_status_command_lists_each_file(
    nl_tree: CourseTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(nl_tree.root)
    nl_tree.write("translations/nl/course.yml", "source_version: 000000000000\ntitle: x\n")
    result = CliRunner().invoke(translations, ["status", "--language", "nl"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "nl: 2 of 4 files up to date"
    course_version = version_of(nl_tree, "course.yml")
    second = version_of(nl_tree, "modules/02-second-steps.md")
    assert (
        "  out of date            course.yml  records 000000000000; "
        f"write source_version: {course_version}" in lines
    )
    assert (
        "  missing                modules/02-second-steps.md  write "
        f"content/translations/nl/modules/02-second-steps.md with source_version: {second}"
    ) in lines


def test_kit_cards_speak_the_translation(nl_tree: CourseTree) -> None:
    method = load_translation(load_course(nl_tree.content), "nl").course.methods["demo-method"]
    card = card_markdown(method, "nl")
    assert card.startswith("# Demomethode: fase- en rolkaarten\n")
    assert "Inbrenger zwijgt" in card and "<strong>Je spreekt in:</strong> Casus" in card
    assert "Case-bringer" not in card and "phase card" not in card


def test_untranslated_method_marks_its_generated_pages(nl_tree: CourseTree) -> None:
    translation = load_translation(load_course(nl_tree.content), "nl")
    assert translation.generated_fallback == frozenset()
    (nl_tree.content / NL_METHOD).unlink()
    translation = load_translation(load_course(nl_tree.content), "nl")
    assert translation.generated_fallback == {"methods/demo-method.md", "kit/cards/demo-method.md"}


def test_kit_page_keeps_the_builds_markers(nl_tree: CourseTree) -> None:
    nl_tree.write("kit/index.md", "# Trainer kit\n\n## Cards\n\n{{ kit_cards }}\n")
    version = version_of(nl_tree, "kit/index.md")
    nl_tree.write(
        "translations/nl/kit/index.md",
        f"---\nsource_version: {version}\n---\n# Trainerskit\n\n## Kaarten\n\nDe kaarten.\n",
    )
    text = _errors(nl_tree)
    assert "content/translations/nl/kit/index.md: the source's {{ kit_cards }} is missing" in text
