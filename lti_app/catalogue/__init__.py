"""``catalogue.json`` from the built site: the one contract with the courseware build.

The tool never imports site_builder; it reads the file the build wrote. ``model`` holds the
frozen types (methods are the domain's ``MethodSpec``), ``reader`` the pure parser with
path-precise messages, ``access`` the per-app cache behind ``get_catalogue()``. Every problem
is a :class:`CatalogueUnavailable` (a 503 page for people, the exact cause in the log).
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
    "get_catalogue",
    "init_app",
    "load_catalogue_file",
    "parse_catalogue",
    "site_dir",
]
