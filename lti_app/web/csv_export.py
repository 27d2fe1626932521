"""CSV downloads for instructors: every cell safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

CSV_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ (or a tab or carriage
    return) would be read as a formula, so it gets a leading quote (OWASP CSV injection)."""
    return "'" + value if value.startswith(CSV_DANGEROUS_START) else value


def csv_download(header: Sequence[str], rows: Iterable[Sequence[str]], filename: str) -> Response:
    """A ``text/csv`` attachment; every cell passes :func:`csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
