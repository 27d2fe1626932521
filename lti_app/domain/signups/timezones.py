"""Time zones: naming them safely, wall time to UTC without silent shifts, and the viewer's zone.

All instants are stored in UTC (research invariant 6); people type and read wall-clock times in
a named IANA zone. Two wall times need a deliberate rule: one that does not exist (the hour the
clocks skip in spring) is refused, because shifting it silently moves a meeting; one that
happens twice (the hour repeated in autumn) means its first occurrence, the one still on
summer time, which is what a calendar shows first and what ``zoneinfo`` calls ``fold=0``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lti_app.domain.signups.problems import Problem

FALLBACK_ZONE = "UTC"


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone called ``name``, or None for an empty, unknown or malformed name."""
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError: names such as "../etc/passwd"; OSError: a directory such as "Europe".
        return None


def unknown_zone_problem(name: str, field: str = "timezone") -> Problem:
    return Problem(
        field,
        f"“{name}” is not a time zone we know. Choose one from the list, "
        "such as Europe/Amsterdam or America/Chicago.",
    )


def local_to_utc(local: datetime, tz: str, field: str = "starts_at") -> datetime | Problem:
    """The UTC instant of wall time ``local`` (naive) in zone ``tz``, or why there is none.

    A time in the spring-forward gap is a Problem; in the autumn fold it is the first occurrence.
    """
    if local.tzinfo is not None:
        raise ValueError("local_to_utc takes a naive wall-clock time")
    info = zone(tz)
    if info is None:
        return unknown_zone_problem(tz)
    first = local.replace(tzinfo=info, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(info).replace(tzinfo=None) != local:
        return Problem(
            field,
            f"{local:%Y-%m-%d %H:%M} does not exist in {tz}: the clocks go forward that night. "
            "Choose a time outside the skipped hour.",
        )
    return instant


def utc_to_local(instant: datetime, tz: str) -> datetime:
    """Wall time (naive) of an aware instant in zone ``tz`` (UTC when ``tz`` is unknown)."""
    info = zone(tz) or ZoneInfo(FALLBACK_ZONE)
    return instant.astimezone(info).replace(tzinfo=None)


class ZoneSource(enum.Enum):
    """Where the zone a learner sees came from, so the page can say so."""

    BROWSER = "browser"
    COURSE = "course"
    UTC = "utc"


@dataclass(frozen=True, slots=True)
class ViewerZone:
    name: str
    source: ZoneSource

    def label(self, at: datetime) -> str:
        """What to print next to times, e.g. “Europe/Amsterdam (UTC+01:00), your browser's”."""
        offset = _offset_text(at.astimezone(ZoneInfo(self.name)).utcoffset())
        whose = {
            ZoneSource.BROWSER: "your browser's time zone",
            ZoneSource.COURSE: "the course's time zone",
            ZoneSource.UTC: "no time zone was known",
        }[self.source]
        return f"{self.name} ({offset}), {whose}"


def viewer_zone(browser: str | None, course: str | None) -> ViewerZone:
    """The browser's zone if valid, else the course's, else UTC: never an invalid name."""
    if zone(browser) is not None:
        assert browser is not None
        return ViewerZone(browser, ZoneSource.BROWSER)
    if zone(course) is not None:
        assert course is not None
        return ViewerZone(course, ZoneSource.COURSE)
    return ViewerZone(FALLBACK_ZONE, ZoneSource.UTC)


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"
