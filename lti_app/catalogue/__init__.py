"""``catalogue.json`` from the built site: the one contract with the courseware build.

The tool never imports site_builder; it reads the file the build wrote. ``model`` holds the
frozen types (methods are the domain's ``MethodSpec``), ``reader`` the pure parser with
path-precise messages, ``access`` the per-app cache behind ``get_catalogue()``, ``languages``
each translated build's catalogue (``get_catalogue(language="nl")``, falling back to English)
and ``method_texts`` a method's words in one language. Every problem is a
:class:`CatalogueUnavailable` (a 503 page for people, the exact cause in the log).
"""

from __future__ import annotations

from lti_app.catalogue.access import (
    CATALOGUE_FILE,
    CatalogueCache,
    get_catalogue,
    init_app,
    load_catalogue_file,
    site_dir,
)
from lti_app.catalogue.errors import CatalogueUnavailable
from lti_app.catalogue.languages import catalogue_in, language_root, root_catalogue, site_languages
from lti_app.catalogue.method_texts import MethodText, PhaseText, RoleText, method_in_language
from lti_app.catalogue.model import Catalogue, CatalogueActivity, CatalogueModule
from lti_app.catalogue.reader import SCHEMA_ID, SUPPORTED_VERSIONS, parse_catalogue

__all__ = [
    "CATALOGUE_FILE",
    "SCHEMA_ID",
    "SUPPORTED_VERSIONS",
    "Catalogue",
    "CatalogueActivity",
    "CatalogueCache",
    "CatalogueModule",
    "CatalogueUnavailable",
    "MethodText",
    "PhaseText",
    "RoleText",
    "catalogue_in",
    "get_catalogue",
    "init_app",
    "language_root",
    "load_catalogue_file",
    "method_in_language",
    "parse_catalogue",
    "root_catalogue",
    "site_dir",
    "site_languages",
]
