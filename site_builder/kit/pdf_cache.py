"""A content-addressed cache of card PDFs, so rebuilding an unchanged course (tests, `mkdocs
serve`, packaging) does not lay out the same cards again: WeasyPrint takes about a second per
card. The key covers everything the bytes depend on: the document, the stylesheet, the fonts it
loads and the WeasyPrint version. The output is reproducible, so a cached copy is identical to
a fresh render.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "intervision" / "kit-pdf"


def cache_key(document: str, inputs: Iterable[Path], engine_version: str) -> str:
    digest = hashlib.sha256(engine_version.encode())
    digest.update(document.encode("utf-8"))
    for path in sorted(inputs):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class PdfCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def fetch(self, key: str, target: Path) -> bool:
        """Copy the cached PDF for `key` to `target`; False when there is none."""
        cached = self.folder / f"{key}.pdf"
        if not cached.is_file():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
        return True

    def store(self, key: str, source: Path) -> None:
        """Keep a copy of `source`; a cache that cannot be written is skipped, not an error."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f"{key}.{os.getpid()}.tmp"
            shutil.copyfile(source, temporary)
            temporary.replace(self.folder / f"{key}.pdf")
        except OSError:
            return
