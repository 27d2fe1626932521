"""Search-excluded timelines skip the search parser but still reach the page, unchanged."""

from __future__ import annotations

import json

import pytest
from material.plugins.search import plugin as search_plugin

from site_builder.markdown import search_shield
from site_builder.mkdocs.site_build import build_site
from tests.site_builder.course_fixtures import CourseTree, page, write_mkdocs_yml

EXCLUDED = '<figure class="iv-timeline" data-iv-method="x" data-search-exclude><ol></ol></figure>'


def test_hide_and_restore_round_trip() -> None:
    search_shield.register_excluded(EXCLUDED)
    html = f"<p>Before.</p>\n{EXCLUDED}\n<p>After.</p>"
    hidden = search_shield.hide(html)
    assert EXCLUDED not in hidden and "iv-timeline" not in hidden
    assert hidden.startswith("<p>Before.</p>\n<!--iv-search-excluded:")
    assert search_shield.restore(hidden) == html


def test_an_authored_lookalike_comment_is_left_alone() -> None:
    search_shield.register_excluded(EXCLUDED)
    planted = "<p>x</p><!--iv-search-excluded:000000000000:0-->"
    assert search_shield.restore(planted) == planted


def test_built_page_keeps_the_timeline_and_search_skips_it(course_tree: CourseTree) -> None:
    site = build_site(write_mkdocs_yml(course_tree), course_tree.root / "out")
    module = page(site, "modules/02-second-steps")
    assert '<figure class="iv-timeline" data-iv-method="demo-method" data-search-exclude>' in module
    assert "Ask open questions." in module
    assert "iv-search-excluded" not in module
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    texts = {entry["location"]: entry["text"] for entry in index["docs"]}
    module_texts = [text for url, text in texts.items() if url.startswith("modules/02-")]
    method_texts = [text for url, text in texts.items() if url.startswith("methods/demo-")]
    assert module_texts and not any("Ask open questions." in text for text in module_texts)
    assert any("Ask open questions." in text for text in method_texts)


def test_a_page_without_excluded_fragments_is_unaffected() -> None:
    assert search_shield.hide("<p>No blocks here.</p>") == "<p>No blocks here.</p>"


def test_several_fragments_and_an_unregistered_excluded_element() -> None:
    other = EXCLUDED.replace('data-iv-method="x"', 'data-iv-method="y"').replace("<ol>", "<ol>y")
    search_shield.register_excluded(EXCLUDED)
    search_shield.register_excluded(other)
    foreign = "<div data-search-exclude>not ours</div>"
    html = f"{EXCLUDED}<p>a</p>{foreign}{other}<p>b</p>{EXCLUDED}"
    hidden = search_shield.hide(html)
    assert hidden.count("<!--iv-search-excluded:") == 3 and foreign in hidden
    assert "iv-timeline" not in hidden
    assert search_shield.restore(hidden) == html


@pytest.mark.parametrize("search_first", [True, False])
def test_the_search_parser_never_sees_an_excluded_timeline(
    course_tree: CourseTree, monkeypatch: pytest.MonkeyPatch, search_first: bool
) -> None:
    """Whatever the plugin order in mkdocs.yml, indexing happens between hide and restore."""
    config = write_mkdocs_yml(course_tree)
    if not search_first:
        text = config.read_text(encoding="utf-8")
        text = text.replace("  - search\n  - intervision", "  - intervision\n  - search")
        assert "  - intervision\n  - search" in text
        config.write_text(text, encoding="utf-8")
    fed: list[str] = []
    original_feed = search_plugin.Parser.feed

    def recording_feed(self: search_plugin.Parser, data: str) -> None:
        fed.append(data)
        original_feed(self, data)

    monkeypatch.setattr(search_plugin.Parser, "feed", recording_feed)
    site = build_site(config, course_tree.root / "out")
    module_feeds = [data for data in fed if "Second steps" in data and "iv-selfcheck" in data]
    assert module_feeds and all("iv-timeline" not in data for data in module_feeds)
    assert any('data-iv-method="demo-method">' in data for data in fed)  # the method page
    assert 'data-iv-method="demo-method" data-search-exclude>' in page(
        site, "modules/02-second-steps"
    )
