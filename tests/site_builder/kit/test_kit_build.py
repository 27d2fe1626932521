"""A real build of a small course with a trainer kit: card pages, navigation, and a PDF made
by WeasyPrint at build time and kept in the cache; the longest real card prints as one A4
page of phases plus the role cards, identically every time; a course without a kit folder
gets none of it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import markdown
import pytest

from site_builder.course.loader import load_methods
from site_builder.kit.cards import card_markdown
from site_builder.kit.pdf import PdfWriter, card_document
from site_builder.mkdocs.site_build import build_site
from tests.site_builder.course_fixtures import REPO, CourseTree, page, write_mkdocs_yml

KIT_ASSETS = REPO / "content" / "assets" / "kit"


@pytest.fixture
def cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "intervision" / "kit-pdf"


def test_a_course_with_a_kit_gets_cards_navigation_and_a_pdf(
    course_tree: CourseTree, cache_dir: Path
) -> None:
    shutil.copytree(KIT_ASSETS, course_tree.content / "assets" / "kit")
    course_tree.write("kit/index.md", "# Trainer kit\n\n{{ kit_cards }}\n")
    course_tree.write("kit/glossary.md", "# Glossary (three languages)\n\nWords.\n")
    site = build_site(write_mkdocs_yml(course_tree), course_tree.root / "out")

    cards = page(site, "kit/cards/demo-method")
    assert "Phase card: Demo method" in cards
    assert "Offer advice while the case-bringer listens." in cards
    assert cards.count('class="iv-role-card"') == 2
    index = page(site, "kit")
    assert "{{ kit_cards }}" not in index
    assert 'href="cards/demo-method/"' in index and 'href="pdf/demo-method.pdf"' in index
    nav = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', index)
    assert {"Trainer kit", "Phase and role cards", "Glossary"} <= set(nav)
    assert "assets/kit/kit.css" in index

    pdf = (site / "kit" / "pdf" / "demo-method.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert [path.read_bytes() for path in cache_dir.glob("*.pdf")] == [pdf]


def test_the_longest_real_card_prints_on_two_pages_the_same_every_time(tmp_path: Path) -> None:
    method = load_methods(REPO / "content")["ten-step-method"]  # ten phases, the most text
    html = markdown.markdown(card_markdown(method), extensions=["attr_list"])
    writer = PdfWriter(KIT_ASSETS / "kit.css")
    first = writer.write(card_document("Cards", html), tmp_path / "one.pdf")
    second = writer.write(card_document("Cards", html), tmp_path / "two.pdf")
    assert first == second == 2  # one A4 page of phases; the role cards start on the next
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()


def test_a_course_without_a_kit_folder_gets_no_kit(course_tree: CourseTree) -> None:
    site = build_site(write_mkdocs_yml(course_tree), course_tree.root / "out")
    assert not (site / "kit").exists()
    assert "Trainer kit" not in page(site, ".")
