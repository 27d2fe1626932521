"""The live preview while a trainer works: content errors answer every page at once (a
request with a timeout, never a hung one), and a draft module is previewed with a banner."""

from __future__ import annotations

from tests.site_builder.course_fixtures import CourseTree, write_mkdocs_yml
from tests.support.mkdocs_serve import get, mkdocs_serve, wait_until

M1 = "modules/01-first-steps.md"


def test_preview_answers_every_page_with_the_errors_until_they_are_fixed(
    course_tree: CourseTree,
) -> None:
    course_tree.edit(M1, "level: introductory", "level: beginner")
    line = course_tree.line_of(M1, "level: beginner")
    course_tree.write(
        "modules/03-work-in-progress.md",
        (course_tree.content / M1)
        .read_text(encoding="utf-8")
        .replace("level: beginner", "level: introductory")
        .replace("title: First steps", "title: Work in progress\ndraft: true"),
    )
    course_tree.edit("course.yml", "  - second-steps\n", "  - second-steps\n  - work-in-progress\n")
    with mkdocs_serve(write_mkdocs_yml(course_tree), course_tree.root) as (base, server):
        wait_until(lambda: get(f"{base}/").status_code == 200, "the first page", server)
        for path in ("/", "/modules/01-first-steps/", "/modules/02-second-steps/"):
            response = get(base + path)
            assert response.status_code == 200, path
            assert "The course has errors" in response.text, path
            assert f"01-first-steps.md:{line}" in response.text, path
            assert "field &#x27;level&#x27;: expected one of introductory" in response.text
        missing = get(f"{base}/methods/no-such-method/")
        assert missing.status_code == 404
        assert f"01-first-steps.md:{line}" in missing.text

        course_tree.edit(M1, "level: beginner", "level: introductory")
        wait_until(
            lambda: "Why peers consult" in get(f"{base}/").text, "the fixed overview", server
        )
        draft = get(f"{base}/modules/03-work-in-progress/")
        assert draft.status_code == 200
        assert 'class="iv-draft-banner"' in draft.text
        assert "Work in progress" in get(f"{base}/").text  # the preview lists the draft

        # An error made while the preview runs: the rebuilt pages answer with it, no waiting.
        course_tree.edit(M1, "level: introductory", "level: expert")
        wait_until(
            lambda: "got &#x27;expert&#x27;" in get(f"{base}/modules/02-second-steps/").text,
            "the error page after a rebuild",
            server,
        )
