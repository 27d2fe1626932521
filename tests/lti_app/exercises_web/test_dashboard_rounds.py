"""The dashboard of an exercise run by a stable group over several rounds: the instructor sees
the group's rounds side by side, chooses one and sees its process only (never what anyone
wrote), the CSV follows the choice, and a round that is not the group's (another stable group's,
a made-up id, no id at all) is refused with a message, never a 500. Without a stable group
there is no chooser, and any round is refused the same way."""

from __future__ import annotations

import csv
import io

from flask import Flask

from lti_app.services.exercises.dashboard import CSV_HEADER
from tests.support.dashboard_rounds import CASE_MARKER, stable_rounds_world
from tests.support.exercise_pages import Page, configure, member
from tests.support.launches import LaunchAs


def _csv(response: object) -> list[list[str]]:
    text = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def test_the_instructor_chooses_a_round_and_the_csv_follows(
    app: Flask, launch_as: LaunchAs
) -> None:
    world = stable_rounds_world(app, launch_as)
    teacher = world.instructor

    board = teacher.page("/dashboard")
    chooser = board.by_id("round-chooser")
    assert chooser is not None
    rows = board.with_attr("data-round")
    assert [r.attrs["data-round-group"] for r in rows] == [
        str(world.first_round),
        str(world.this_round),
    ]
    assert "closed" in rows[0].text and "(this exercise)" in rows[1].text
    assert world.group_name in board.by_id("rounds-heading").text  # type: ignore[union-attr]
    # Without a choice: this exercise's own group, as before.
    assert [s.attrs["data-group"] for s in board.with_attr("data-group")] == [str(world.this_round)]
    assert board.with_attr("data-chosen-round") == []

    first = teacher.page(f"/dashboard?round={world.first_round}")
    assert [s.attrs["data-group"] for s in first.with_attr("data-group")] == [
        str(world.first_round)
    ]
    assert first.with_attr("data-chosen-round", "1")
    (current,) = [r for r in first.with_attr("data-round") if "aria-current" in r.attrs]
    assert current.attrs["data-round-group"] == str(world.first_round)
    (case_phase,) = [
        cell for cell in first.with_attr("data-phase-count") if cell.text.strip() == "1"
    ]  # the case, counted in its phase
    assert len(first.with_attr("data-member")) == len(world.members)
    (link,) = first.with_attr("data-csv")
    assert link.attrs["href"].endswith(f"/dashboard.csv?round={world.first_round}")
    assert "Open the group" not in first.text  # its group page is the other exercise's
    assert CASE_MARKER not in first.html and CASE_MARKER not in board.html

    response = teacher.get(f"/dashboard.csv?round={world.first_round}")
    assert response.status_code == 200
    assert "round-1-process.csv" in response.headers["Content-Disposition"]
    table = _csv(response)
    assert table[0] == list(CSV_HEADER)
    assert len(table) == 1 + len(world.members)
    assert {row[3] for row in table[1:]} == {"1", "0"}  # the case-bringer's one post
    assert CASE_MARKER not in response.get_data(as_text=True)

    whole = _csv(teacher.get("/dashboard.csv"))  # no choice: this exercise's rows
    assert len(whole) == 1 + len(world.members)
    assert {row[3] for row in whole[1:]} == {"0"}
    assert whole != table

    # Another stable group's round, an id nobody has, and values that are no id at all.
    for value in (str(world.other_groups_round), "999999", "abc", "-1", "²"):
        for path in ("/dashboard", "/dashboard.csv"):
            response = teacher.get(f"{path}?round={value}")
            shown = Page(response.get_data(as_text=True)).text
            assert response.status_code == 404, (path, value, response.status_code)
            assert "not one of this stable group's rounds" in shown, (path, value)
    assert teacher.get("/dashboard?round=").status_code == 200  # empty: no choice


def test_without_a_stable_group_there_is_no_chooser_and_no_round(
    app: Flask, launch_as: LaunchAs
) -> None:
    instructor = member(app, launch_as, "instructor", "teacher")
    configure(instructor)  # self-formed groups
    board = instructor.page("/dashboard")
    assert board.by_id("round-chooser") is None and board.by_id("stable-rounds") is None
    assert instructor.get("/dashboard.csv").status_code == 200
    for path in ("/dashboard", "/dashboard.csv"):
        refused = instructor.get(f"{path}?round=1")
        assert refused.status_code == 404
        assert "Open the dashboard again" in Page(refused.get_data(as_text=True)).text
