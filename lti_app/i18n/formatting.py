"""Dates, times, durations and numbers as the reader's language writes them (Babel, CLDR).

Every function takes ``locale`` (``en``, ``nl``, ``de``); without it the current request's
locale is used (or the one set by :func:`lti_app.i18n.use_locale`), and ``en`` outside the app.
Instants are aware datetimes; ``tz`` names the zone they are shown in (an IANA name).

Named styles keep the English the tool always showed and give Dutch and German their own
order and punctuation:

========================  =========================  ===========================
style                     en                         de
========================  =========================  ===========================
``date``                  8 December 2026            8. Dezember 2026
``date_short``            8 Dec 2026                 8. Dez. 2026
``weekday_datetime``      Tue 8 Dec 2026, 19:00      Di., 8. Dez. 2026, 19:00
``long_weekday_datetime`` Tuesday 8 December 2026,   Dienstag, 8. Dezember 2026,
                          19:00                      19:00
``datetime``              8 Dec 2026, 19:00          8. Dez. 2026, 19:00
``time``                  19:00                      19:00
``iso_date``              2026-12-08                 2026-12-08
========================  =========================  ===========================
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import dates, numbers

Style = Literal[
    "date",
    "date_short",
    "weekday_datetime",
    "long_weekday_datetime",
    "datetime",
    "time",
    "iso_date",
]

_PATTERNS: dict[str, dict[str, str]] = {
    "en": {
        "date": "d MMMM y",
        "date_short": "d MMM y",
        "weekday_datetime": "EEE d MMM y, HH:mm",
        "long_weekday_datetime": "EEEE d MMMM y, HH:mm",
        "datetime": "d MMM y, HH:mm",
        "time": "HH:mm",
        "iso_date": "yyyy-MM-dd",
    },
    "nl": {
        "date": "d MMMM y",
        "date_short": "d MMM y",
        "weekday_datetime": "EEE d MMM y, HH:mm",
        "long_weekday_datetime": "EEEE d MMMM y, HH:mm",
        "datetime": "d MMM y, HH:mm",
        "time": "HH:mm",
        "iso_date": "yyyy-MM-dd",
    },
    "de": {
        "date": "d. MMMM y",
        "date_short": "d. MMM y",
        "weekday_datetime": "EEE, d. MMM y, HH:mm",
        "long_weekday_datetime": "EEEE, d. MMMM y, HH:mm",
        "datetime": "d. MMM y, HH:mm",
        "time": "HH:mm",
        "iso_date": "yyyy-MM-dd",
    },
}


def current_locale() -> str:
    """The locale of the current request or ``use_locale`` block; ``en`` outside the app."""
    from flask import has_app_context
    from flask_babel import get_locale

    if not has_app_context():
        return "en"
    found = get_locale()
    return str(found) if found is not None else "en"


def _locale(locale: str | None) -> str:
    return locale or current_locale()


def _patterns(locale: str) -> dict[str, str]:
    return _PATTERNS.get(locale.split("_", 1)[0], _PATTERNS["en"])


def zone(tz: str | None) -> ZoneInfo:
    """The zone named ``tz``; UTC for none or an unknown name (never an error on a page)."""
    try:
        return ZoneInfo(tz) if tz else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_instant(
    instant: datetime, style: Style = "datetime", tz: str | None = None, locale: str | None = None
) -> str:
    """An aware instant in the zone ``tz`` (default UTC), in one of the named styles."""
    chosen = _locale(locale)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    wall = instant.astimezone(zone(tz))
    return dates.format_datetime(wall, _patterns(chosen)[style], tzinfo=wall.tzinfo, locale=chosen)


def format_day(day: date | datetime, style: Style = "date", locale: str | None = None) -> str:
    """A calendar day (a ``date``, or the date part of a datetime as it stands)."""
    chosen = _locale(locale)
    plain = day.date() if isinstance(day, datetime) else day
    return dates.format_date(plain, _patterns(chosen)[style], locale=chosen)


def format_time(instant: datetime, tz: str | None = None, locale: str | None = None) -> str:
    return format_instant(instant, "time", tz, locale)


def format_duration(
    delta: timedelta,
    locale: str | None = None,
    *,
    threshold: float = 0.85,
    add_direction: bool = False,
    granularity: Literal["year", "month", "week", "day", "hour", "minute", "second"] = "second",
    width: Literal["narrow", "short", "long"] = "long",
) -> str:
    """A relative duration in words ("3 hours", "in 3 Stunden" with ``add_direction``)."""
    return dates.format_timedelta(
        delta,
        threshold=threshold,
        add_direction=add_direction,
        granularity=granularity,
        format=width,
        locale=_locale(locale),
    )


def format_number(value: float | int, locale: str | None = None) -> str:
    """A number with the locale's separators (1,234.5 / 1.234,5)."""
    return numbers.format_decimal(value, locale=_locale(locale))


def format_percent(value: float, locale: str | None = None) -> str:
    return numbers.format_percent(value, locale=_locale(locale))


def time_zone_name(tz: str | None, locale: str | None = None) -> str:
    """A zone as the reader knows it ("Central European Time", "Midden-Europese tijd")."""
    return dates.get_timezone_name(zone(tz), width="long", locale=_locale(locale))
