"""One person's data: export finds every row that names them (from the schema, so a new
table cannot be forgotten), never a credential; erasure removes names, address, platform id
and texts but keeps the rows, so counts stay right; the admin commands say what they did."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from lti_app.cli import main
from lti_app.domain.errors import NotFound
from lti_app.domain.scope import PersonInCourse
from lti_app.domain.signups.booking import Intent
from lti_app.services import personal_data, progress, signups
from lti_app.services.score_outbox import ScoreRequest, enqueue_score
from lti_app.services.signups.feed import new_feed_token
from lti_app.storage import db
from lti_app.storage.models import Base, LtiUser
from lti_app.storage.personal_data_repo import load_all_models, person_columns
from lti_app.storage.signup_models import SignupBooking
from tests.support.mail_course import ISSUER, NOW, World, book, build_world, new_session

REASON = "Bram asked for a seat: his supervisor needs him in this group"


def _course(app: Flask) -> tuple[World, int]:
    world = build_world(app, count=3)
    session_id = new_session(app, world, starts_at=NOW + timedelta(days=3), seats=1)
    first, second, third = world.people
    book(app, world, session_id, first.id)
    book(app, world, session_id, second.id)  # waitlisted
    with app.app_context():
        signups.override(
            world.course, sheet_id=world.sheet, session_id=session_id, user_id=third.id,
            intent=Intent.CONSULTANT, instructor_id=world.instructor, reason=REASON, now=NOW,
        )  # fmt: skip
        for person in (first, third):
            progress.complete_module(
                PersonInCourse(world.course, person.id), f"sub-of-{person.id}", "troika",
                "Troika", None, NOW,
            )  # fmt: skip
        new_feed_token(world.course, user_id=third.id, now=NOW)
        enqueue_score(
            ScoreRequest(
                world.course.tenant_id, world.course.course_id, "learner-2",
                "https://lms1.test/lineitems/1", 1, 1, comment="Attended",
            ),
            now=NOW,
        )  # fmt: skip
    return world, session_id


def _count(app: Flask, model: Any) -> int:
    with app.app_context(), db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_every_table_naming_a_person_is_found_from_the_schema() -> None:
    names = {table.name for table in person_columns()}
    assert {"module_completion", "signup_booking", "exercise_contribution"} <= names
    assert {"exercise_case", "notification", "calendar_feed_token", "signup_audit"} <= names
    assert "tenant" not in names and "lti_user" not in names


def test_export_has_the_persons_rows_only_and_no_credentials(app: Flask) -> None:
    _course(app)
    with app.app_context():
        data = personal_data.export(ISSUER, "learner-2")
        other = personal_data.export(ISSUER, "learner-0")
    assert data["person"]["name"] == "Learner Number2 Surname2"
    assert data["person"]["email"] == "learner2@example.test"
    tables = data["tables"]
    assert len(tables["signup_booking"]) == 1 and tables["signup_booking"][0]["override_reason"]
    assert len(tables["module_completion"]) == 1
    assert tables["score_outbox"][0]["comment"] == "Attended"
    assert tables["calendar_feed_token"] and "token_hash" not in tables["calendar_feed_token"][0]
    assert "score_outbox" not in other["tables"]
    ids = {row["user_id"] for row in other["tables"]["signup_booking"]}
    assert len(ids) == 1 and ids != {tables["signup_booking"][0]["user_id"]}
    json.dumps(data)  # JSON-ready, dates as text


def test_erasure_removes_identity_and_text_but_keeps_the_counts(app: Flask) -> None:
    world, _ = _course(app)
    bookings, completions = _count(app, SignupBooking), 2
    with app.app_context():
        report = personal_data.erase(ISSUER, "learner-2")
        assert report.scores_stopped == 1 and report.rows_deleted["calendar_feed_token"] == 1
        assert report.texts_removed >= 2  # the override reason, in the booking and the audit
        with pytest.raises(NotFound):
            personal_data.export(ISSUER, "learner-2")  # the platform's id is gone
        with db.transaction() as session:
            user = session.get(LtiUser, world.people[2].id)
            assert user is not None and user.name is None and user.email is None
            assert user.sub.startswith("erased-")
        data = personal_data.export(ISSUER, user.sub)
        counts = progress.course_progress(PersonInCourse(world.course, world.instructor), True)
        kept = personal_data.export(ISSUER, "learner-0")
    assert _count(app, SignupBooking) == bookings and sum(counts.counts.values()) == completions
    assert not data["tables"]["signup_booking"][0]["override_reason"]
    assert all(not row.get("reason") for row in data["tables"]["signup_audit"])
    assert "calendar_feed_token" not in data["tables"]
    assert data["tables"]["score_outbox"][0]["status"] == "failed"
    assert REASON not in json.dumps(data)
    assert kept["person"]["name"] == "Learner Number0 Surname0"  # nobody else is touched


def test_the_commands_export_erase_and_name_an_unknown_person(app: Flask) -> None:
    _course(app)
    runner = app.test_cli_runner()
    exported = runner.invoke(main, ["person", "export", "--issuer", ISSUER, "--sub", "learner-1"])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["person"]["sub"] == "learner-1"
    refused = runner.invoke(
        main, ["person", "erase", "--issuer", ISSUER, "--sub", "learner-1"], input="n\n"
    )
    assert refused.exit_code == 1 and "Aborted" in refused.output
    erased = runner.invoke(
        main, ["person", "erase", "--issuer", ISSUER, "--sub", "learner-1", "--yes"]
    )
    assert erased.exit_code == 0 and "name, email and platform id removed" in erased.output
    unknown = runner.invoke(main, ["person", "export", "--issuer", ISSUER, "--sub", "learner-1"])
    assert unknown.exit_code == 1
    assert "No person with sub 'learner-1'" in unknown.output and "Traceback" not in unknown.output


def test_the_privacy_docs_name_every_table_and_its_retention() -> None:
    """docs/admin/privacy.md cannot fall behind the schema: every table has its row."""
    load_all_models()
    text = (Path(__file__).parents[3] / "docs" / "admin" / "privacy.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    documented = {name for line in rows for name in line.split("|")[1].replace("`", "").split(",")}
    tables = {table.name for table in Base.metadata.sorted_tables}
    assert tables - {name.strip() for name in documented} == set()
