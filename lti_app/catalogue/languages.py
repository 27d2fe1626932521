"""The course in each language the site was built in: ``site/<lang>/catalogue.json`` beside the
root one (``intervision build`` writes the source language at the root, each translation in its
own folder with its own catalogue and pages).

A language is a folder name of two or three lower-case letters holding a ``catalogue.json``;
nothing else is ever joined to the site folder, so no request can name a path outside it. A
language the site was not built in gives the root (English) catalogue: callers compare
``catalogue.language`` with what they asked for to know they fell back.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from lti_app.catalogue.access import CATALOGUE_FILE, cached_catalogue, site_dir
from lti_app.catalogue.model import Catalogue
from lti_app.i18n.locales import language_of

LANGUAGE_FOLDER = re.compile(r"^[a-z]{2,3}$")


def root_catalogue(app: Flask | None = None) -> Catalogue:
    """The catalogue at the site root (the course's source language, English here)."""
    return cached_catalogue(site_dir(app) / CATALOGUE_FILE, app)


def language_root(language: str | None, app: Flask | None = None) -> Path | None:
    """The folder of ``language``'s built site (the site root for the source language), or
    None when the site was not built in it. A locale (``nl-BE``, ``en_001``) counts as its
    language."""
    root = site_dir(app)
    language = language_of(language)
    if not language or language == root_catalogue(app).language:
        return root
    if not LANGUAGE_FOLDER.match(language):
        return None
    folder = root / language
    return folder if (folder / CATALOGUE_FILE).is_file() else None


def site_languages(app: Flask | None = None) -> tuple[str, ...]:
    """The source language, then every translation the site holds (alphabetical)."""
    root = site_dir(app)
    source = root_catalogue(app).language
    translated = sorted(  # asked on every /site/ request: stat only language-named folders
        folder.name
        for folder in (root.iterdir() if root.is_dir() else ())
        if LANGUAGE_FOLDER.match(folder.name)
        and folder.name != source
        and (folder / CATALOGUE_FILE).is_file()
    )
    return (source, *translated)


def catalogue_in(language: str | None, app: Flask | None = None) -> Catalogue:
    """``language``'s catalogue when the site was built in it, else the root one."""
    folder = language_root(language, app)
    if folder is None:
        return root_catalogue(app)
    return cached_catalogue(folder / CATALOGUE_FILE, app)
