"""One site per language: English at the root, the Dutch fixture translation in nl/, with the
same pages, the page language, a switcher to the same page and a notice on untranslated pages.

One build of a two-module course (about 3 s) serves every test of the module."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.__main__ import main
from site_builder.mkdocs.site_build import BuildFailed, build_site
from site_builder.ui_text import TEXTS
from tests.site_builder.course_fixtures import CourseTree, page, write_mkdocs_yml
from tests.site_builder.translation_fixtures import write_nl_translation


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[CourseTree, Path]:
    tree = CourseTree(tmp_path_factory.mktemp("translated"))
    tree.write_valid_course()
    write_nl_translation(tree)
    return tree, build_site(write_mkdocs_yml(tree), tree.root / "out")


def _pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_every_page_exists_in_every_language(built: tuple[CourseTree, Path]) -> None:
    _, site = built
    dutch = _pages(site / "nl")
    english = {p for p in _pages(site) if not p.startswith("nl/")}
    assert dutch == english and "modules/02-second-steps/index.html" in dutch
    assert '<html lang="nl"' in page(site, "nl/modules/01-first-steps")
    assert '<html lang="en"' in page(site, "modules/01-first-steps")


def test_search_stems_the_page_language_and_english(built: tuple[CourseTree, Path]) -> None:
    _, site = built
    config = json.loads((site / "nl/search/search_index.json").read_text("utf-8"))["config"]
    assert config["lang"] == ["nl", "en"]
    english = json.loads((site / "search/search_index.json").read_text("utf-8"))["config"]
    assert english["lang"] == ["en"]


def _switcher(html: str) -> dict[str, str]:
    links = re.findall(r'<a href="([^"]*)" hreflang="(\w+)"[^>]*class="md-select__link"', html)
    return {lang: href for href, lang in links}


@pytest.mark.parametrize("url", ["", "modules/01-first-steps/", "methods/demo-method/"])
def test_switcher_links_the_same_page(built: tuple[CourseTree, Path], url: str) -> None:
    _, site = built
    for here, other, lang in ((url, "nl/" + url, "nl"), ("nl/" + url, url, "en")):
        href = _switcher(page(site, here))[lang]
        target = posixpath.normpath(posixpath.join(here or ".", href))
        assert target == posixpath.normpath(other or "."), (here, href)
        assert (site / target / "index.html").is_file()


def test_untranslated_page_is_english_with_a_notice(built: tuple[CourseTree, Path]) -> None:
    _, site = built
    html = page(site, "nl/modules/02-second-steps")
    notice = re.search(
        r'<div class="admonition info iv-untranslated" role="note">(.*?)</div>', html
    )
    assert notice is not None and "Deze pagina is nog niet vertaald" in notice.group(1)
    assert '<div lang="en"><h1 id="second-steps">Second steps' in html
    assert "iv-untranslated" not in page(site, "nl/modules/01-first-steps")
    assert "iv-untranslated" not in page(site, "modules/02-second-steps")


def test_translated_page_keeps_the_source_anchors(built: tuple[CourseTree, Path]) -> None:
    _, site = built
    html = page(site, "nl/modules/01-first-steps")
    assert '<h2 id="why-peers">Waarom collega' in html  # 02's link ...#why-peers still lands
    assert '<h2 id="group-exercise">Groepsoefening' in html


def test_generated_words_are_in_the_page_language(built: tuple[CourseTree, Path]) -> None:
    _, site = built
    overview = page(site, "nl")
    assert "0 van 2 modules afgerond" in overview and "Na deze module kun je:" in overview
    assert re.search(r'md-ellipsis">\s*Overzicht\s*</span>', overview)
    module = page(site, "nl/modules/01-first-steps")
    for dutch in ("Zelftoets", "Kies één antwoord.", "Reflectie", "Over deze module"):
        assert dutch in module, dutch
    assert "Deze module als afgerond markeren" in module
    for english in ("Self-check", "Choose one answer.", "About this module", "Mark this module"):
        assert english not in module, english
    words = re.search(r'<script id="iv-text" type="application/json">(.*?)</script>', module)
    assert words is not None  # what iv-*.js says, for this page's language
    assert json.loads(words.group(1))["js.not_quite"] == "Niet helemaal."
    assert 'id="iv-text"' not in page(site, "modules/01-first-steps")  # English: the scripts'
    method = page(site, "nl/methods/demo-method")
    assert "<h1 id=" in method and "Demomethode" in method
    assert "Wie spreekt" in method and "Inbrenger zwijgt: luistert alleen" in method
    # An English page in the Dutch site still gets Dutch blocks (with the English text).
    fallback = page(site, "nl/modules/02-second-steps")
    assert "Oefening met feedback van intervisiegenoten" in fallback and "Demomethode" in fallback


def test_catalogue_per_language(built: tuple[CourseTree, Path]) -> None:
    _, site = built
    dutch = json.loads((site / "nl/catalogue.json").read_text("utf-8"))
    english = json.loads((site / "catalogue.json").read_text("utf-8"))
    assert dutch.keys() == english.keys()
    assert (dutch["course"]["language"], dutch["course"]["title"]) == ("nl", "Testcursus")
    assert [m["title"] for m in dutch["modules"]] == ["Eerste stappen", "Second steps"]
    assert dutch["methods"][0]["phases"][2]["name"] == "Adviezen"
    assert [m["url"] for m in dutch["modules"]] == [m["url"] for m in english["modules"]]
    for module in dutch["modules"]:
        assert (site / "nl" / module["url"] / "index.html").is_file()


def test_language_option_builds_only_that_language(course_tree: CourseTree) -> None:
    write_nl_translation(course_tree)
    config = write_mkdocs_yml(course_tree)
    out = course_tree.root / "out"
    args = ["build", "-f", str(config), "-d", str(out), "--language", "nl"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (out / "nl/index.html").is_file() and not (out / "index.html").exists()
    assert result.output.splitlines()[-1] == f"Built the nl site into {out / 'nl'}"
    with pytest.raises(
        BuildFailed, match="no translation for de: the languages of this course are en, nl"
    ):
        build_site(config, out, languages=["de"])


def test_zensical_builds_each_language_too(course_tree: CourseTree) -> None:
    write_nl_translation(course_tree)
    out = course_tree.root / "zensical"
    config = str(write_mkdocs_yml(course_tree))
    result = CliRunner().invoke(
        main, ["build", "--engine", "zensical", "-f", config, "-d", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"  nl: {out / 'nl'}" in result.output.splitlines()  # where each language's site is
    assert _pages(out / "nl") == {p for p in _pages(out) if not p.startswith("nl/")}
    module = page(out, "nl/modules/01-first-steps")
    assert '<html lang="nl"' in module and "Zelftoets" in module and 'id="iv-text"' in module
    assert _switcher(module)["en"] == "../../../modules/01-first-steps/"
    assert "Deze pagina is nog niet vertaald" in page(out, "nl/modules/02-second-steps")
    catalogue = json.loads((out / "nl/catalogue.json").read_text("utf-8"))
    assert catalogue["course"]["language"] == "nl"
    unknown = CliRunner().invoke(
        main, ["build", "--engine", "zensical", "-f", config, "--language", "de"]
    )
    assert unknown.exit_code == 1 and "no translation for de" in unknown.output


def test_every_language_has_every_builder_text() -> None:
    english = set(TEXTS["en"])
    for language, texts in TEXTS.items():
        assert set(texts) == english, language
        for key, text in texts.items():
            placeholders = set(re.findall(r"\{(\w+)\}", TEXTS["en"][key]))
            assert set(re.findall(r"\{(\w+)\}", text)) == placeholders, (language, key)
