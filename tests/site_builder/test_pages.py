"""Generated overview and method pages: the Markdown they produce and how it renders."""

from __future__ import annotations

from pathlib import Path

import markdown

from site_builder.build_steps.pages import (
    format_minutes,
    generated_pages,
    method_markdown,
    overview_markdown,
)
from site_builder.build_steps.sections import (
    GROUP_ABOVE,
    MODULES_PER_SECTION,
    course_nav,
    module_sections,
)
from site_builder.course.model import Course, Method, Module, Phase, Role, Source
from site_builder.markdown.markdown_ext import makeExtension


def module(slug: str, number: int, prerequisites: tuple[str, ...] = ()) -> Module:
    return Module(
        slug=slug,
        number=number,
        title=f"Title {number}",
        summary=f"Summary {number}.",
        duration_minutes=45 * number,
        level="introductory",
        objectives=("Do A", "Do B"),
        prerequisites=prerequisites,
        path=Path(f"{number:02d}-{slug}.md"),
        body="",
        body_first_line=1,
    )


COURSE = Course(
    title="Intervision",
    language="en",
    description="A course.",
    modules=(module("first", 1), module("second", 2, ("first",))),
)
METHOD = Method(
    slug="demo",
    name="Demo",
    summary="Sum.",
    group_size_min=3,
    group_size_max=6,
    evidence="Little is known.",
    roles=(Role("case-bringer", "Case-bringer", "Brings a case."),),
    phases=(Phase("p", "Phase", 65, "Goal.", ("all",), False, "none"),),
    sources=(Source("Book (2000)."), Source("Site", "https://example.org")),
    also_known_as=("Demo-Methode",),
)


def test_format_minutes_reads_naturally() -> None:
    assert [format_minutes(m) for m in (1, 45, 60, 61, 135)] == [
        "1 minute",
        "45 minutes",
        "1 hour",
        "1 hour 1 minute",
        "2 hours 15 minutes",
    ]


def test_overview_lists_modules_with_progress_hooks() -> None:
    text = overview_markdown(COURSE)
    assert "**2 modules, about 2 hours 15 minutes of study in total.**" in text
    assert 'data-iv-progress data-iv-total="2" hidden' in text
    html = markdown.markdown(text, extensions=["attr_list"])
    assert (
        '<h3 class="iv-module-entry" data-iv-module="modules/02-second.md" id="module-second">'
        '2. <a href="modules/02-second.md">Title 2</a></h3>'
    ) in html
    assert "<p><em>Introductory · about 1 hour 30 minutes</em></p>" in html
    assert '<p>Take first: <a href="modules/01-first.md">Title 1</a>.</p>' in html
    assert "<p>Take first: nothing; a good place to start.</p>" in html


def test_method_page_uses_the_timeline_block() -> None:
    text = method_markdown(METHOD)
    assert "*Also known as: Demo-Methode*" in text
    assert "**Group size:** 3 to 6 people · **Duration:** about 1 hour 5 minutes" in text
    assert "::: method-timeline demo searchable\n:::" in text
    assert "- [Site](https://example.org)" in text
    html = markdown.markdown(
        text, extensions=[makeExtension(methods={"demo": METHOD}, activities={})]
    )
    assert '<figure class="iv-timeline" data-iv-method="demo">' in html


def big_course(count: int) -> Course:
    return Course(
        title="Big",
        language="en",
        description="Many modules.",
        modules=tuple(module(f"m-{n}", n) for n in range(1, count + 1)),
    )


def test_small_course_keeps_one_flat_module_list() -> None:
    nav = course_nav(big_course(GROUP_ABOVE))
    assert nav[1] == {
        "Modules": [{f"Title {n}": f"modules/{n:02d}-m-{n}.md"} for n in range(1, GROUP_ABOVE + 1)]
    }
    assert set(generated_pages(big_course(GROUP_ABOVE))) == {"index.md"}


def test_large_course_nav_and_overview_are_grouped_in_sections() -> None:
    course = big_course(1000)
    sections = module_sections(course)
    assert len(sections) == 1000 // MODULES_PER_SECTION
    modules_nav = course_nav(course)[1]["Modules"]
    assert next(iter(modules_nav[1])) == "Modules 26–50"
    first = modules_nav[0]["Modules 1–25"]
    assert first[0] == "modules/part-1/index.md" and len(first) == MODULES_PER_SECTION + 1
    overview = overview_markdown(course)
    assert 'data-iv-total="1000" data-iv-scope="modules/"' in overview
    assert "| [Modules 976–1000](modules/part-40/index.md) | Title 976 |" in overview
    assert "data-iv-module=" not in overview
    pages = generated_pages(course)
    section = pages["modules/part-2/index.md"]
    assert 'data-iv-total="25" hidden' in section
    html = markdown.markdown(section, extensions=["attr_list"])
    assert (
        '<h2 class="iv-module-entry" data-iv-module="modules/26-m-26.md" id="module-m-26">'
        '26. <a href="../../modules/26-m-26.md">Title 26</a></h2>'
    ) in html
    assert html.count("<li>Do A</li>") == MODULES_PER_SECTION
