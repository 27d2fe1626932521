"""What a learner reads in the blocks (issue 12): feedback says its verdict once, timelines
number each phase once with its own label, the silent mark is the vendored icon, and the
overview offers export and reset of the learner's own data."""

from __future__ import annotations

import re
from importlib import resources
from urllib.parse import unquote

import pytest

from site_builder.build_steps.pages import overview_markdown
from site_builder.course.model import Phase
from site_builder.markdown.block_html import SILENT_ICON, phase_label, render_self_check
from site_builder.markdown.blocks import SelfCheck, SelfCheckOption
from tests.site_builder.course_fixtures import REPO, CourseTree

CSS = REPO / "content/assets/intervision/courseware.css"


def phase(name: str) -> Phase:
    return Phase("p", name, 5, "Goal.", ("all",), False, "none")


@pytest.mark.parametrize(
    ("name", "position", "expected"),
    [
        ("2a. Spontaneous account", 2, ("2a.", "Spontaneous account")),
        ("4. Choosing a consultation module", 5, ("4.", "Choosing a consultation module")),
        ("Who has a case?", 1, ("1.", "Who has a case?")),
        ("10 minutes of silence", 3, ("3.", "10 minutes of silence")),
    ],
)
def test_a_phase_is_numbered_once_by_its_own_label(
    name: str, position: int, expected: tuple[str, str]
) -> None:
    assert phase_label(phase(name), position) == expected


def _check(feedback_right: str, feedback_wrong: str) -> str:
    block = SelfCheck(
        question="Which?",
        options=(
            SelfCheckOption("Peers", True, feedback_right),
            SelfCheckOption("A boss", False, feedback_wrong),
        ),
        multiple=False,
        line=1,
    )
    return render_self_check(block, 1, lambda text: text)


def test_feedback_with_its_own_verdict_gets_no_second_one() -> None:
    html = _check("Right. Equality defines it.", "**No.** That is supervision.")
    assert "Right answer." not in html and "Not right." not in html
    assert html.count('<span class="iv-verdict"></span>') == 2


def test_feedback_without_a_verdict_is_given_one() -> None:
    html = _check("Equality defines it.", "That is supervision.")
    assert '<span class="iv-verdict">Right answer.</span>' in html
    assert '<span class="iv-verdict">Not right.</span>' in html


def test_the_silent_mark_is_materials_icon_not_an_emoji() -> None:
    assert 'aria-hidden="true"' in SILENT_ICON and "iv-icon--silent" in SILENT_ICON
    css = unquote(CSS.read_text(encoding="utf-8"))
    assert "1F507" not in css  # the muted-speaker emoji needs a font many machines lack
    vendored = resources.files("material") / "templates/.icons/material/volume-off.svg"
    (path,) = re.findall(r'<path d="([^"]+)"', vendored.read_text(encoding="utf-8"))
    rule = css[css.index(".md-typeset .iv-icon--silent {") :]
    assert f"<path d='{path}'/>" in rule[: rule.index("}")]


def test_the_self_check_legend_is_laid_out_inside_its_box() -> None:
    css = CSS.read_text(encoding="utf-8")
    rule = css[css.index(".md-typeset .iv-selfcheck legend {") :]
    assert "float: left" in rule[: rule.index("}")]


def test_overview_offers_export_and_a_confirmed_reset(course_tree: CourseTree) -> None:
    from site_builder.course.loader import load_course

    page = overview_markdown(load_course(course_tree.content))
    assert 'data-iv-action="export-progress"' in page
    assert 'data-iv-action="reset-progress" aria-expanded="false"' in page
    assert 'data-iv-action="reset-confirm"' in page and 'data-iv-action="reset-cancel"' in page
    assert not any(line.startswith("    ") for line in page.splitlines())  # no code blocks
