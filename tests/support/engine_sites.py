"""The course built by both engines (Material and Zensical) and what must be the same in each:
the page paths, catalogue.json, and the courseware blocks of every page."""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tests.support.sitebuild import MKDOCS_CONFIG, run_build

COURSEWARE_CLASSES = (
    "iv-selfcheck",
    "iv-reflection",
    "iv-activity",
    "iv-timeline",
    "iv-progress",
    "iv-module-entry",
    "iv-phase",
)
"""Top-level classes of what site_builder adds to a page (blocks, progress, module entries)."""


def build_with_engine(site_dir: Path, engine: str, config_file: Path = MKDOCS_CONFIG) -> Path:
    """`intervision build --engine ENGINE` into site_dir, in a subprocess like a user runs it."""
    command = [
        sys.executable,
        "-m",
        "site_builder",
        "build",
        "-q",
        "--engine",
        engine,
        "--language",  # the source language: Zensical builds no translations, and the
        "en",  # comparison is of the same site
        "--config-file",
        str(config_file),
        "--site-dir",
        str(site_dir),
    ]
    return run_build(command, site_dir)


def page_paths(site_dir: Path) -> set[str]:
    return {path.relative_to(site_dir).as_posix() for path in site_dir.rglob("*.html")}


def catalogue(site_dir: Path) -> dict[str, Any]:
    """catalogue.json without its build time."""
    data: dict[str, Any] = json.loads((site_dir / "catalogue.json").read_text(encoding="utf-8"))
    data.pop("generated_at")
    return data


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        kinds = sorted(classes.intersection(COURSEWARE_CLASSES))
        if kinds:
            data = sorted(f"{k}={v}" for k, v in attrs if k.startswith("data-iv") or k == "id")
            self.found.append((tag, *kinds, *data))


def courseware_blocks(html_file: Path) -> list[tuple[str, ...]]:
    """Each courseware element of the page in order: tag, classes, id and data-iv attributes."""
    parser = _Blocks()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser.found
