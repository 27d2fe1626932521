"""Zero third-party requests: a learner's browser talks to our server and nothing else.

Two independent checks. In Chromium, every page type is loaded (and search is used) while
every request leaving loopback is aborted and recorded. Statically, every built HTML, CSS and
JS file is scanned for CDN and font-service URLs that a browser would load.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.support.network import RequestLog, is_loopback
from tests.support.sitebuild import ServedSite, page_types

pytestmark = pytest.mark.browser

BANNED_HOST = re.compile(r"fonts\.googleapis|fonts\.gstatic|unpkg|jsdelivr|cdn", re.IGNORECASE)
URL_IN_TEXT = re.compile(r"""https?://[^\s"'`()<>\\]+""")
CSS_LOADED_URL = re.compile(r"""(?:url\(\s*|@import\s+)["']?(?P<url>(?:https?:)?//[^"')\s;]+)""")

# Third-party URLs that Material's JavaScript bundle contains but only requests in situations
# this course never creates. Each entry says why it is never loaded; keep the list short.
THEME_BUNDLE_ALLOWED = {
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js": (
        "Material loads mermaid only for `.mermaid` diagrams; "
        "test_no_page_contains_a_mermaid_diagram keeps it that way"
    ),
    "https://unpkg.com/resize-observer-polyfill": (
        "loaded only when window.ResizeObserver is missing, which no supported browser lacks"
    ),
}

# Attributes whose URL the browser fetches on page load (href only for these link rels).
LOADED_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
LOADED_LINK_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "icon",
    "apple-touch-icon",
    "manifest",
}


class LoadedUrlCollector(HTMLParser):
    """Collects URLs an HTML page makes the browser fetch (not plain links or canonical)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self._in_style = tag == "style"
        if tag == "link" and LOADED_LINK_RELS & set(values.get("rel", "").lower().split()):
            self.urls.append(values.get("href", ""))
        for name in LOADED_ATTRIBUTES.get(tag, ()):
            for candidate in values.get(name, "").split(","):
                if candidate.strip():
                    self.urls.append(candidate.strip().split()[0])
        if "style" in values:
            self.urls.extend(match["url"] for match in CSS_LOADED_URL.finditer(values["style"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(match["url"] for match in CSS_LOADED_URL.finditer(data))


def external(url: str) -> bool:
    return url.startswith(("http://", "https://", "//")) and not is_loopback(
        url if not url.startswith("//") else "https:" + url
    )


def visit(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.ok, f"{url} answered {response and response.status}"


def test_every_page_type_makes_zero_third_party_requests(
    site: ServedSite, page: Page, request_log: RequestLog
) -> None:
    pages = page_types(site.root)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))

    for path in pages.all():
        visit(page, site.url(path))

    # Search runs in a web worker over a prebuilt index: typing a query must stay local too.
    visit(page, site.url(pages.overview))
    page.keyboard.press("s")  # Material's search shortcut opens the search dialog
    search_input = page.locator("input[data-md-component='search-query']")
    expect(search_input).to_be_focused()
    search_input.press_sequentially("intervision")  # Material searches on key events
    expect(page.locator(".md-search-result__item").first).to_be_visible()

    assert request_log.blocked == [], f"pages requested third-party URLs: {request_log.blocked}"
    assert script_errors == [], f"pages threw script errors: {script_errors}"

    # Control: the recorder does see a request that leaves loopback, from script and markup.
    page.evaluate("() => fetch('https://example.invalid/probe').catch(() => null)")
    page.evaluate(
        """() => new Promise(resolve => {
            const link = Object.assign(document.createElement('link'), {
                rel: 'stylesheet', href: 'https://fonts.googleapis.com/css?family=Roboto'});
            link.onerror = link.onload = resolve;
            document.head.append(link);
        })"""
    )
    assert request_log.blocked == [
        "https://example.invalid/probe",
        "https://fonts.googleapis.com/css?family=Roboto",
    ]


def test_control_loopback_requests_are_not_blocked(
    site: ServedSite, page: Page, request_log: RequestLog
) -> None:
    visit(page, site.url("index.html"))
    status = page.evaluate("url => fetch(url).then(r => r.status)", site.url("404.html"))
    assert status == 200
    assert request_log.blocked == []


def _files(root: Path, suffix: str) -> list[Path]:
    return sorted(root.rglob(f"*{suffix}"))


def test_built_html_loads_nothing_from_other_hosts(site: ServedSite) -> None:
    offenders: list[str] = []
    for html_file in _files(site.root, ".html"):
        collector = LoadedUrlCollector()
        collector.feed(html_file.read_text(encoding="utf-8"))
        rel = html_file.relative_to(site.root)
        offenders += [f"{rel}: {url}" for url in collector.urls if external(url)]
    assert offenders == [], "HTML fetches third-party URLs:\n" + "\n".join(offenders)


def test_built_css_imports_nothing_from_other_hosts(site: ServedSite) -> None:
    offenders = [
        f"{css.relative_to(site.root)}: {match['url']}"
        for css in _files(site.root, ".css")
        for match in CSS_LOADED_URL.finditer(css.read_text(encoding="utf-8", errors="replace"))
        if external(match["url"])
    ]
    assert offenders == [], "CSS loads third-party URLs:\n" + "\n".join(offenders)


def test_built_javascript_names_no_cdn_or_font_service(site: ServedSite) -> None:
    offenders: list[str] = []
    for script in _files(site.root, ".js"):
        text = script.read_text(encoding="utf-8", errors="replace")
        for url in URL_IN_TEXT.findall(text):
            host = urlsplit(url).hostname or ""
            if BANNED_HOST.search(host) and url.rstrip(".,;") not in THEME_BUNDLE_ALLOWED:
                offenders.append(f"{script.relative_to(site.root)}: {url}")
    assert offenders == [], "JavaScript refers to CDN/font URLs:\n" + "\n".join(offenders)


def test_no_page_contains_a_mermaid_diagram(site: ServedSite) -> None:
    """Guards THEME_BUNDLE_ALLOWED: a mermaid diagram would make Material fetch unpkg."""
    with_mermaid = [
        html.relative_to(site.root).as_posix()
        for html in _files(site.root, ".html")
        if 'class="mermaid"' in html.read_text(encoding="utf-8")
    ]
    assert with_mermaid == []
