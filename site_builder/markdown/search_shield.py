"""Keep search-excluded block HTML away from the search plugin's parser, then put it back.

Material's search parser walks every tag, even inside a `data-search-exclude` element, at a
Python-level cost per tag: a method timeline on a module page is ~145 tags the index never
keeps, more than the rest of the article. So the Markdown extension registers each excluded
fragment it renders; the plugin swaps them for a short comment before indexing
(`hide`, from on_page_content) and restores them right after the search plugin has run
(`restore`, from a later on_page_context). The search index and the written page are
byte-identical to a build without this; only cheaper. Without the plugin (Zensical) nothing
is hidden and the extension's HTML is used as it is. Between the two steps (other plugins'
on_page_context at priority 0) page.content holds the token, not the timeline.
"""

from __future__ import annotations

import re
import secrets

# Per process, so an author cannot plant a comment that the restore step would expand.
_NONCE = secrets.token_hex(6)
_TOKEN = re.compile(rf"<!--iv-search-excluded:{_NONCE}:\d+-->")
_EXCLUDE = "data-search-exclude"
_fragments: dict[str, str] = {}  # token -> fragment
_by_opening_tag: dict[str, list[tuple[str, str]]] = {}  # opening tag -> (fragment, token)


def register_excluded(html: str) -> str:
    """Remember a fragment marked `data-search-exclude`; returns the html unchanged."""
    if html not in _fragments.values():
        token = f"<!--iv-search-excluded:{_NONCE}:{len(_fragments)}-->"
        _fragments[token] = html
        _by_opening_tag.setdefault(html[: html.find(">") + 1], []).append((html, token))
    return html


def hide(html: str) -> str:
    """The page HTML with every registered fragment replaced by its token.

    One pass over the attribute's occurrences: each is looked up by its element's opening
    tag, so the cost does not grow with the number of registered fragments.
    """
    found = html.find(_EXCLUDE)
    if found == -1:
        return html
    pieces: list[str] = []
    done = 0
    while found != -1:
        start = html.rfind("<", done, found)
        end = html.find(">", found) + 1
        replaced = False
        if start != -1 and end:
            for fragment, token in _by_opening_tag.get(html[start:end], ()):
                if html.startswith(fragment, start):
                    pieces += [html[done:start], token]
                    done = start + len(fragment)
                    replaced = True
                    break
        found = html.find(_EXCLUDE, done if replaced else found + len(_EXCLUDE))
    pieces.append(html[done:])
    return "".join(pieces)


def restore(html: str) -> str:
    """Undo `hide`: each token becomes its fragment again."""
    if "<!--iv-search-excluded:" not in html:
        return html
    return _TOKEN.sub(lambda match: _fragments[match.group(0)], html)


def forget() -> None:
    """Drop registered fragments (with the extension's caches, on `mkdocs serve` rebuilds)."""
    _fragments.clear()
    _by_opening_tag.clear()
