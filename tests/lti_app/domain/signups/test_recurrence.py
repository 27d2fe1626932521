"""Series expansion across DST, bounded and worded rules, and re-planning an edited series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lti_app.domain.signups.recurrence import (
    MAX_OCCURRENCES,
    EditScope,
    Expansion,
    Occurrence,
    Repeat,
    SeriesPlan,
    StoredOccurrence,
    expand,
    replan,
)


def _ok(expansion: Expansion) -> tuple[Occurrence, ...]:
    assert expansion.problems == ()
    return expansion.occurrences


def _one_problem(expansion: Expansion) -> tuple[str, str]:
    assert expansion.occurrences == ()
    assert len(expansion.problems) == 1, expansion.problems
    return expansion.problems[0].field, expansion.problems[0].message


@pytest.mark.parametrize(
    ("tz", "first", "utc_hours"),
    [
        # spring: clocks go forward between the 2nd and 3rd occurrence
        ("Europe/Amsterdam", datetime(2026, 3, 19, 19, 0), [18, 18, 17, 17]),
        ("Europe/Berlin", datetime(2026, 3, 19, 19, 0), [18, 18, 17, 17]),
        ("America/Chicago", datetime(2026, 2, 26, 19, 0), [1, 1, 0, 0]),
        # autumn: clocks go back
        ("Europe/Amsterdam", datetime(2026, 10, 15, 19, 0), [17, 17, 18, 18]),
        ("Europe/Berlin", datetime(2026, 10, 15, 19, 0), [17, 17, 18, 18]),
        ("America/Chicago", datetime(2026, 10, 22, 19, 0), [0, 0, 1, 1]),
    ],
)
def test_weekly_series_keep_their_wall_clock_time_across_dst(
    tz: str, first: datetime, utc_hours: list[int]
) -> None:
    occurrences = _ok(expand(SeriesPlan(first, tz, Repeat.WEEKLY, count=4)))
    assert [o.local for o in occurrences] == [first + timedelta(weeks=n) for n in range(4)]
    assert all(o.local.hour == 19 for o in occurrences)
    assert [o.starts_at.hour for o in occurrences] == utc_hours
    assert all(o.starts_at.tzinfo is UTC for o in occurrences)


def test_fortnightly_steps_two_weeks_and_ends_on_the_last_date_inclusive() -> None:
    first = datetime(2026, 9, 1, 10, 0)
    occurrences = _ok(
        expand(SeriesPlan(first, "Europe/Amsterdam", Repeat.FORTNIGHTLY, until=date(2026, 10, 13)))
    )
    assert [o.key for o in occurrences] == ["2026-09-01", "2026-09-15", "2026-09-29", "2026-10-13"]


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months() -> None:
    first = datetime(2026, 1, 31, 19, 0)
    occurrences = _ok(expand(SeriesPlan(first, "Europe/Amsterdam", Repeat.MONTHLY, count=5)))
    assert [o.key for o in occurrences] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
    ]
    assert occurrences[2].starts_at == datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # summer time


def test_a_raw_rrule_expands_in_the_organisers_zone() -> None:
    first = datetime(2026, 3, 20, 19, 0)  # a Friday; the rule picks Tuesdays
    occurrences = _ok(
        expand(SeriesPlan(first, "Europe/Amsterdam", rrule="RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=2"))
    )
    assert [o.starts_at for o in occurrences] == [
        datetime(2026, 3, 24, 18, 0, tzinfo=UTC),
        datetime(2026, 3, 31, 17, 0, tzinfo=UTC),
    ]


def test_a_local_until_and_a_utc_until_both_bound_the_rule() -> None:
    first = datetime(2026, 3, 20, 19, 0)
    local = expand(SeriesPlan(first, "Europe/Amsterdam", rrule="FREQ=WEEKLY;UNTIL=20260403T190000"))
    utc = expand(SeriesPlan(first, "Europe/Amsterdam", rrule="FREQ=WEEKLY;UNTIL=20260403T170000Z"))
    assert [o.key for o in _ok(local)] == ["2026-03-20", "2026-03-27", "2026-04-03"]
    assert _ok(utc) == _ok(local)
    before = expand(
        SeriesPlan(first, "Europe/Amsterdam", rrule="FREQ=WEEKLY;UNTIL=20260403T165959Z")
    )
    assert [o.key for o in _ok(before)] == ["2026-03-20", "2026-03-27"]


def test_an_occurrence_in_the_spring_gap_is_a_problem_naming_its_date() -> None:
    first = datetime(2026, 3, 22, 2, 30)
    field, message = _one_problem(
        expand(SeriesPlan(first, "Europe/Amsterdam", Repeat.WEEKLY, count=3))
    )
    assert field == "first_start" and "2026-03-29 02:30 does not exist" in message


@pytest.mark.parametrize(
    ("series", "field", "words"),
    [
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "Mars/Base", Repeat.WEEKLY, count=2),
            "timezone",
            "not a time zone",
        ),
        (SeriesPlan(datetime(2026, 3, 1, 9), "UTC"), "repeat", "Choose how the series repeats"),
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "UTC", Repeat.WEEKLY, rrule="FREQ=DAILY;COUNT=2"),
            "repeat",
            "not both",
        ),
        (SeriesPlan(datetime(2026, 3, 1, 9), "UTC", Repeat.WEEKLY), "count", "how many sessions"),
        (
            SeriesPlan(
                datetime(2026, 3, 1, 9), "UTC", Repeat.WEEKLY, count=2, until=date(2026, 4, 1)
            ),
            "count",
            "not both",
        ),
        (SeriesPlan(datetime(2026, 3, 1, 9), "UTC", Repeat.WEEKLY, count=0), "count", "1 to 100"),
        (SeriesPlan(datetime(2026, 3, 1, 9), "UTC", Repeat.WEEKLY, count=101), "count", "1 to 100"),
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "UTC", Repeat.WEEKLY, until=date(2026, 2, 1)),
            "until",
            "before the first session",
        ),
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "UTC", Repeat.WEEKLY, until=date(2030, 1, 1)),
            "until",
            "more than 100 sessions",
        ),
        (SeriesPlan(datetime(2026, 3, 1, 9), "UTC", rrule="FREQ=WEEKLY"), "rrule", "never ends"),
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "UTC", rrule="FREQ=WEEKLY;COUNT=2;UNTIL=20260401"),
            "rrule",
            "both COUNT and UNTIL",
        ),
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "UTC", rrule="FREQ=FOO;COUNT=2"),
            "rrule",
            "could not be read (invalid 'FREQ': FOO)",
        ),
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "UTC", rrule="FREQ=WEEKLY;BYDAY=XX;COUNT=2"),
            "rrule",
            "could not be read",
        ),
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "UTC", rrule="FREQ=WEEKLY;;COUNT=2"),
            "rrule",
            "Write it like FREQ=WEEKLY;BYDAY=TU;COUNT=10",
        ),
        (
            SeriesPlan(
                datetime(2026, 3, 1, 9), "UTC", rrule="DTSTART:20260301T090000\nRRULE:FREQ=DAILY"
            ),
            "rrule",
            "only the rule itself",
        ),
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "UTC", rrule="FREQ=DAILY;COUNT=101"),
            "rrule",
            "more than 100",
        ),
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "UTC", rrule="FREQ=WEEKLY;COUNT=0"),
            "rrule",
            "gives no dates",
        ),
        (
            SeriesPlan(datetime(2026, 3, 1, 9), "UTC", rrule="FREQ=HOURLY;COUNT=3"),
            "rrule",
            "at most one session a day",
        ),
    ],
)
def test_each_series_problem_is_worded_for_people(
    series: SeriesPlan, field: str, words: str
) -> None:
    got_field, message = _one_problem(expand(series))
    assert got_field == field and words in message, message


def test_exactly_the_maximum_is_allowed() -> None:
    series = SeriesPlan(datetime(2026, 3, 1, 9), "UTC", Repeat.WEEKLY, count=MAX_OCCURRENCES)
    assert len(_ok(expand(series))) == MAX_OCCURRENCES


def test_an_aware_first_start_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="naive"):
        expand(SeriesPlan(datetime(2026, 3, 1, 9, tzinfo=UTC), "UTC", Repeat.WEEKLY, count=1))


# --- re-planning ----------------------------------------------------------------------------

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _series(hour: int, count: int = 4) -> tuple[Occurrence, ...]:
    return _ok(expand(SeriesPlan(datetime(2026, 3, 3, hour, 0), "UTC", Repeat.WEEKLY, count=count)))


def _stored(occurrences: tuple[Occurrence, ...], detached: str = "") -> list[StoredOccurrence]:
    return [StoredOccurrence(o.key, o.starts_at, o.key == detached) for o in occurrences]


def test_moving_the_series_time_moves_future_occurrences_and_keeps_the_past() -> None:
    stored = _stored(_series(19))  # 3, 10 (today, 19:00 is still ahead), 17, 24 March
    edit = replan(stored, _series(20), NOW)
    assert [o.key for o in edit.move] == ["2026-03-10", "2026-03-17", "2026-03-24"]
    assert edit.keep == ("2026-03-03",) and edit.create == () and edit.cancel == ()
    assert edit.move[0].starts_at == datetime(2026, 3, 10, 20, 0, tzinfo=UTC)


def test_detached_occurrences_are_left_alone() -> None:
    stored = _stored(_series(19), detached="2026-03-17")
    edit = replan(stored, _series(20), NOW)
    assert "2026-03-17" in edit.keep and "2026-03-17" not in [o.key for o in edit.move]


def test_shortening_cancels_and_lengthening_creates() -> None:
    stored = _stored(_series(19))
    shorter = replan(stored, _series(19, count=2), NOW)
    assert shorter.cancel == ("2026-03-17", "2026-03-24") and shorter.move == ()
    longer = replan(stored, _series(19, count=6), NOW)
    assert [o.key for o in longer.create] == ["2026-03-31", "2026-04-07"]
    assert set(longer.keep) == {o.key for o in stored}


def test_this_and_following_leaves_earlier_occurrences_as_they_were() -> None:
    stored = _stored(_series(19))
    edit = replan(stored, _series(20, count=5), NOW, EditScope.THIS_AND_FOLLOWING, "2026-03-17")
    assert [o.key for o in edit.move] == ["2026-03-17", "2026-03-24"]
    assert [o.key for o in edit.create] == ["2026-03-31"]
    assert edit.keep == ("2026-03-03", "2026-03-10")


def test_past_new_occurrences_are_never_created() -> None:
    edit = replan([], _series(19), NOW)
    assert [o.key for o in edit.create] == ["2026-03-10", "2026-03-17", "2026-03-24"]


def test_this_and_following_needs_a_key() -> None:
    with pytest.raises(ValueError, match="from_key"):
        replan([], (), NOW, EditScope.THIS_AND_FOLLOWING)


@settings(max_examples=150, deadline=None, database=None)
@given(
    tz=st.sampled_from(
        ["Europe/Amsterdam", "Europe/Berlin", "America/Chicago", "Australia/Sydney"]
    ),
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
    hour=st.integers(min_value=5, max_value=23),
    repeat=st.sampled_from(list(Repeat)),
)
def test_every_preset_series_keeps_its_wall_clock_time_in_any_zone(
    tz: str, day: date, hour: int, repeat: Repeat
) -> None:
    first = datetime(day.year, day.month, day.day, hour, 0)
    occurrences = _ok(expand(SeriesPlan(first, tz, repeat, count=30)))
    assert len(occurrences) == 30
    assert all(o.starts_at.astimezone(ZoneInfo(tz)).hour == hour for o in occurrences)
    assert [o.starts_at for o in occurrences] == sorted(o.starts_at for o in occurrences)
    assert len({o.key for o in occurrences}) == 30


def test_occurrences_in_play_at_the_same_time_are_unmoved_and_take_the_edit() -> None:
    stored = _stored(_series(19), detached="2026-03-17")  # 3 March is past
    same_time = replan(stored, _series(19), NOW)
    assert same_time.unmoved == ("2026-03-10", "2026-03-24") and same_time.move == ()
    following = replan(stored, _series(19), NOW, EditScope.THIS_AND_FOLLOWING, "2026-03-24")
    assert following.unmoved == ("2026-03-24",)
    moved = replan(stored, _series(20), NOW)
    assert moved.unmoved == () and [o.key for o in moved.move] == ["2026-03-10", "2026-03-24"]
