"""The trainer kit in real Chromium: every method's phase card prints on one A4 page (Chromium's
own PDF of the print layout) with the vendored fonts and no third-party request, the role cards
follow on a new page, the PDFs made at build time
are served, and the new kit pages are axe-clean (no critical or serious finding)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from site_builder.course.loader import load_methods
from tests.support.accessibility import blocking_findings, run_axe
from tests.support.network import RequestLog
from tests.support.sitebuild import REPO_ROOT, ServedSite

pytestmark = pytest.mark.browser

METHODS = sorted(load_methods(REPO_ROOT / "content"))
LONGEST = "ten-step-method"  # ten phases: the most text on one card
PRINTABLE_WIDTH, PRINTABLE_HEIGHT = 703, 1032
PAGE = re.compile(rb"/Type\s*/Page\b")
ROLES_HIDDEN = ".iv-card--roles { display: none !important; }"
KIT_PAGES = [  # one of each kind; the capstone module is in test_accessibility's module audit
    "kit/",
    "kit/cards/ten-step-method/",
    "kit/escalation/",
    "kit/templates/",
]


def printed_pages(page: Page) -> int:
    """Pages of Chromium's A4 print of the current page (print media, the page's own CSS)."""
    pdf = page.pdf(format="A4", print_background=False)
    return len(PAGE.findall(pdf))


def test_every_phase_card_prints_on_one_a4_page(
    page: Page, site: ServedSite, request_log: RequestLog
) -> None:
    # A4 less the 12 mm margins of kit.css, at 96 px per inch: 186 x 273 mm.
    page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": PRINTABLE_HEIGHT})
    page.emulate_media(media="print")
    for slug in METHODS:
        page.goto(site.url(f"kit/cards/{slug}/"), wait_until="load")
        page.evaluate("document.fonts.ready")
        page.add_style_tag(content=ROLES_HIDDEN)
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= PRINTABLE_HEIGHT, f"{slug}: the printed phase card is {height} px high"
    assert page.get_by_role("heading", name=re.compile("^Phase card:")).is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".iv-card__actions").is_visible()
    fonts = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').length")
    assert fonts >= 2  # the vendored DejaVu faces, served by the site itself
    # Chromium's own A4 print of the longest card: one page of phases, the roles after it.
    page.goto(site.url(f"kit/cards/{LONGEST}/"), wait_until="load")
    assert printed_pages(page) >= 2, "the role cards do not start on a page of their own"
    page.add_style_tag(content=ROLES_HIDDEN)
    assert printed_pages(page) == 1
    assert request_log.blocked == []


def test_the_build_time_pdfs_are_served_and_linked(page: Page, site: ServedSite) -> None:
    page.goto(site.url("kit/"), wait_until="load")
    links = page.locator('a[href$=".pdf"]')
    assert links.count() == len(METHODS)
    for slug in METHODS:
        response = page.request.get(site.url(f"kit/pdf/{slug}.pdf"))
        assert response.ok and response.body().startswith(b"%PDF-"), slug
        assert response.headers["content-type"] == "application/pdf"


def test_the_new_pages_have_no_critical_or_serious_axe_findings(
    page: Page, site: ServedSite, axe_source: str
) -> None:
    findings = []
    for path in KIT_PAGES:
        response = page.goto(site.url(path), wait_until="load")
        assert response is not None and response.ok, path
        findings += blocking_findings(path, run_axe(page, axe_source))
    assert [str(finding) for finding in findings] == []


def test_the_escalation_flowchart_reads_as_ordered_steps(page: Page, site: ServedSite) -> None:
    page.goto(site.url("kit/escalation/"), wait_until="load")
    flow = page.get_by_role("list", name="Escalation flowchart, step by step")
    steps = flow.get_by_role("listitem")
    assert steps.count() == 7
    assert steps.nth(1).inner_text().startswith("2. Stop the round.")
