"""Retention in the background worker: a peer-feedback round past its purge date loses its case
text and contribution bodies on the worker's tick and through `intervision purge`; reflections
and ratings stay. SQLite and PostgreSQL; the round is a month before the world's ``NOW``, so
it is past its purge date for the real clock `intervision purge` reads too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select

from lti_app.cli import main
from lti_app.cli_worker import run_due_work
from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.settings import Grading
from lti_app.domain.exercises.validation import Draft
from lti_app.services import exercises
from lti_app.storage import db
from lti_app.storage.exercise_models import ExerciseCase, ExerciseContribution, ExerciseRating
from tests.support.exercise_world import (
    CASE_TEXT,
    CHECKLIST,
    NOW,
    build_exercise_world,
    during,
    schedule,
)

RETENTION_DAYS = 3
OPENS_AT = NOW - timedelta(days=30)
# The round ends at its last async deadline; its case text goes RETENTION_DAYS later.
PURGE_AT = schedule(OPENS_AT).deadlines[-1] + timedelta(days=RETENTION_DAYS)


@dataclass(frozen=True)
class PastRound:
    group: int
    question: int
    advice: int
    takeaway: int


def _posted(outcome: object) -> int:
    assert isinstance(outcome, exercises.PostAccepted), outcome
    return outcome.post_id


def _past_round(app: Flask) -> PastRound:
    """A whole async round a month ago, in an exercise that keeps case text RETENTION_DAYS and
    sends no grades (nothing here talks to an LMS)."""
    world = build_exercise_world(app, retention_days=RETENTION_DAYS, grading=Grading.NONE)
    bringer, moderator, *consultants = (Actor(u) for u in world.learners[5:10])
    with app.app_context():
        saved = exercises.form_group(
            world.course,
            world.exercise,
            [a.user_id for a in (bringer, moderator, *consultants)],
            case_bringer=bringer.user_id,
            moderator=moderator.user_id,
            name="Last month",
            schedule=schedule(OPENS_AT),
            now=OPENS_AT,
        )
        assert saved.group is not None, saved.problems
        group = saved.group.id

        def post(actor: Actor, draft: Draft, phase: str) -> int:
            at = during(phase, OPENS_AT)
            return _posted(exercises.post(world.course, group, actor, draft, None, at))

        case = Draft(PostType.CASE, case=CASE_TEXT, checklist=CHECKLIST)
        post(bringer, case, "spontaneous-account")
        question = post(
            consultants[0],
            Draft(PostType.QUESTION, text="SECRET-QUESTION what then?"),
            "comprehension-questions",
        )
        advice = post(
            consultants[1], Draft(PostType.ADVICE, text="SECRET-ADVICE call them"), "consultation"
        )
        at_closing = during("closing", OPENS_AT)
        _posted(exercises.rate(world.course, group, bringer, advice, 4, now=at_closing))
        takeaway = post(consultants[2], Draft(PostType.TAKEAWAY, text="I listen first"), "closing")
    return PastRound(group, question, advice, takeaway)


def _stored(app: Flask) -> tuple[ExerciseCase, dict[int, str], list[int]]:
    with app.app_context(), db.transaction() as session:
        case = session.scalars(select(ExerciseCase)).one()
        bodies = dict(
            session.execute(select(ExerciseContribution.id, ExerciseContribution.body))
            .tuples()
            .all()
        )
        ratings = list(session.scalars(select(ExerciseRating.score)).all())
        session.expunge(case)
    return case, bodies, ratings


def _assert_purged(app: Flask, past: PastRound) -> None:
    case, bodies, ratings = _stored(app)
    assert (case.situation, case.own_role, case.key_question) == ("", "", "")
    assert bodies[past.question] == "" and bodies[past.advice] == ""
    assert bodies[past.takeaway] == "I listen first"  # reflections stay
    assert ratings == [4]


def _tick(app: Flask, now: datetime) -> str:
    report = run_due_work(app, now)
    assert report.problems == [], report.summary()
    return report.summary()


def test_a_worker_tick_purges_a_round_past_its_purge_date(db_app: Flask) -> None:
    past = _past_round(db_app)
    before = _tick(db_app, PURGE_AT - timedelta(minutes=1))
    # Both groups get their purge date (the world's own round is still to come); ours, over
    # since its last deadline, its (empty: no grading) completion.
    assert "retention: 0 round(s) purged, 2 given a purge date, 1 graded" in before
    case, bodies, _ = _stored(db_app)
    assert case.situation == CASE_TEXT["situation"]
    assert bodies[past.question] == "SECRET-QUESTION what then?"

    due = _tick(db_app, PURGE_AT)
    assert "retention: 1 round(s) purged, 0 given a purge date, 0 graded" in due
    assert "SECRET" not in due
    _assert_purged(db_app, past)
    assert "retention: 0 round(s) purged" in _tick(db_app, PURGE_AT + timedelta(days=1))
    _assert_purged(db_app, past)  # a second run changes nothing


def test_intervision_purge_purges_once_and_prints_counts_only(db_app: Flask) -> None:
    past = _past_round(db_app)
    result = db_app.test_cli_runner().invoke(main, ["purge"])
    assert result.exit_code == 0, result.output
    # Ours is purged. The command reads the real clock, and the world's own group is built
    # around a fixed date: it is dated, or purged too once that date is long past.
    purged = re.search(r"retention: (\d+) round\(s\) purged, ", result.output)
    assert purged is not None and int(purged.group(1)) in (1, 2), result.output
    assert "SECRET" not in result.output and "listen" not in result.output
    _assert_purged(db_app, past)
    again = db_app.test_cli_runner().invoke(main, ["purge"])
    assert again.exit_code == 0, again.output
    assert "retention: 0 round(s) purged, 0 given a purge date, 0 graded" in again.output
    _assert_purged(db_app, past)
