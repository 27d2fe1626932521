"""Serve the built courseware (INTERVISION_SITE_DIR) under a tool path, safely.

Paths are joined with werkzeug's ``safe_join`` and then resolved, so neither ``..`` nor a
symlink can reach outside the site folder. HTML pages get three changes, nothing else: the
``intervision-tool-url`` meta (iv-activity.js turns activity cards into tool links), the CSP
nonce on every script (Material's inline bootstrap script would otherwise be blocked), the
server-side "Mark as done" block in place of the static site's localStorage one, and, on an
English page shown for want of a translation, a notice in the reader's language at the top of
the article.

Languages: ``intervision build`` writes English at the site root and each translation in
``<site>/<lang>/``; ``split_language`` tells which built site a URL path is in, and each
language's path is resolved inside that language's folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import render_template
from markupsafe import Markup, escape
from werkzeug.security import safe_join

from lti_app.catalogue import CatalogueModule, get_catalogue, language_root
from lti_app.i18n import locale_now
from lti_app.i18n.locales import language_of

_HEAD_OPEN = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)
_SCRIPT_OPEN = re.compile(r"<script(?![^>]*\bnonce=)", re.IGNORECASE)
# The static site's own control (themes/material/main.html): a div with no nested div.
_STATIC_DONE_BLOCK = re.compile(r"<div class=\"iv-done\" data-iv-done[^>]*>.*?</div>", re.DOTALL)
_ARTICLE_CLOSE = re.compile(r"</article>", re.IGNORECASE)
_ARTICLE_OPEN = re.compile(r"<article(\s[^>]*)?>", re.IGNORECASE)
_BODY_OPEN = re.compile(r"<body(\s[^>]*)?>", re.IGNORECASE)
_BODY_CLOSE = re.compile(r"</body>", re.IGNORECASE)


class NotInSite(Exception):
    """The path is outside the site folder or names nothing there."""


class NeedsSlash(Exception):
    """A folder was asked for without its trailing slash (relative links would break)."""


def resolve_site_path(site_dir: Path, relative: str) -> Path:
    """The file a URL path names inside ``site_dir`` (folders map to their index.html).

    A name the file system cannot even look up (too long, an invalid byte) names nothing in
    the site: it is a 404, not an ``OSError`` that would become a 500.
    """
    try:
        return _resolve(site_dir, relative)
    except OSError as problem:
        raise NotInSite(relative) from problem


def _resolve(site_dir: Path, relative: str) -> Path:
    root = site_dir.resolve()
    joined = safe_join(str(root), relative) if relative else str(root)
    if joined is None:
        raise NotInSite(relative)
    target = Path(joined).resolve()
    if target != root and root not in target.parents:
        raise NotInSite(relative)  # a symlink pointing outside
    if target.is_dir():
        if relative and not relative.endswith("/"):
            raise NeedsSlash(relative)
        target = target / "index.html"
        if root not in target.resolve().parents:
            raise NotInSite(relative)
    if not target.is_file():
        raise NotInSite(relative)
    return target


def split_language(path: str, languages: Iterable[str]) -> tuple[str | None, str]:
    """(the translation a URL path is in, the path inside it); (None, path) for the root site.

    ``nl/modules/02-troika/`` -> ``("nl", "modules/02-troika/")``; ``nl`` without its slash
    stays a root path, a folder that ``resolve_site_path`` answers with ``NeedsSlash``."""
    first, slash, rest = path.partition("/")
    if slash and first in set(languages):
        return first, rest
    return None, path


@dataclass(frozen=True)
class ModulePage:
    """Where a module's page is served: ``path`` for ``modules.site_page``, in ``language``."""

    module: CatalogueModule
    """The module as that language's catalogue describes it (its title in that language)."""
    language: str
    path: str


def reader_language() -> str:
    """The request's language as lti_app.i18n chose it (launch, browser, default): ``nl``.
    The test pseudo-locale reads the English pages."""
    return language_of(locale_now()) or "en"


def module_page(slug: str, language: str) -> ModulePage | None:
    """The module's page in ``language`` when the site was built in it and has the page,
    else its English page; None when the English catalogue has no such module."""
    english = get_catalogue().module(slug)
    if english is None:
        return None
    folder = language_root(language)
    translated = get_catalogue(language=language)
    module = translated.module(slug)
    if folder is not None and module is not None and translated.language != english_language():
        relative = module.url.removeprefix("./")
        try:
            resolve_site_path(folder, relative)
        except (NotInSite, NeedsSlash):
            pass  # the catalogue names a page the build did not write: English instead
        else:
            return ModulePage(module, translated.language, f"{translated.language}/{relative}")
    return ModulePage(english, english_language(), english.url.removeprefix("./"))


def english_language() -> str:
    """The language of the site root (the course's source language)."""
    return get_catalogue().language


def untranslated_notice(language: str) -> Markup:
    """Said in the reader's language above the English page shown for want of a translation
    (the site builder's own notice on untranslated pages of a translated build, in look)."""
    return Markup(  # noqa: S704 (autoescaped template output)
        render_template("modules/untranslated_notice.html", language=language)
    )


def inject_into_page(
    html: str,
    *,
    tool_url: str,
    nonce: str,
    done_block: Markup | None,
    notice: Markup | None = None,
) -> str:
    meta = Markup('<meta name="intervision-tool-url" content="{}">').format(tool_url)
    html, found = _HEAD_OPEN.subn(lambda m: m.group(0) + "\n" + str(meta), html, count=1)
    if not found:
        html = str(meta) + html
    html = _SCRIPT_OPEN.sub(f'<script nonce="{escape(nonce)}"', html)
    if notice is not None:
        html = _place_notice(html, notice)
    if done_block is None:
        return html
    html, replaced = _STATIC_DONE_BLOCK.subn(lambda _m: str(done_block), html, count=1)
    if replaced:
        return html
    for closing in (_ARTICLE_CLOSE, _BODY_CLOSE):
        html, placed = closing.subn(lambda m: str(done_block) + m.group(0), html, count=1)
        if placed:
            return html
    return html + str(done_block)


def _place_notice(html: str, notice: Markup) -> str:
    """First thing in the article (else the body): read before the page it explains."""
    for opening in (_ARTICLE_OPEN, _BODY_OPEN):
        html, placed = opening.subn(lambda m: m.group(0) + str(notice), html, count=1)
        if placed:
            return html
    return str(notice) + html
