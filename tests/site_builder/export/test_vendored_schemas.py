"""The copy of the official package schemas in tests/package_schemas/ (read when a clean
clone has no ../shared/schemas beside it) is byte for byte the shared folder, when present."""

from __future__ import annotations

from pathlib import Path

from tests.support.package_schemas import ROOT_FILE, SHARED_SCHEMAS, VENDORED_SCHEMAS


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_vendored_schemas_are_the_shared_ones() -> None:
    assert (VENDORED_SCHEMAS / ROOT_FILE).is_file()
    if not (SHARED_SCHEMAS / ROOT_FILE).is_file():
        return  # a clone without ../shared: the vendored copy is the only one to read
    assert _files(VENDORED_SCHEMAS) == _files(SHARED_SCHEMAS)
