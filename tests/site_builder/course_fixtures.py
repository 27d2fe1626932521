"""A small, valid course written into a folder; tests break one thing at a time.

Imported as `tests.site_builder.course_fixtures` (the style tests/lti_app uses), so it is
unambiguous next to tests/lti_app/course_fixtures.py. Helpers shared by test modules live
here (write_mkdocs_yml, page), never in a test module that others import."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROSE = (
    "Colleagues of equal standing bring real cases from their work and help each other "
    "think them through with open questions, careful hypotheses and advice offered without "
    "pushing, so that the person who brings the case leaves with more room to act. "
)

COURSE_YML = """\
title: Test course
language: en
description: A tiny course for tests.
modules:
  - first-steps
  - second-steps
activities:
  - id: practice-round
    type: signup
    title: Practice round
    description: Sign up for a practice round.
  - id: written-round
    type: peer-feedback
    title: Written round
    method: demo-method
    description: A written round of the demo method.
"""

METHOD_YML = """\
name: Demo method
also_known_as: [Demo]
summary: A short method for tests.
group_size: {min: 3, max: 8}
evidence: Nothing is known; it is a test.
roles:
  - id: case-bringer
    name: Case-bringer
    description: Brings the case.
  - id: consultant
    name: Consultant
    description: Asks questions.
phases:
  - id: case
    name: Case
    minutes: 5
    goal: Tell the case.
    speakers: [case-bringer]
    case_bringer_silent: false
    contribution: case
  - id: questions
    name: Questions
    minutes: 10
    goal: Ask open questions.
    speakers: [all]
    case_bringer_silent: false
    contribution: question
    prompts:
      - What do you want to understand better?
  - id: advice
    name: Advice
    minutes: 10
    goal: Offer advice while the case-bringer listens.
    speakers: [consultant]
    case_bringer_silent: true
    contribution: advice
sources:
  - title: A test source
    url: https://example.org/source
"""

SELF_CHECK = """\
::: self-check
? Which statement describes intervision?

- [ ] A senior colleague assesses your work.
  > That is supervision.
- [x] Peers of equal standing consult each other.
  > Right: equality defines it.
:::
"""


def module_text(
    title: str = "First steps",
    prerequisites: str = "[]",
    extra_front_matter: str = "",
    body_extra: str = "",
) -> str:
    """Front matter lines are fixed: title is line 2, level line 5, objectives lines 6-8."""
    front = (
        "---\n"
        f"title: {title}\n"
        "summary: Why peers consult each other.\n"
        "duration_minutes: 45\n"
        "level: introductory\n"
        "objectives:\n"
        "  - Explain what intervision is.\n"
        "  - Distinguish intervision from supervision.\n"
        f"prerequisites: {prerequisites}\n"
        "tags: [basics]\n"
        f"{extra_front_matter}"
        "---\n"
    )
    body = (
        f"# {title}\n\n"
        "## Why peers\n\n"
        + PROSE * 10
        + "\n\n"
        + SELF_CHECK
        + "\n"
        + PROSE * 10
        + "\n\n"
        + SELF_CHECK
        + "\n::: reflection\nWhich case occupies you?\n:::\n\n"
        "## Group exercise\n\n" + PROSE * 10 + "\n\n" + body_extra
    )
    return front + body


class CourseTree:
    """Paths and edit helpers for one course in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"

    def write(self, relative: str, text: str) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.content / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture text {old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def line_of(self, relative: str, needle: str, occurrence: int = 1) -> int:
        """1-based line of the n-th line containing needle (a trailing newline anchors the end):
        expected lines come from the fixture file, not from the code under test."""
        lines = (self.content / relative).read_text(encoding="utf-8").splitlines(keepends=True)
        hits = [number for number, line in enumerate(lines, 1) if needle in line]
        return hits[occurrence - 1]

    def write_valid_course(self) -> None:
        self.write("course.yml", COURSE_YML)
        self.write("methods/demo-method.yml", METHOD_YML)
        self.write("modules/01-first-steps.md", module_text())
        self.write(
            "modules/02-second-steps.md",
            module_text(
                title="Second steps",
                prerequisites="[first-steps]",
                extra_front_matter="method: demo-method\n",
                body_extra=(
                    "See [the first module](01-first-steps.md#why-peers) and the "
                    "[method](../methods/demo-method.md).\n\n"
                    "::: method-timeline demo-method\n:::\n\n"
                    "::: activity written-round\n:::\n"
                ),
            ),
        )


def write_mkdocs_yml(tree: CourseTree) -> Path:
    """Like the project's mkdocs.yml, pointing at the temporary content."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("custom_dir: themes/material", f"custom_dir: {REPO / 'themes/material'}")
    text = text.replace("content_dir: content", f"content_dir: {tree.content}")
    path = tree.root / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def page(site: Path, url: str) -> str:
    """The HTML mkdocs wrote for a page URL (directory URLs)."""
    return (site / url / "index.html").read_text(encoding="utf-8")
