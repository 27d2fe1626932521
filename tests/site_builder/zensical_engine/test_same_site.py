"""Material and Zensical build the same course: the same pages, catalogue.json and courseware
blocks in each page (issue 10), from the one engine-neutral step in site_builder.build_steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.engine_sites import build_with_engine, catalogue, courseware_blocks, page_paths


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("engines")
    return {engine: build_with_engine(root / engine, engine) for engine in ("material", "zensical")}


def test_both_engines_write_the_same_page_paths(sites: dict[str, Path]) -> None:
    material, zensical = page_paths(sites["material"]), page_paths(sites["zensical"])
    assert material == zensical
    assert {"index.html", "404.html"} <= material
    assert any(path.startswith("methods/") for path in material)


def test_both_engines_write_the_trainer_kit_card_pdfs(sites: dict[str, Path]) -> None:
    material = sorted(path.name for path in sites["material"].glob("kit/pdf/*.pdf"))
    assert material and material == sorted(
        path.name for path in sites["zensical"].glob("kit/pdf/*.pdf")
    )
    for pdf in sites["zensical"].glob("kit/pdf/*.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF-")


def test_both_engines_write_the_same_catalogue(sites: dict[str, Path]) -> None:
    material = catalogue(sites["material"])
    assert material == catalogue(sites["zensical"])
    assert material["modules"] and material["methods"]


def test_every_page_has_the_same_courseware_blocks(sites: dict[str, Path]) -> None:
    differing = []
    blocks_seen = 0
    for path in sorted(page_paths(sites["material"])):
        material = courseware_blocks(sites["material"] / path)
        blocks_seen += len(material)
        if material != courseware_blocks(sites["zensical"] / path):
            differing.append(path)
    assert differing == []
    assert blocks_seen > 0


def test_zensical_site_has_the_self_check_and_progress_scripts(sites: dict[str, Path]) -> None:
    html = (sites["zensical"] / "index.html").read_text(encoding="utf-8")
    for script in ("iv-core.js", "iv-selfcheck.js", "iv-progress.js"):
        assert f"assets/intervision/{script}" in html
        assert (sites["zensical"] / "assets/intervision" / script).is_file()
    assert "data-iv-progress" in html
