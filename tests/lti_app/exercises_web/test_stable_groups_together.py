"""The dashboard of an exercise that runs every stable group of the course: a start form per
group without a round, "Start a round for every group" (one CSRF form, a message per group, a
too-small group stops no other, a double submit makes nothing twice), and the round chooser of
each group's round showing that group's rounds only."""

from __future__ import annotations

from flask import Flask

from tests.support.exercise_pages import member
from tests.support.launches import LaunchAs
from tests.support.shipped_methods import METHODS
from tests.support.stable_start_world import sheet_group, stable_start

EVERY = "/groups/every-stable-group"
START = "/groups/from-stable-group"
TEN_STEP = METHODS["ten-step-method"]


def test_every_group_starts_from_one_form_each_once(app: Flask, launch_as: LaunchAs) -> None:
    world = stable_start(app, launch_as)
    teacher = world.instructor
    trio = [member(app, launch_as, "learner", f"trio-{n}").user_id for n in range(3)]
    pair = [member(app, launch_as, "learner", f"pair-{n}").user_id for n in range(2)]
    _trio_id, trio_name = sheet_group(app, world.scope, "trio-sheet", trio)
    _pair_id, pair_name = sheet_group(app, world.scope, "pair-sheet", pair)

    board = teacher.page("/dashboard")
    assert len(board.with_attr("data-start-round")) == 3 and board.has_form(EVERY)
    shown = teacher.follow(teacher.submit(board, EVERY, {}))
    assert f"The round of {world.group_name} is made" in shown.text
    assert f"The round of {trio_name} is made" in shown.text
    assert f"{pair_name} has 2 members; {TEN_STEP.name} needs at least 3" in shown.text
    assert len(shown.with_attr("data-started")) == 2
    assert [f.attrs["data-start-round"] for f in shown.with_attr("data-start-round")] == [
        str(_pair_id)
    ]
    assert not shown.has_form(EVERY)  # one group waits: its own button is enough

    again = teacher.follow(teacher.submit(board, EVERY, {}))  # the old page, sent twice
    assert "is made" not in again.text and f"{pair_name} has 2 members" in again.text
    assert len(again.with_attr("data-started")) == 2
    refused = teacher.submit(board, EVERY, {"csrf_token": ""})  # no CSRF token: nothing made
    assert refused.status_code == 400 and "CSRF token is missing" in refused.get_data(True)
    assert len(teacher.page("/dashboard").with_attr("data-started")) == 2

    links = [e for e in again.parser.elements if e.tag == "a" and e.text == "show its rounds"]
    assert len(links) == 2  # one per group with a round, in the groups' order
    round_id = links[1].attrs["href"].rsplit("round=", 1)[1]
    trio_board = teacher.page(f"/dashboard?round={round_id}")
    heading = trio_board.by_id("rounds-heading")
    assert heading is not None and heading.text == f"Rounds of {trio_name}"
    (row,) = trio_board.with_attr("data-round")  # the trio's one round: none of the others'
    assert row.attrs["data-round-group"] == round_id and "(this exercise)" in row.text
    members = {e.attrs["data-member"] for e in trio_board.with_attr("data-member")}
    assert len(members) == len(trio)
