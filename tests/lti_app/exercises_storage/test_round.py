"""A round through services.exercises on SQLite and PostgreSQL: a whole async round, the
gates (nothing saved when refused), a double submit posting once (also racing), live phases."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from flask import Flask

from lti_app.domain.exercises.outcomes import Actor, Allowed, Reason, Refused
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.settings import Mode
from lti_app.domain.exercises.validation import Draft, Mark
from lti_app.services import exercises
from lti_app.storage import db, outbox_repo
from tests.support.exercise_world import (
    AFTER_ROUND,
    CASE_TEXT,
    CHECKLIST,
    LINEITEM,
    METHOD,
    NOW,
    PHASES,
    ExerciseWorld,
    build_exercise_world,
    during,
    new_exercise,
    new_group,
    row_counts,
)
from tests.support.signup_world import race

CASE = Draft(PostType.CASE, case=CASE_TEXT, checklist=CHECKLIST)
METHOD_MINUTES = [p.minutes for p in METHOD.phases]


def _post(
    world: ExerciseWorld, actor: Actor, draft: Draft, at: datetime, token: str | None = None
) -> exercises.PostOutcome:
    return exercises.post(
        world.course, world.group, actor, draft, token, at, exercise_id=world.exercise
    )


def _ok(outcome: object) -> int:
    assert isinstance(outcome, exercises.PostAccepted), outcome
    return outcome.post_id


def _run_round(world: ExerciseWorld) -> dict[str, int]:
    """Everyone does their part, phase by phase; the ids of some posts."""
    ids: dict[str, int] = {}
    ids["case"] = _ok(_post(world, world.case_bringer, CASE, during("spontaneous-account")))
    at = during("comprehension-questions")
    ids["question"] = _ok(
        _post(
            world, world.consultant(0), Draft(PostType.QUESTION, text="What happened before?"), at
        )
    )
    for n in (1, 2):
        _ok(_post(world, world.consultant(n), Draft(PostType.QUESTION, text=f"Question {n}"), at))
    _ok(
        exercises.mark(
            world.course, world.group, world.case_bringer, ids["question"], Mark.WARM, now=at
        )
    )
    _ok(
        exercises.answer(
            world.course, world.group, world.case_bringer, ids["question"], "A long day.", now=at
        )
    )
    _ok(
        _post(
            world,
            world.case_bringer,
            Draft(PostType.KEY_QUESTION, text="How do I re-open contact?"),
            during("key-question"),
        )
    )
    at = during("consultation")
    for n in (0, 1, 2):
        ids[f"advice{n}"] = _ok(
            _post(world, world.consultant(n), Draft(PostType.ADVICE, text=f"Advice {n}"), at)
        )
    at = during("closing")
    _ok(
        exercises.rate(
            world.course, world.group, world.case_bringer, ids["advice0"], 5, ["actionable"], now=at
        )
    )
    _ok(_post(world, world.case_bringer, Draft(PostType.ACTION_PLAN, text="Call on Monday."), at))
    for actor in (world.moderator, world.consultant(0), world.consultant(1), world.consultant(2)):
        ids[f"takeaway{actor.user_id}"] = _ok(
            _post(world, actor, Draft(PostType.TAKEAWAY, text="Ask before advising."), at)
        )
    return ids


def test_a_whole_async_round_completes_and_grades_everyone_without_content(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        assert (
            exercises.phase_state(world.course, world.group, during("casting")).phase_id
            == "casting"
        )
        _run_round(world)
        view = exercises.page_view(
            world.course, world.group, world.consultant(0), during("closing")
        )
        assert view.phase is not None and view.phase.id == "closing"
        assert view.may_post == (PostType.TAKEAWAY,)
        assert view.case is not None and view.case.situation == CASE_TEXT["situation"]
        assert {p.kind for p in view.posts} >= {PostType.ADVICE, PostType.RATING, PostType.MARK}
        assert exercises.phase_state(world.course, world.group, AFTER_ROUND).closed

        report = exercises.purge_due(AFTER_ROUND)
        assert report.graded == (world.group,)
        assert report.purged == ()
        with db.transaction() as session:
            scores = outbox_repo.entries(session, world.course.tenant_id)
        assert len(scores) == 5  # one per member
        assert {s.user_sub for s in scores} == {f"learner-{n}" for n in range(5)}
        assert all(s.lineitem_url == LINEITEM for s in scores)
        assert {(s.score_given, s.grading_progress) for s in scores} == {(1.0, "FullyGraded")}
        for score in scores:
            assert "SECRET" not in (score.comment or "")
        assert exercises.purge_due(AFTER_ROUND).graded == ()  # once


def test_refusals_save_nothing(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        question = Draft(PostType.QUESTION, text="Why?")
        before = row_counts(db_app)
        cases = [
            (world.case_bringer, CASE, during("casting"), Reason.WRONG_PHASE),
            (world.consultant(0), CASE, during("spontaneous-account"), Reason.WRONG_ROLE),
            (world.consultant(0), question, during("spontaneous-account"), Reason.WRONG_PHASE),
            (world.outsider, question, during("comprehension-questions"), Reason.NOT_IN_GROUP),
            (
                world.teacher,
                question,
                during("comprehension-questions"),
                Reason.INSTRUCTORS_DO_NOT_POST,
            ),
            (world.consultant(0), question, during("comprehension-questions"), Reason.NO_CASE_YET),
            (world.consultant(0), question, AFTER_ROUND, Reason.CLOSED),
            (
                world.case_bringer,
                Draft(PostType.CASE, case=CASE_TEXT),
                during("spontaneous-account"),
                Reason.CHECKLIST_INCOMPLETE,
            ),
            (
                world.case_bringer,
                Draft(PostType.CASE, case={**CASE_TEXT, "situation": "  "}, checklist=CHECKLIST),
                during("spontaneous-account"),
                Reason.EMPTY,
            ),
        ]
        for actor, draft, at, reason in cases:
            outcome = _post(world, actor, draft, at, token="t-1")
            assert isinstance(outcome, Refused) and outcome.reason is reason, (draft.kind, outcome)
        assert row_counts(db_app) == before

        ids = {"case": _ok(_post(world, world.case_bringer, CASE, during("spontaneous-account")))}
        twice = _post(world, world.case_bringer, CASE, during("spontaneous-account"))
        assert isinstance(twice, Refused) and twice.reason is Reason.ALREADY_DONE
        advice = _ok(
            _post(
                world,
                world.consultant(0),
                Draft(PostType.ADVICE, text="Do X"),
                during("consultation"),
            )
        )
        before = row_counts(db_app)
        silent = exercises.rate(
            world.course, world.group, world.case_bringer, advice, 4, now=during("consultation")
        )
        assert isinstance(silent, Refused) and silent.reason is Reason.SILENT
        too_long = _post(
            world,
            world.consultant(1),
            Draft(PostType.ADVICE, text="x" * 1001),
            during("consultation"),
        )
        assert isinstance(too_long, Refused) and too_long.reason is Reason.TOO_LONG
        bad_target = exercises.rate(
            world.course, world.group, world.case_bringer, ids["case"], 4, now=during("closing")
        )
        assert isinstance(bad_target, Refused) and bad_target.reason is Reason.BAD_TARGET
        assert row_counts(db_app) == before


def test_the_same_client_token_posts_once(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        _ok(_post(world, world.case_bringer, CASE, during("spontaneous-account")))
        at = during("comprehension-questions")
        draft = Draft(PostType.QUESTION, text="Once only?")
        first = _post(world, world.consultant(0), draft, at, token="tok-A")
        again = _post(world, world.consultant(0), draft, at, token="tok-A")
        assert isinstance(first, exercises.PostAccepted) and isinstance(
            again, exercises.PostAccepted
        )
        assert again.post_id == first.post_id and again.repeated and not first.repeated
        other = _post(world, world.consultant(1), draft, at, token="tok-A")  # another author
        assert _ok(other) != first.post_id
    before = row_counts(db_app)["ExerciseContribution"]
    racers = [partial(_post, world, world.consultant(2), draft, at, "tok-race") for _ in range(6)]
    outcomes = race(db_app, racers)
    assert len({_ok(o) for o in outcomes}) == 1
    assert sum(1 for o in outcomes if isinstance(o, exercises.PostAccepted) and not o.repeated) == 1
    assert row_counts(db_app)["ExerciseContribution"] == before + 1


def test_live_round_moves_by_the_moderator_and_closes_with_grades(db_app: Flask) -> None:
    world = build_exercise_world(db_app, mode=Mode.LIVE)
    with db_app.app_context():
        state = exercises.phase_state(world.course, world.group, NOW)
        assert state.phase_index is None and not state.closed
        refused = exercises.start(world.course, world.group, world.consultant(0), now=NOW)
        assert isinstance(refused, Refused) and refused.reason is Reason.NOT_ALLOWED
        assert isinstance(
            exercises.start(world.course, world.group, world.moderator, now=NOW), Allowed
        )
        state = exercises.phase_state(world.course, world.group, NOW)
        assert state.phase_id == PHASES[0] and state.seconds_left == METHOD_MINUTES[0] * 60
        revision = state.revision
        twice = [
            exercises.advance(world.course, world.group, world.moderator, now=NOW, from_index=0)
            for _ in range(2)
        ]
        assert isinstance(twice[0], Allowed)
        assert isinstance(twice[1], Refused) and twice[1].reason is Reason.ALREADY_DONE
        state = exercises.phase_state(world.course, world.group, NOW)
        assert state.phase_index == 1 and state.revision > revision
        _ok(_post(world, world.case_bringer, CASE, NOW))
        for _ in PHASES[1:]:
            assert isinstance(
                exercises.advance(world.course, world.group, world.teacher, now=NOW), Allowed
            )
        assert exercises.phase_state(world.course, world.group, NOW).closed
        with db.transaction() as session:
            scores = outbox_repo.entries(session, world.course.tenant_id)
        assert len(scores) == 5
        # Only the case was posted: nobody is complete, so nothing final reaches the gradebook.
        assert {(s.score_given, s.grading_progress) for s in scores} == {(0.0, "Pending")}


def test_hybrid_moves_on_early_by_hand_and_late_by_deadline(db_app: Flask) -> None:
    world = build_exercise_world(db_app, mode=Mode.HYBRID)
    with db_app.app_context():
        at = during("casting")
        assert exercises.phase_state(world.course, world.group, at).phase_id == "casting"
        moved = exercises.advance(world.course, world.group, world.moderator, now=at, from_index=0)
        assert isinstance(moved, Allowed)
        assert exercises.phase_state(world.course, world.group, at).phase_id == PHASES[1]
        # Nobody pressed "next" again: the deadlines still move everyone on.
        later = during("key-question")
        assert exercises.phase_state(world.course, world.group, later).phase_id == "key-question"
        assert isinstance(
            exercises.advance(world.course, world.group, world.moderator, now=later, from_index=3),
            Allowed,
        )
        assert exercises.phase_state(world.course, world.group, later).phase_index == 4
        asynchronous = new_exercise(db_app, world.course, "link-async", world.instructor)
        group = new_group(db_app, world.course, asynchronous, world.learners[5:10], Mode.ASYNC)
        refused = exercises.advance(world.course, group, Actor(world.learners[6]), now=at)
        assert isinstance(refused, Refused) and refused.reason is Reason.LIVE_ONLY


def test_racing_next_presses_move_one_phase(db_app: Flask) -> None:
    world = build_exercise_world(db_app, mode=Mode.LIVE)
    with db_app.app_context():
        assert isinstance(
            exercises.start(world.course, world.group, world.moderator, now=NOW), Allowed
        )
    presses = [
        partial(exercises.advance, world.course, world.group, actor, now=NOW, from_index=0)
        for actor in (world.moderator, world.teacher) * 3
    ]
    verdicts = race(db_app, presses)
    assert sum(1 for v in verdicts if isinstance(v, Allowed)) == 1
    with db_app.app_context():
        assert exercises.phase_state(world.course, world.group, NOW).phase_index == 1
