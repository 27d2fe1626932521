"""Jinja keeps the module of an imported template (``{% import %}``, ``{% from … import %}``)
between renders, so a translated word set at its top level keeps the first reader's language
for everyone after (the rating labels of the round page did: a German reader saw Dutch)."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, nodes
from jinja2.ext import i18n

ROOT = Path(__file__).resolve().parents[3] / "lti_app"
IMPORTED = re.compile(r'{%-?\s*(?:import|from)\s+"([^"]+)"')
TRANSLATING = {"_", "gettext", "ngettext", "pgettext", "npgettext"}


def _templates() -> dict[str, Path]:
    return {
        path.relative_to(folder).as_posix(): path
        for folder in ROOT.rglob("templates")
        for path in folder.rglob("*.html")
    }


def _top_level_translations(source: str) -> list[int]:
    tree = Environment(extensions=[i18n]).parse(source)
    lines = []
    for node in tree.body:
        if isinstance(node, nodes.Assign | nodes.AssignBlock):
            calls = [
                call
                for call in node.find_all(nodes.Call)
                if isinstance(call.node, nodes.Name) and call.node.name in TRANSLATING
            ]
            if calls:
                lines.append(node.lineno)
    return lines


def test_no_imported_template_translates_at_its_top_level() -> None:
    templates = _templates()
    imported = {
        name for path in templates.values() for name in IMPORTED.findall(path.read_text("utf-8"))
    }
    assert {"exercises/_post.html", "signups/_fields.html"} <= imported  # the scan finds them
    found = {
        name: lines
        for name in sorted(imported)
        if (lines := _top_level_translations(templates[name].read_text("utf-8")))
    }
    assert found == {}, f"translated words set at the top of imported templates: {found}"


def test_the_check_sees_a_top_level_translation() -> None:
    assert _top_level_translations('{% set words = [_("Yes")] %}{% macro m() %}{% endmacro %}')
    assert not _top_level_translations('{% macro m() %}{% set w = _("Yes") %}{% endmacro %}')
