"""Write the kit's card PDFs from each method's rendered card HTML, reusing cached ones.

Engine-neutral: the kit plugin calls it after a Material build, the Zensical adapter after
Zensical has copied the kit's stylesheet and fonts into the site.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from site_builder.course.model import Method
from site_builder.kit.cards import pdf_path
from site_builder.kit.pdf import KIT_CSS, KIT_FONTS, PdfWriter, card_document, engine_version
from site_builder.kit.pdf_cache import PdfCache, cache_key, default_cache_dir


def write_card_pdfs(
    site_dir: Path,
    card_html: Mapping[str, str],
    methods: Mapping[str, Method],
    language: str = "en",
    use_cache: bool = True,
) -> int:
    """site_dir/kit/pdf/<slug>.pdf for each card page's HTML; returns how many were rendered
    (the rest came from the cache)."""
    stylesheet = site_dir / KIT_CSS
    inputs = [stylesheet, *sorted((site_dir / KIT_FONTS).glob("*.woff2"))]
    cache = PdfCache(default_cache_dir()) if use_cache else None
    writer: PdfWriter | None = None
    rendered = 0
    for slug, html in sorted(card_html.items()):
        method = methods[slug]
        document = card_document(f"{method.name}: phase and role cards", html, language)
        target = site_dir / pdf_path(slug)
        key = cache_key(document, inputs, engine_version())
        if cache is not None and cache.fetch(key, target):
            continue
        writer = writer or PdfWriter(stylesheet)
        writer.write(document, target)
        rendered += 1
        if cache is not None:
            cache.store(key, target)
    return rendered
