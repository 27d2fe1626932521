"""`mkdocs serve` as trainers use it for live preview: a real server process on loopback."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site_builder.course_fixtures import CourseTree, write_mkdocs_yml
from tests.support.mkdocs_serve import get, mkdocs_serve, wait_until


@pytest.fixture
def served(course_tree: CourseTree) -> Iterator[tuple[CourseTree, str, subprocess.Popen[str]]]:
    config = write_mkdocs_yml(course_tree)
    with mkdocs_serve(config, course_tree.root) as (base, server):
        yield course_tree, base, server


def test_serve_previews_generated_pages_and_reloads_an_edited_module(
    served: tuple[CourseTree, str, subprocess.Popen[str]],
) -> None:
    tree, base, server = served
    wait_until(lambda: get(f"{base}/").status_code == 200, "the overview page", server)

    assert "Test course" in get(f"{base}/").text
    assert get(f"{base}/methods/demo-method/").status_code == 200
    catalogue = get(f"{base}/catalogue.json").json()
    assert [module["slug"] for module in catalogue["modules"]] == ["first-steps", "second-steps"]

    module_file = next(Path(tree.content, "modules").glob("01-*.md"))
    text = module_file.read_text(encoding="utf-8")
    module_file.write_text(
        text.replace("## Group exercise", "Freshly edited paragraph.\n\n## Group exercise", 1),
        encoding="utf-8",
    )
    wait_until(
        lambda: "Freshly edited paragraph." in get(f"{base}/modules/01-first-steps/").text,
        "the rebuilt module page",
        server,
    )
