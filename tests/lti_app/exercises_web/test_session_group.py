"""An exercise whose group is a sign-up session's: the instructor plans the session on the
course's sheet, three learners book it (one brings a case), and the dashboard makes the round
from it with the case-bringer booking as case-bringer."""

from __future__ import annotations

from flask import Flask

from lti_app.domain.methods import CASE_BRINGER
from tests.support.exercise_pages import accept_rules, configure, member
from tests.support.launches import LaunchAs
from tests.support.signup_people import person

SIGNUP = {"kind": "signup", "intervision_ref": "kick-off"}


def test_the_round_of_a_sign_up_session(app: Flask, launch_as: LaunchAs) -> None:
    planner = person(app, launch_as, "instructor", "teacher", custom=SIGNUP)
    session_id = planner.create(seats_max="4", case_bringer_places="1")
    learners = [f"learner-{n}" for n in range(3)]
    for index, user in enumerate(learners):
        booker = person(app, launch_as, "learner", user, custom=SIGNUP)
        intent = "case_bringer" if index == 0 else "consultant"
        assert booker.book(session_id, intent).status_code == 303

    instructor = member(app, launch_as, "instructor", "teacher")
    configure(
        instructor,
        method_slug="troika-consulting",
        mode="live",
        group_source="session",
        session_id=str(session_id),
        size_min="",
        size_max="",
    )
    board = instructor.page("/dashboard")
    response = instructor.submit(board, "/groups/from-session", {})
    board = instructor.follow(response)
    (section,) = board.with_attr("data-group")
    group_id = int(section.attrs["data-group"])
    assert len(board.with_attr("data-member")) == 3

    bringer = member(app, launch_as, "learner", learners[0])
    accept_rules(bringer)
    page = bringer.open("/")
    assert page.with_attr("data-my-role", CASE_BRINGER)
    assert page.by_id("exercise-round").attrs["data-group"] == str(group_id)  # type: ignore[union-attr]
