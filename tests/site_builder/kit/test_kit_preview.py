"""Live preview of a course with a trainer kit: an error in a method file answers every page
(kit pages included) with the readable error page, like any content error, instead of
stopping `mkdocs serve`; once fixed, the kit's card pages come back (issue 12)."""

from __future__ import annotations

import shutil

from tests.site_builder.course_fixtures import REPO, CourseTree, write_mkdocs_yml
from tests.support.mkdocs_serve import get, mkdocs_serve, wait_until

METHOD = "methods/demo-method.yml"


def test_a_method_error_shows_the_error_page_and_the_kit_returns_when_fixed(
    course_tree: CourseTree,
) -> None:
    shutil.copytree(REPO / "content" / "assets" / "kit", course_tree.content / "assets" / "kit")
    course_tree.write("kit/index.md", "# Trainer kit\n\n{{ kit_cards }}\n")
    course_tree.edit(METHOD, "speakers: [consultant]", "speakers: [observer]")
    line = course_tree.line_of(METHOD, "speakers: [observer]")
    config = write_mkdocs_yml(course_tree)
    text = config.read_text(encoding="utf-8")
    assert "  - intervision-kit " in text
    config.write_text(  # no PDFs: the preview is what is tested, not WeasyPrint
        text.replace("  - intervision-kit ", "  - intervision-kit:\n      pdf: false\n  #"),
        encoding="utf-8",
    )
    with mkdocs_serve(config, course_tree.root) as (base, server):
        wait_until(lambda: get(f"{base}/").status_code == 200, "the first page", server)
        for path in ("/", "/kit/", "/modules/02-second-steps/"):
            response = get(base + path)
            assert response.status_code == 200, path
            assert "The course has errors" in response.text, path
            assert f"demo-method.yml:{line}" in response.text, path
            assert "&#x27;observer&#x27; is not a role of this method" in response.text, path

        course_tree.edit(METHOD, "speakers: [observer]", "speakers: [consultant]")
        wait_until(
            lambda: (
                "Offer advice while the case-bringer listens."
                in get(f"{base}/kit/cards/demo-method/").text
            ),
            "the kit's card page after the fix",
            server,
        )
        assert "The course has errors" not in get(f"{base}/kit/").text
