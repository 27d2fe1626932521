"""The configured site's catalogue for the current app: read once, re-read when the file changes.

``init_app`` puts a :class:`CatalogueCache` on ``app.extensions``, so two apps in one process
(tests, the demo) never share a parsed catalogue. ``get_catalogue()`` raises
:class:`CatalogueUnavailable` for a missing setting, file or version; views let it reach the one
``IntervisionError`` handler (web/errors.py), which shows the 503 page and logs the detail.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from flask import Flask, current_app

from lti_app.catalogue.errors import CatalogueUnavailable
from lti_app.catalogue.model import Catalogue
from lti_app.catalogue.reader import REBUILD_HINT, parse_catalogue

CATALOGUE_FILE = "catalogue.json"
EXTENSION = "intervision.catalogue"


def load_catalogue_file(path: Path) -> Catalogue:
    """Read and validate one file (no cache)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogueUnavailable(
            f"{path} does not exist. Build the course with `intervision build` and point "
            "INTERVISION_SITE_DIR at the built site folder (the one holding catalogue.json)."
        ) from None
    except (OSError, UnicodeDecodeError) as problem:
        raise CatalogueUnavailable(f"{path} cannot be read ({problem}). {REBUILD_HINT}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as problem:
        raise CatalogueUnavailable(
            f"{path}, line {problem.lineno}, column {problem.colno}: not valid JSON "
            f"({problem.msg}). {REBUILD_HINT}"
        ) from None
    return parse_catalogue(data, path)


class CatalogueCache:
    """One parsed catalogue per file, reloaded when its (mtime, size) changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Path, tuple[tuple[int, int], Catalogue]] = {}

    def get(self, path: Path) -> Catalogue:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return load_catalogue_file(path)  # raises the friendly error
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            entry = self._entries.get(path)
            if entry is not None and entry[0] == stamp:
                return entry[1]
        catalogue = load_catalogue_file(path)
        with self._lock:
            self._entries[path] = (stamp, catalogue)
        return catalogue


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = CatalogueCache()


def site_dir(app: Flask | None = None) -> Path:
    """The built site folder from ``SITE_DIR``; a clear error when it is not configured."""
    configured = (app or current_app).config.get("SITE_DIR")
    if not configured:
        raise CatalogueUnavailable(
            "INTERVISION_SITE_DIR is not set. Build the course with `intervision build` and set "
            "INTERVISION_SITE_DIR to the built site folder (the one holding catalogue.json)."
        )
    return Path(configured).resolve()


def cached_catalogue(path: Path, app: Flask | None = None) -> Catalogue:
    """The catalogue file at ``path`` through the app's cache."""
    target = app or current_app
    try:
        cache: CatalogueCache = target.extensions[EXTENSION]
    except KeyError:
        raise RuntimeError("lti_app.catalogue.init_app(app) was not called") from None
    return cache.get(path)


def get_catalogue(app: Flask | None = None, *, language: str | None = None) -> Catalogue:
    """The current catalogue of the configured site (cached per app, by mtime and size).

    ``language``: that language's catalogue (``site/<lang>/catalogue.json``) when the site was
    built in it, else the root (English) one; see ``languages.catalogue_in``.
    """
    if language is not None:
        from lti_app.catalogue.languages import catalogue_in

        return catalogue_in(language, app)
    return cached_catalogue(site_dir(app) / CATALOGUE_FILE, app)
