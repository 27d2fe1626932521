"""Roles over the term through the Flask client: per role who took it how often and who has
not yet, and "rotate fairly", which gives every upcoming session missing a moderator or
timekeeper both from its seated people, each choice counting the earlier ones; learners get
the 403 page; CSRF."""

from __future__ import annotations

import re

from flask import Flask

from tests.support.launches import LaunchAs
from tests.support.page_structure import check
from tests.support.signup_people import person, soon, wall

TALLY = re.compile(r'data-tally="([a-z-]+):(\d+):(\d+)"')


def _tallies(page: str) -> dict[str, dict[int, int]]:
    found: dict[str, dict[int, int]] = {}
    for role, user, times in TALLY.findall(page):
        found.setdefault(role, {})[int(user)] = int(times)
    return found


def _not_yet(page: str, role: str) -> str:
    return page.split(f'data-not-yet="{role}">')[1].split("</p>")[0]


def test_rotating_fairly_gives_the_next_sessions_their_roles_and_shows_who_has_not_yet(
    app: Flask, launch_as: LaunchAs
) -> None:
    trainer = person(app, launch_as, "instructor", "trainer-1")
    learners = [person(app, launch_as, "learner", f"learner-{n}") for n in range(3)]
    first = trainer.create(title="Week 1", seats_max="3", starts_at=wall(soon(days=7)))
    second = trainer.create(title="Week 2", seats_max="3", starts_at=wall(soon(days=14)))
    trainer.create(title="Week 3, nobody yet", seats_max="3", starts_at=wall(soon(days=21)))
    for learner in learners:
        for session_id in (first, second):
            assert learner.book(session_id).status_code == 303
    ids = {learner.launched.launch.user.id for learner in learners}

    page = trainer.page("/rotation")
    check(page)
    assert "3 upcoming sessions are" in page
    assert all(times == 0 for times in _tallies(page)["moderator"].values())
    assert set(_tallies(page)["moderator"]) == ids
    assert _not_yet(page, "moderator").count(",") == 2  # all three, by name

    after = trainer.follow(trainer.post("/rotation/rotate", {}))
    check(after)
    assert "2 sessions have their roles now." in after
    assert "1 could not be given roles yet: Nobody is in this session to take a role." in after
    assert "1 upcoming session is" in after  # the empty one, still open
    tallies = _tallies(after)
    # Two sessions, three people: two different moderators, two different timekeepers, and
    # nobody takes both roles in one session (so someone moderates and someone keeps time).
    assert sorted(tallies["moderator"].values()) == [0, 1, 1]
    assert sorted(tallies["timekeeper"].values()) == [0, 1, 1]
    assert _not_yet(after, "moderator").count(",") == 0  # one person left to moderate
    assert all(times == 0 for times in tallies["case-bringer"].values())

    roster = trainer.page(f"/sessions/{first}/")
    assert "· moderator" in roster and "· timekeeper" in roster

    again = trainer.follow(trainer.post("/rotation/rotate", {}))
    assert "0 sessions have their roles now." in again
    assert _tallies(again) == tallies


def test_learners_get_the_403_page_and_a_post_without_csrf_token_is_refused(
    app: Flask, launch_as: LaunchAs
) -> None:
    learner = person(app, launch_as, "learner", "learner-1")
    assert learner.get("/rotation").status_code == 403
    assert learner.post("/rotation/rotate", {}).status_code == 403
    trainer = person(app, launch_as, "instructor", "trainer-1")
    trainer.create(title="Week 1")
    assert trainer.post("/rotation/rotate", {}, token=False).status_code == 400
