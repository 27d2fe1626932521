"""Dates, times, durations and numbers as each language writes them (Babel), English as the
tool always showed it, and ``use_locale`` for work outside a request (e-mails, the worker)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from lti_app.i18n import gettext, locale_now, ngettext, use_locale
from lti_app.i18n.formatting import (
    format_day,
    format_duration,
    format_instant,
    format_number,
    time_zone_name,
)

EVENING = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)  # 19:00 in Amsterdam (CET)
SUMMER = datetime(2027, 7, 6, 17, 30, tzinfo=UTC)  # 19:30 in Amsterdam (CEST)


@pytest.mark.parametrize(
    ("locale", "short", "long"),
    [
        ("en", "Tue 8 Dec 2026, 19:00", "Tuesday 8 December 2026, 19:00"),
        ("nl", "di 8 dec 2026, 19:00", "dinsdag 8 december 2026, 19:00"),
        ("de", "Di., 8. Dez. 2026, 19:00", "Dienstag, 8. Dezember 2026, 19:00"),
    ],
)
def test_an_instant_in_the_sessions_zone_in_each_language(
    locale: str, short: str, long: str
) -> None:
    zone = "Europe/Amsterdam"
    assert format_instant(EVENING, "weekday_datetime", zone, locale) == short
    assert format_instant(EVENING, "long_weekday_datetime", zone, locale) == long
    assert format_instant(SUMMER, "time", zone, locale) == "19:30"  # summer time applied
    assert format_instant(EVENING, "time", "America/New_York", locale) == "13:00"


def test_days_numbers_durations_and_zone_names_per_language() -> None:
    day = date(2026, 3, 1)
    assert [format_day(day, locale=lo) for lo in ("en", "nl", "de")] == [
        "1 March 2026", "1 maart 2026", "1. März 2026",
    ]  # fmt: skip
    assert format_day(EVENING, "iso_date", "de") == "2026-12-08"
    assert [format_number(1234.5, lo) for lo in ("en", "nl", "de")] == [
        "1,234.5", "1.234,5", "1.234,5",
    ]  # fmt: skip
    three_hours = timedelta(hours=3)
    assert format_duration(three_hours, "nl") == "3 uur"
    assert format_duration(three_hours, "de", add_direction=True) == "in 3 Stunden"
    assert format_duration(-timedelta(days=2), "en", add_direction=True) == "2 days ago"
    assert time_zone_name("Europe/Berlin", "de") == "Mitteleuropäische Zeit"
    assert time_zone_name("No/Such_Zone", "en") == time_zone_name("UTC", "en")  # never an error


def test_a_naive_instant_is_read_as_utc() -> None:
    assert format_instant(datetime(2026, 12, 8, 18, 0), "time", "Europe/Amsterdam", "en") == "19:00"


def test_outside_the_app_everything_is_english() -> None:
    assert format_day(date(2026, 5, 1)) == "1 May 2026"
    assert gettext("Not found") == "Not found"


def test_use_locale_translates_and_formats_for_one_person_outside_a_request(app: Flask) -> None:
    with app.app_context():
        assert locale_now() == "en"
        with use_locale("de-AT") as chosen:
            assert chosen == "de" and locale_now() == "de"
            assert gettext("Not found") == "Nicht gefunden"
            assert format_day(date(2026, 5, 1)) == "1. Mai 2026"
            word = ngettext("%(num)d person", "%(num)d people", 2)
            assert word == "2 people"  # not in any catalogue: English plural, still counted
        with use_locale("fr"):  # not a language of the tool: the deployment default
            assert gettext("Not found") == "Not found"
        assert locale_now() == "en"
