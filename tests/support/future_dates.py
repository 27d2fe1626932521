"""Dates in next year for tests whose views read the real clock: a form posting a fixed
"2027-05-04" starts being refused as "in the past" the day after, so these tests compute
next year's dates instead (the DST switch included) and stay true in any year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

NEXT_YEAR = datetime.now(UTC).year + 1


def last_sunday_of_march(year: int) -> date:
    """When the EU's clocks go forward (Europe/Amsterdam 02:00 → 03:00)."""
    day = date(year, 3, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def first_tuesday_of_may(year: int) -> date:
    day = date(year, 5, 1)
    return day + timedelta(days=(1 - day.weekday()) % 7)


SPRING_FORWARD = last_sunday_of_march(NEXT_YEAR)
DST_SERIES_START = SPRING_FORWARD - timedelta(days=12)
"""A Tuesday: a weekly series of four from it has two sessions before the switch, two after."""
MAY_TUESDAY = first_tuesday_of_may(NEXT_YEAR)


def at(day: date, hhmm: str, weeks: int = 0) -> str:
    """The form's ``YYYY-MM-DDTHH:MM`` for ``day`` (plus ``weeks``) at ``hhmm``."""
    return f"{(day + timedelta(weeks=weeks)).isoformat()}T{hhmm}"
