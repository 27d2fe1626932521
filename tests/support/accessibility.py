"""axe-core in real Chromium: the WCAG tags we gate on and the findings that block, shared
by the course-site gate (``tests/e2e/test_accessibility.py``) and the tool-page gate
(``tests/e2e/test_tool_accessibility.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = frozenset({"critical", "serious"})


@dataclass(frozen=True)
class Finding:
    page: str
    rule: str
    impact: str
    target: str
    summary: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) at {self.target}: {self.summary}"


def run_axe(page: Page, axe_source: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe_source)
    result: dict[str, Any] = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        AXE_TAGS,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def blocking_findings(page_path: str, violations: list[dict[str, Any]]) -> list[Finding]:
    findings = []
    for violation in violations:
        for node in violation["nodes"]:
            impact = node.get("impact") or violation.get("impact") or "unknown"
            if impact not in BLOCKING_IMPACTS:
                continue
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or violation["help"]).replace("\n", " ")
            findings.append(Finding(page_path, violation["id"], impact, target, summary))
    return findings
