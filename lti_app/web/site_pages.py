"""Serve the built courseware (INTERVISION_SITE_DIR) under a tool path, safely.

Paths are joined with werkzeug's ``safe_join`` and then resolved, so neither ``..`` nor a
symlink can reach outside the site folder. HTML pages get three changes, nothing else: the
``intervision-tool-url`` meta (iv-activity.js turns activity cards into tool links), the CSP
nonce on every script (Material's inline bootstrap script would otherwise be blocked), and the
server-side "Mark as done" block in place of the static site's localStorage one.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup, escape
from werkzeug.security import safe_join

_HEAD_OPEN = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)
_SCRIPT_OPEN = re.compile(r"<script(?![^>]*\bnonce=)", re.IGNORECASE)
# The static site's own control (themes/material/main.html): a div with no nested div.
_STATIC_DONE_BLOCK = re.compile(r"<div class=\"iv-done\" data-iv-done[^>]*>.*?</div>", re.DOTALL)
_ARTICLE_CLOSE = re.compile(r"</article>", re.IGNORECASE)
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


def inject_into_page(html: str, *, tool_url: str, nonce: str, done_block: Markup | None) -> str:
    meta = Markup('<meta name="intervision-tool-url" content="{}">').format(tool_url)
    html, found = _HEAD_OPEN.subn(lambda m: m.group(0) + "\n" + str(meta), html, count=1)
    if not found:
        html = str(meta) + html
    html = _SCRIPT_OPEN.sub(f'<script nonce="{escape(nonce)}"', html)
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
