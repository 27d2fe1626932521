"""Wall time to UTC across DST, and the zone a learner sees."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.timezones import (
    ViewerZone,
    ZoneSource,
    local_to_utc,
    utc_to_local,
    viewer_zone,
    zone,
)


@pytest.mark.parametrize("name", ["Europe/Amsterdam", "America/Chicago", "UTC"])
def test_known_zones_are_found(name: str) -> None:
    assert zone(name) is not None


@pytest.mark.parametrize("name", ["", None, "Mars/Olympus", "../etc/passwd", "Europe", "x" * 80])
def test_unknown_or_malformed_zones_are_none(name: str | None) -> None:
    assert zone(name) is None


@pytest.mark.parametrize(
    ("tz", "local", "utc"),
    [
        (
            "Europe/Amsterdam",
            datetime(2026, 1, 15, 19, 0),
            datetime(2026, 1, 15, 18, 0, tzinfo=UTC),
        ),
        (
            "Europe/Amsterdam",
            datetime(2026, 7, 15, 19, 0),
            datetime(2026, 7, 15, 17, 0, tzinfo=UTC),
        ),
        ("America/Chicago", datetime(2026, 1, 15, 19, 0), datetime(2026, 1, 16, 1, 0, tzinfo=UTC)),
        ("America/Chicago", datetime(2026, 7, 15, 19, 0), datetime(2026, 7, 16, 0, 0, tzinfo=UTC)),
    ],
)
def test_wall_time_becomes_the_right_utc_instant(tz: str, local: datetime, utc: datetime) -> None:
    assert local_to_utc(local, tz) == utc


@pytest.mark.parametrize(
    ("tz", "gap"),
    [
        ("Europe/Amsterdam", datetime(2026, 3, 29, 2, 30)),
        ("Europe/Berlin", datetime(2026, 3, 29, 2, 0)),
        ("America/Chicago", datetime(2026, 3, 8, 2, 15)),
    ],
)
def test_a_time_in_the_spring_gap_is_a_problem_not_a_shift(tz: str, gap: datetime) -> None:
    result = local_to_utc(gap, tz, field="first_start")
    assert isinstance(result, Problem)
    assert result.field == "first_start"
    assert "does not exist" in result.message and tz in result.message
    assert "skipped hour" in result.message


@pytest.mark.parametrize(
    ("tz", "fold", "first"),
    [
        (
            "Europe/Amsterdam",
            datetime(2026, 10, 25, 2, 30),
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        ),
        ("Europe/Berlin", datetime(2026, 10, 25, 2, 0), datetime(2026, 10, 25, 0, 0, tzinfo=UTC)),
        ("America/Chicago", datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    ],
)
def test_an_ambiguous_autumn_time_is_its_first_occurrence(
    tz: str, fold: datetime, first: datetime
) -> None:
    assert local_to_utc(fold, tz) == first


def test_unknown_zone_is_a_problem_naming_it() -> None:
    result = local_to_utc(datetime(2026, 1, 1, 9), "Nowhere/Town")
    assert isinstance(result, Problem)
    assert result.field == "timezone" and "Nowhere/Town" in result.message


def test_aware_input_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="naive"):
        local_to_utc(datetime(2026, 1, 1, 9, tzinfo=UTC), "UTC")


def test_utc_to_local_round_trips_and_falls_back_to_utc() -> None:
    instant = datetime(2026, 7, 15, 17, 0, tzinfo=UTC)
    assert utc_to_local(instant, "Europe/Amsterdam") == datetime(2026, 7, 15, 19, 0)
    assert utc_to_local(instant, "Nowhere/Town") == datetime(2026, 7, 15, 17, 0)


def test_viewer_sees_the_browsers_zone_when_valid() -> None:
    assert viewer_zone("America/Chicago", "Europe/Amsterdam") == ViewerZone(
        "America/Chicago", ZoneSource.BROWSER
    )


@pytest.mark.parametrize("browser", [None, "", "Not/AZone"])
def test_viewer_falls_back_to_the_course_zone(browser: str | None) -> None:
    assert viewer_zone(browser, "Europe/Amsterdam").source is ZoneSource.COURSE


def test_viewer_falls_back_to_utc_when_nothing_is_valid() -> None:
    assert viewer_zone("bad", "worse") == ViewerZone("UTC", ZoneSource.UTC)


def test_zone_label_shows_the_offset_of_that_date_and_where_it_came_from() -> None:
    zone_ = ViewerZone("Europe/Amsterdam", ZoneSource.BROWSER)
    assert zone_.label(datetime(2026, 1, 15, tzinfo=UTC)) == (
        "Europe/Amsterdam (UTC+01:00), your browser's time zone"
    )
    assert "UTC+02:00" in zone_.label(datetime(2026, 7, 15, tzinfo=UTC))
    chicago = ViewerZone("America/Chicago", ZoneSource.COURSE)
    assert chicago.label(datetime(2026, 1, 15, tzinfo=UTC)) == (
        "America/Chicago (UTC-06:00), the course's time zone"
    )
    assert ViewerZone("UTC", ZoneSource.UTC).label(datetime(2026, 1, 1, tzinfo=UTC)) == (
        "UTC (UTC+00:00), no time zone was known"
    )
