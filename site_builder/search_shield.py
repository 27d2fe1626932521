"""Keep search-excluded block HTML away from the search plugin's parser, then put it back.

Material's search parser walks every tag, even inside a `data-search-exclude` element, at a
Python-level cost per tag: a method timeline on a module page is ~145 tags the index never
keeps, more than the rest of the article. So the Markdown extension registers each excluded
fragment it renders; the plugin swaps them for a short comment before indexing
(`hide`, from on_page_content) and restores them right after the search plugin has run
(`restore`, from a later on_page_context). The search index and the written page are
byte-identical to a build without this; only cheaper. Without the plugin (Zensical) nothing
is hidden and the extension's HTML is used as it is.
"""

from __future__ import annotations

import re
import secrets

# Per process, so an author cannot plant a comment that the restore step would expand.
_NONCE = secrets.token_hex(6)
_TOKEN = re.compile(rf"<!--iv-search-excluded:{_NONCE}:\d+-->")
_fragments: dict[str, str] = {}


def register_excluded(html: str) -> str:
    """Remember a fragment marked `data-search-exclude`; returns the html unchanged."""
    if html not in _fragments.values():
        _fragments[f"<!--iv-search-excluded:{_NONCE}:{len(_fragments)}-->"] = html
    return html


def hide(html: str) -> str:
    """The page HTML with every registered fragment replaced by its token."""
    if "data-search-exclude" not in html:
        return html
    for token, fragment in _fragments.items():
        if fragment in html:
            html = html.replace(fragment, token)
    return html


def restore(html: str) -> str:
    """Undo `hide`: each token becomes its fragment again."""
    if "<!--iv-search-excluded:" not in html:
        return html
    return _TOKEN.sub(lambda match: _fragments[match.group(0)], html)


def forget() -> None:
    """Drop registered fragments (with the extension's caches, on `mkdocs serve` rebuilds)."""
    _fragments.clear()
