"""The built site, made fit for an LMS package: the same pages, read once, with links that
work from a zip's folder tree and no search.

The site is built with directory URLs (`../02-roles/`), which a web server answers with
`index.html` but a file tree, Moodle's file area or a SCORM player does not: each relative
link to a folder gets `index.html`. Search needs a worker and its index fetched over HTTP, so
package pages hide it (a small stylesheet), unname its form and leave the index out. The rest
is the site's own HTML: nothing about a page is rendered twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from site_builder.course.model import Course

PACKAGE_ASSETS = "assets/intervision-package"
PACKAGE_CSS = f"{PACKAGE_ASSETS}/package.css"
SCORM_BRIDGE = f"{PACKAGE_ASSETS}/scorm-bridge.js"
_HERE = Path(__file__).parent
PACKAGE_CSS_TEXT = b"""/* LMS packages: search needs a web server, so package pages leave it out. */
.md-search, .md-header__button[for="__search"] { display: none !important; }
"""
ALTERNATE_LINK = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">\s*')
LANGUAGE_SWITCHER = re.compile(
    r'<div class="md-header__option iv-languages">.*?<!-- /iv-languages -->\s*', re.DOTALL
)
"""The head's links to the other languages' sites and the switcher (themes/material/partials/
alternate.html): a package holds one language, so they would lead nowhere."""

SEARCH_FORM = '<form class="md-search__form" name="search">'
UNNAMED_SEARCH_FORM = '<form class="md-search__form">'
LEFT_OUT = ("catalogue.json", "sitemap.xml", "sitemap.xml.gz", "404.html")
LEFT_OUT_FOLDERS = ("search/", "assets/javascripts/lunr/")
"""The tool's contract, crawler files, the error page and the search index: not course pages.
(Material still starts its search worker, which then idles without an index: it stays.)"""
LEFT_OUT_SUFFIXES = (".map",)

# Relative href/src values that name a folder ('../02-x/', '../02-x/#a', './', '../..'): not a
# scheme ('https:'), not site-absolute ('/', '//'), not '#'. mkdocs and Material write one space
# before each attribute and double quotes; the literal start (' href="') lets the regex engine
# skip ahead, and templates instead of callbacks keep this cheap on every link of every page.
_RELATIVE = r"(?![A-Za-z][A-Za-z0-9+.-]*:|[#/])"
_FOLDER_LINKS = tuple(
    (re.compile(rf'( {attribute}="{_RELATIVE}(?:\.\.?/)*\.\.?)(?=["?#])'), r"\1/")
    for attribute in ("href", "src")
) + tuple(
    (re.compile(rf'( {attribute}="{_RELATIVE}[^"?#]*/)(?=["?#])'), r"\1index.html")
    for attribute in ("href", "src")
)
"""'../..' first becomes '../../', then every folder link gets its 'index.html'."""


class SiteNotBuilt(Exception):
    """The built site is missing or does not match the course; the message says what to do."""


@dataclass(frozen=True)
class PackagedSite:
    """Every file of the built site a package carries, by its path in the site."""

    pages: Mapping[str, str]
    """HTML pages (links rewritten) by site path: 'index.html', 'modules/01-x/index.html'."""
    files: Mapping[str, bytes]
    """Everything else: stylesheets, scripts, images, the package's own assets."""

    def page_path(self, src_uri: str) -> str:
        """The packaged page of a docs page ('modules/01-x.md' -> 'modules/01-x/index.html')."""
        stem = src_uri.removesuffix(".md")
        candidates = [f"{stem}.html"] if stem.endswith("index") else []
        candidates += [f"{stem}/index.html", f"{stem}.html"]
        for candidate in candidates:
            if candidate in self.pages:
                return candidate
        raise SiteNotBuilt(
            f"the built site has no page for {src_uri}: build the site again "
            "(`intervision build`) or let `intervision package` build it"
        )

    def all_paths(self) -> list[str]:
        return sorted([*self.pages, *self.files])

    def entries(self, scos: frozenset[str] = frozenset(), scores: bool = False) -> dict[str, bytes]:
        """Archive entries under the package root. The pages in `scos` (SCORM's module pages)
        also load the runtime bridge; asset pages must not talk to the runtime."""
        found = dict(self.files)
        for path, html in self.pages.items():
            text = with_scorm_bridge(path, html, scores) if path in scos else html
            found[path] = text.encode("utf-8")
        return found


def read_site(
    site_dir: Path, course: Course, other_languages: tuple[str, ...] = ()
) -> PackagedSite:
    """Read the built site once; fail clearly when it is missing or older than the content.

    `other_languages`: the folders of the translated sites inside the source language's site
    (site/nl/, site/de/), left out: each language has its own packages."""
    if not (site_dir / "index.html").is_file():
        raise SiteNotBuilt(
            f"{site_dir} holds no built site: run `intervision build` first, or leave out "
            "--site-dir so `intervision package` builds it"
        )
    pages: dict[str, str] = {}
    files: dict[str, bytes] = {}
    left_out = tuple(f"{language}/" for language in other_languages)
    for path, relative in _site_files(site_dir):
        if left_out and relative.startswith(left_out):
            continue
        if relative.endswith(".html"):
            pages[relative] = package_page(relative, path.read_text(encoding="utf-8"))
        else:
            files[relative] = path.read_bytes()
    files[PACKAGE_CSS] = PACKAGE_CSS_TEXT
    files[SCORM_BRIDGE] = (_HERE / "scorm_bridge.js").read_bytes()
    site = PackagedSite(MappingProxyType(pages), MappingProxyType(files))
    for module in course.modules:
        site.page_path(module.src_uri)  # raises when the site lacks a module of the course
    return site


def _site_files(site_dir: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(site_dir).as_posix()
        if relative in LEFT_OUT or relative.endswith(LEFT_OUT_SUFFIXES):
            continue
        if relative.startswith(LEFT_OUT_FOLDERS):
            continue
        yield path, relative


def root_prefix(page: str) -> str:
    """The relative way from a page back to the package root: '../../' for 'a/b/index.html'."""
    depth = len(PurePosixPath(page).parts) - 1
    return "../" * depth


def package_page(page: str, html: str) -> str:
    """A site page with folder links made explicit, search off, the package stylesheet linked."""
    for pattern, replacement in _FOLDER_LINKS:
        html = pattern.sub(replacement, html)
    # Material fetches the search index when a form is named "search"; unnamed, it does not.
    html = html.replace(SEARCH_FORM, UNNAMED_SEARCH_FORM, 1)
    if 'hreflang="' in html:
        html = LANGUAGE_SWITCHER.sub("", ALTERNATE_LINK.sub("", html), count=1)
    link = f'<link rel="stylesheet" href="{root_prefix(page)}{PACKAGE_CSS}">'
    return _insert_before(html, "</head>", link)


def with_scorm_bridge(page: str, html: str, scores: bool) -> str:
    """The page plus the script that reports progress to a SCORM runtime, when there is one."""
    script = (
        f'<script src="{root_prefix(page)}{SCORM_BRIDGE}" '
        f'data-iv-scorm-scores="{"true" if scores else "false"}"></script>'
    )
    return _insert_before(html, "</body>", script)


def _insert_before(html: str, marker: str, snippet: str) -> str:
    at = html.rfind(marker)
    if at < 0:
        return html + snippet
    return html[:at] + snippet + html[at:]
