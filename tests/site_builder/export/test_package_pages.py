"""Site pages made fit for a package: folder links become files, the runtime bridge is added."""

from __future__ import annotations

import pytest

from site_builder.export.package_files import (
    PACKAGE_CSS,
    SCORM_BRIDGE,
    SEARCH_FORM,
    UNNAMED_SEARCH_FORM,
    package_page,
    root_prefix,
    with_scorm_bridge,
)

PAGE = "modules/01-x/index.html"


def _page(body: str) -> str:
    return f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("../02-y/", "../02-y/index.html"),
        ("../02-y/#skills", "../02-y/index.html#skills"),
        ("./", "./index.html"),
        ("../..", "../../index.html"),
        ("..", "../index.html"),
        ("../../methods/troika/?q=1", "../../methods/troika/index.html?q=1"),
        ("#section", "#section"),
        ("../../assets/x.css", "../../assets/x.css"),
        ("https://example.org/folder/", "https://example.org/folder/"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
        ("/absolute/", "/absolute/"),
    ],
)
def test_folder_links_get_their_index_file(link: str, expected: str) -> None:
    html = package_page(PAGE, _page(f'<a href="{link}">x</a><img src="{link}" alt="">'))
    assert f'<a href="{expected}">' in html
    assert f'<img src="{expected}"' in html


def test_text_that_looks_like_a_link_is_left_alone() -> None:
    body = "<pre><code>&lt;a href=&quot;../x/&quot;&gt;</code></pre><p>href=../y/</p>"
    html = package_page(PAGE, _page(body))
    assert body in html


def test_package_stylesheet_is_linked_relative_to_the_page() -> None:
    assert root_prefix("index.html") == ""
    assert root_prefix(PAGE) == "../../"
    html = package_page(PAGE, _page(""))
    assert html.index(f'<link rel="stylesheet" href="../../{PACKAGE_CSS}">') < html.index("</head>")


@pytest.mark.parametrize("scores", [True, False])
def test_scorm_pages_load_the_bridge_last(scores: bool) -> None:
    html = with_scorm_bridge(PAGE, _page("<p>x</p>"), scores)
    tag = f'<script src="../../{SCORM_BRIDGE}" data-iv-scorm-scores="{str(scores).lower()}">'
    assert tag in html
    assert html.index(tag) > html.index("<p>x</p>")
    assert html.endswith("</script></body></html>")


def test_search_is_off_in_package_pages() -> None:
    """Material fetches the search index for a form named "search"; packages carry none."""
    html = package_page(PAGE, _page(SEARCH_FORM + "</form>"))
    assert SEARCH_FORM not in html
    assert UNNAMED_SEARCH_FORM in html
