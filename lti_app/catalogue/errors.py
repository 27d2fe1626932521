"""The one error of the catalogue: people see a 503 page, the log gets the exact cause."""

from __future__ import annotations

from lti_app.domain.errors import IntervisionError


class CatalogueUnavailable(IntervisionError):
    """catalogue.json is missing, unreadable or not a version this tool reads.

    ``detail`` (also ``str(error)``) names the file, the field and the fix, for the log and the
    operator's CLI; the page shows only the class-level words. ``web/errors.py`` renders it.
    """

    status = 503
    title = "The course pages are not available"
    message = (
        "The course pages are not available right now. Ask the tool administrator to build the "
        "course and set INTERVISION_SITE_DIR."
    )
