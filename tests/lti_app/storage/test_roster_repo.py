"""Roster people as lti_user rows and a stable group's sessions, on SQLite and PostgreSQL:
upserting by (issuer, sub) makes one row however many fetches race, refreshes what the platform
shares now; a session is given only to a group of its own sheet."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_app.services import signup_groups, signups
from lti_app.storage import db, roster_repo
from lti_app.storage.models import LtiUser
from lti_app.storage.roster_repo import GroupNotFound, RosterPerson
from tests.support.signup_world import NOW, build_world, new_session, race

ISSUER = "https://lms1.test"


def _upsert(app: Flask, people: list[RosterPerson]) -> dict[str, int]:
    with app.app_context(), db.write_transaction() as session:
        return roster_repo.upsert_people(session, ISSUER, people, NOW)


def test_people_are_found_or_made_by_sub_and_show_what_the_platform_shares_now(
    db_app: Flask,
) -> None:
    world = build_world(db_app, learners=2)
    ids = _upsert(db_app, [
        RosterPerson("learner-0", "Bram Jansen", "bram@example.test"),
        RosterPerson("newcomer", "Chloé Martin", ""),
        RosterPerson("withheld"),
    ])  # fmt: skip
    assert ids["learner-0"] == world.learners[0]  # the launch's row, not a second one
    assert ids["newcomer"] not in world.learners
    again = _upsert(db_app, [RosterPerson("newcomer", "", "")])  # the name is withheld now
    assert again == {"newcomer": ids["newcomer"]}
    with db_app.app_context(), db.transaction() as session:
        rows = {
            row.sub: (row.name, row.email)
            for row in session.scalars(select(LtiUser).where(LtiUser.issuer == ISSUER))
        }
    assert rows["learner-0"] == ("Bram Jansen", "bram@example.test")
    assert rows["newcomer"] == (None, None) and rows["withheld"] == (None, None)


def test_racing_roster_fetches_make_one_row_per_person(db_app: Flask) -> None:
    build_world(db_app, learners=1)
    people = [RosterPerson(f"racer-{n}", f"Racer {n}") for n in range(5)]

    def upsert() -> dict[str, int]:
        with db.write_transaction() as session:
            return roster_repo.upsert_people(session, ISSUER, people, NOW)

    first, second = race(db_app, [upsert, upsert])
    assert first == second
    with db_app.app_context(), db.transaction() as session:
        count = session.scalar(select(func.count(LtiUser.id)).where(LtiUser.sub.like("racer-%")))
    assert count == 5


def test_a_session_is_given_only_to_a_group_of_its_own_sheet(db_app: Flask) -> None:
    world = build_world(db_app, learners=4)
    session_id = new_session(db_app, world)
    with db_app.app_context():
        mine = signups.form_sheet_groups(
            world.course, sheet_id=world.sheet, roster=world.learners, size_min=2,
            size_max=2, now=NOW,
        ).groups  # fmt: skip
        other = signups.form_sheet_groups(
            world.course, sheet_id=world.second_sheet, roster=world.learners, size_min=4,
            size_max=4, now=NOW,
        ).groups  # fmt: skip
        record = signup_groups.assign_group(
            world.course, sheet_id=world.sheet, session_id=session_id, group_id=mine[1].id,
            now=NOW,
        )  # fmt: skip
        assert record.group_id == mine[1].id and record.version == 1
        with pytest.raises(GroupNotFound):
            signup_groups.assign_group(
                world.course, sheet_id=world.sheet, session_id=session_id,
                group_id=other[0].id, now=NOW,
            )  # fmt: skip
        with pytest.raises(signups.SessionNotFound):
            signup_groups.assign_group(
                world.sibling, sheet_id=world.sheet, session_id=session_id, group_id=None,
                now=NOW,
            )  # fmt: skip
        overview = signup_groups.groups_overview(world.course, sheet_id=world.sheet)
    assert [s.session.group_id for s in overview.sessions] == [mine[1].id]
