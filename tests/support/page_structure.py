"""What can be checked of a sign-up page's HTML without a browser (axe-core runs in the e2e
gate): unique ids, a label for every control, errors and hints linked by aria-describedby,
tables with headers, one status region, and no inline script or style (the CSP allows none).
Every sign-up page test checks its pages with :func:`check`."""

from __future__ import annotations

from html.parser import HTMLParser


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.described: list[str] = []
        self.tables = 0
        self.header_cells = 0
        self.inline: list[str] = []
        self.live_regions = 0
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "label" and found.get("for"):
            self.label_for.add(str(found["for"]))
        if tag in ("input", "select", "textarea") and found.get("type") not in ("hidden", "submit"):
            self.controls.append(found)
        if found.get("aria-describedby"):
            self.described += str(found["aria-describedby"]).split()
        if tag == "table":
            self.tables += 1
        if tag == "th":
            self.header_cells += 1
        if "style" in found or any(name.startswith("on") for name in found):
            self.inline.append(tag)
        if tag == "style":
            self.inline.append("style")
        if tag == "script":
            self.scripts.append(found)
        if found.get("aria-live"):
            self.live_regions += 1


def check(page: str) -> Structure:
    structure = Structure()
    structure.feed(page)
    duplicates = {i for i in structure.ids if structure.ids.count(i) > 1}
    assert not duplicates, duplicates
    unlabelled = [c for c in structure.controls if c.get("id") not in structure.label_for]
    assert not unlabelled, unlabelled
    missing = [ref for ref in structure.described if ref not in structure.ids]
    assert not missing, missing
    assert structure.header_cells >= structure.tables
    assert not structure.inline
    assert all(s.get("src") and s.get("nonce") for s in structure.scripts), structure.scripts
    assert structure.live_regions == 1
    return structure
