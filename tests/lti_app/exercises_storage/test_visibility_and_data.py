"""What people see, what stays inside its course, what a purge blanks, what the dashboard
shows: services.exercises on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti_app.domain.exercises.outcomes import Actor, Allowed, Refused
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.settings import Anonymity, CaseAccess, Mode
from lti_app.domain.exercises.validation import CaseStatus, Draft
from lti_app.services import exercises
from lti_app.storage import db
from lti_app.storage.exercise_models import ExerciseCase, ExerciseContribution, ExerciseRating
from tests.support.exercise_world import (
    AFTER_ROUND,
    CASE_TEXT,
    CHECKLIST,
    ExerciseWorld,
    build_exercise_world,
    during,
    new_exercise,
    new_group,
)

CASE = Draft(PostType.CASE, case=CASE_TEXT, checklist=CHECKLIST)


def _ok(outcome: object) -> int:
    assert isinstance(outcome, exercises.PostAccepted), outcome
    return outcome.post_id


def _post(world: ExerciseWorld, actor: Actor, draft: Draft, at: datetime) -> int:
    return _ok(exercises.post(world.course, world.group, actor, draft, None, at))


def _with_posts(world: ExerciseWorld) -> dict[str, int]:
    ids = {"case": _post(world, world.case_bringer, CASE, during("spontaneous-account"))}
    ids["question"] = _post(
        world,
        world.consultant(0),
        Draft(PostType.QUESTION, text="SECRET-QUESTION what then?"),
        during("comprehension-questions"),
    )
    ids["advice"] = _post(
        world,
        world.consultant(1),
        Draft(PostType.ADVICE, text="SECRET-ADVICE call them"),
        during("consultation"),
    )
    ids["rating"] = _ok(
        exercises.rate(
            world.course, world.group, world.case_bringer, ids["advice"], 4, now=during("closing")
        )
    )
    ids["takeaway"] = _post(
        world,
        world.consultant(2),
        Draft(PostType.TAKEAWAY, text="I listen first"),
        during("closing"),
    )
    return ids


def _kinds(world: ExerciseWorld, viewer: Actor, at: datetime) -> set[PostType]:
    view = exercises.page_view(world.course, world.group, viewer, at)
    return {p.kind for p in view.posts}


def test_advice_is_hidden_before_its_phase(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        ids = _with_posts(world)
        early = during("key-question")
        assert PostType.ADVICE not in _kinds(world, world.consultant(0), early)
        assert PostType.ADVICE in _kinds(world, world.consultant(1), early)  # its author
        assert PostType.ADVICE in _kinds(world, world.consultant(0), during("consultation"))
        view = exercises.page_view(
            world.course, world.group, world.consultant(0), during("closing")
        )
        advice = next(p for p in view.posts if p.id == ids["advice"])
        assert advice.body == "SECRET-ADVICE call them" and advice.author_name == "Learner 3"


def test_a_hidden_post_shows_to_the_moderator_only_and_is_logged(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        ids = _with_posts(world)
        at = during("closing")
        assert isinstance(
            exercises.flag(world.course, world.group, world.consultant(2), ids["question"], now=at),
            Allowed,
        )
        flagged = exercises.open_flags(world.course, world.group)
        assert [f.post_id for f in flagged] == [ids["question"]]
        again = exercises.flag(
            world.course, world.group, world.consultant(2), ids["question"], now=at
        )
        assert isinstance(again, Refused)
        no_reason = exercises.hide(
            world.course, world.group, world.moderator, ids["question"], "", now=at
        )
        assert isinstance(no_reason, Refused)
        by_member = exercises.hide(
            world.course, world.group, world.consultant(1), ids["question"], "x", now=at
        )
        assert isinstance(by_member, Refused)
        assert isinstance(
            exercises.hide(
                world.course, world.group, world.moderator, ids["question"], "names", now=at
            ),
            Allowed,
        )
        assert ids["question"] not in {
            p.id
            for p in exercises.page_view(world.course, world.group, world.consultant(1), at).posts
        }
        log = exercises.moderation_log(world.course, world.group)
        assert [(a.kind.value, a.by_user, a.reason) for a in log] == [
            ("hide", world.moderator.user_id, "names")
        ]
        assert exercises.open_flags(world.course, world.group) == ()
        mod_view = exercises.page_view(world.course, world.group, world.moderator, at)
        hidden = next(p for p in mod_view.posts if p.id == ids["question"])
        assert hidden.marked_hidden and hidden.body is not None
        assert mod_view.open_flags == 0  # resolved by the hide
        teacher = exercises.page_view(world.course, world.group, world.teacher, at)
        assert all(p.body is None for p in teacher.posts) and teacher.case is None  # NEVER
        assert isinstance(
            exercises.restore(
                world.course, world.group, world.teacher, ids["question"], "ok", now=at
            ),
            Allowed,
        )
        assert ids["question"] in {
            p.id
            for p in exercises.page_view(world.course, world.group, world.consultant(1), at).posts
        }


def test_consent_lets_instructors_read_and_taking_it_back_hides_again(db_app: Flask) -> None:
    world = build_exercise_world(db_app, case_access=CaseAccess.WITH_CONSENT)
    with db_app.app_context():
        _with_posts(world)
        at = during("closing")
        assert exercises.page_view(world.course, world.group, world.teacher, at).case is None
        refused = exercises.set_consent(world.course, world.group, world.moderator, True, now=at)
        assert isinstance(refused, Refused)
        assert isinstance(
            exercises.set_consent(world.course, world.group, world.case_bringer, True, now=at),
            Allowed,
        )
        view = exercises.page_view(world.course, world.group, world.teacher, at)
        assert view.case is not None and view.case.key_question == CASE_TEXT["key_question"]
        exercises.set_consent(world.course, world.group, world.case_bringer, False, now=at)
        assert exercises.page_view(world.course, world.group, world.teacher, at).case is None


def test_a_withdrawn_case_leaves_a_tombstone_and_is_purged_at_once(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        _with_posts(world)
        at = during("closing")
        refused = exercises.withdraw_case(world.course, world.group, world.consultant(0), now=at)
        assert isinstance(refused, Refused)
        assert isinstance(
            exercises.withdraw_case(world.course, world.group, world.case_bringer, now=at), Allowed
        )
        view = exercises.page_view(world.course, world.group, world.consultant(0), at)
        assert view.case_withdrawn and view.case is None and view.may_post == ()
        assert [(p.kind, p.tombstone, p.body) for p in view.posts] == [(PostType.CASE, True, None)]
        report = exercises.purge_due(at)
        assert report.purged == (world.group,)
        with db.transaction() as session:
            case = session.scalars(select(ExerciseCase)).one()
            bodies = session.scalars(select(ExerciseContribution.body)).all()
        assert (case.situation, case.own_role, case.key_question) == ("", "", "")
        assert set(bodies) == {""}  # reflections too, after a withdrawal
        assert exercises.purge_due(at).purged == ()  # idempotent
        board = exercises.dashboard(world.course, world.exercise, at)
        assert board.groups[0].completion[0].status.value == "excused"


def test_retention_purges_case_text_and_bodies_but_keeps_reflections_and_ratings(
    db_app: Flask,
) -> None:
    world = build_exercise_world(db_app, retention_days=10)
    with db_app.app_context():
        ids = _with_posts(world)
        assert exercises.purge_due(AFTER_ROUND).purged == ()
        assert exercises.purge_due(AFTER_ROUND + timedelta(days=9)).purged == ()
        later = AFTER_ROUND + timedelta(days=10)
        assert exercises.purge_due(later).purged == (world.group,)
        with db.transaction() as session:
            case = session.scalars(select(ExerciseCase)).one()
            body = dict(
                session.execute(select(ExerciseContribution.id, ExerciseContribution.body))
                .tuples()
                .all()
            )
            ratings = session.scalars(select(ExerciseRating.score)).all()
        assert (case.situation, case.key_question) == ("", "")
        assert body[ids["question"]] == "" and body[ids["advice"]] == ""
        assert body[ids["takeaway"]] == "I listen first"
        assert ratings == [4]
        view = exercises.page_view(world.course, world.group, world.consultant(0), later)
        assert view.case is None
        assert {p.kind for p in view.posts} >= {
            PostType.QUESTION,
            PostType.ADVICE,
            PostType.TAKEAWAY,
        }
        board = exercises.dashboard(world.course, world.exercise, later)
        assert board.groups[0].process.helpfulness_received == {world.consultant(1).user_id: 4.0}


def test_other_groups_courses_and_tenants_are_not_found(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        _with_posts(world)
        at = during("closing")
        second = new_exercise(db_app, world.course, "link-2", world.instructor)
        other_group = new_group(db_app, world.course, second, world.learners[5:10], mode=Mode.ASYNC)
        stranger = Actor(world.learners[5])  # in the other exercise's group
        view = exercises.page_view(world.course, world.group, stranger, at)
        assert view.posts == () and view.case is None and not view.member
        refused = exercises.post(
            world.course, world.group, stranger, Draft(PostType.TAKEAWAY, text="x"), None, at
        )
        assert isinstance(refused, Refused)
        with pytest.raises(exercises.GroupNotFound):
            exercises.page_view(
                world.course, world.group, world.case_bringer, at, exercise_id=second
            )
        with pytest.raises(exercises.GroupNotFound):
            exercises.post(
                world.course,
                other_group,
                world.consultant(0),
                Draft(PostType.TAKEAWAY, text="x"),
                None,
                at,
                exercise_id=world.exercise,
            )
        for scope in (world.sibling, world.other_tenant):
            with pytest.raises(exercises.GroupNotFound):
                exercises.page_view(scope, world.group, world.case_bringer, at)
            with pytest.raises(exercises.GroupNotFound):
                exercises.phase_state(scope, world.group, at)
            with pytest.raises(exercises.GroupNotFound):
                exercises.moderation_log(scope, world.group)
            with pytest.raises(exercises.GroupNotFound):
                exercises.post(scope, world.group, world.case_bringer, CASE, None, at)
            with pytest.raises(exercises.ExerciseNotFound):
                exercises.dashboard(scope, world.exercise, at)
            with pytest.raises(exercises.ExerciseNotFound):
                exercises.get_exercise(scope, world.exercise)


def test_the_database_refuses_a_contribution_in_another_course_than_its_group(
    db_app: Flask,
) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        with pytest.raises(IntegrityError), db.transaction() as session:
            session.add(
                ExerciseContribution(
                    tenant_id=world.sibling.tenant_id,
                    course_id=world.sibling.course_id,
                    group_id=world.group,
                    author_id=world.learners[0],
                    kind="question",
                    phase_index=0,
                    phase_id="casting",
                    body="x",
                )
            )


def test_the_dashboard_and_its_csv_carry_no_content(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        _with_posts(world)
        at = during("closing")
        board = exercises.dashboard(world.course, world.exercise, at)
        group = board.groups[0]
        assert group.process.questions_before_advice == 1
        assert group.process.posts_per_member[world.consultant(0).user_id] == 1
        assert group.process.reflections_by == frozenset({world.consultant(2).user_id})
        rows = exercises.dashboard_csv_rows(world.course, world.exercise, at)
        assert rows[0] == list(exercises.CSV_HEADER) and len(rows) == 1 + 5
        text = repr(board) + repr(rows)
        for secret in ("SECRET", "I listen first", *CASE_TEXT.values()):
            assert secret not in text


def test_ground_rules_are_accepted_once_per_version(db_app: Flask) -> None:
    world = build_exercise_world(db_app)
    with db_app.app_context():
        user = world.learners[0]
        assert exercises.must_accept_ground_rules(world.course, world.exercise, user)
        stale = exercises.accept_ground_rules(
            world.course, world.exercise, user, shown_version=0, now=during("casting")
        )
        assert isinstance(stale, Refused)
        ok = exercises.accept_ground_rules(
            world.course, world.exercise, user, shown_version=1, now=during("casting")
        )
        assert isinstance(ok, Allowed)
        assert not exercises.must_accept_ground_rules(world.course, world.exercise, user)
        assert exercises.must_accept_ground_rules(world.course, world.exercise, user, version=2)
        with pytest.raises(exercises.ExerciseNotFound):
            exercises.accept_ground_rules(
                world.sibling, world.exercise, user, shown_version=1, now=during("casting")
            )


def test_pseudonyms_are_stable_and_instructors_see_real_names(db_app: Flask) -> None:
    world = build_exercise_world(db_app, anonymity=Anonymity.PSEUDONYMOUS)
    with db_app.app_context():
        ids = _with_posts(world)
        at = during("closing")
        first = exercises.page_view(world.course, world.group, world.consultant(0), at)
        names = {p.id: p.author_name for p in first.posts}
        assert names[ids["question"]] == "You"
        assert not any(name.startswith("Learner") for name in names.values())
        again = exercises.page_view(world.course, world.group, world.consultant(0), at)
        assert {p.id: p.author_name for p in again.posts} == names
        teacher = exercises.page_view(world.course, world.group, world.teacher, at)
        assert {p.author_name for p in teacher.posts} >= {"Learner 0", "Learner 2"}
        assert first.case_status is CaseStatus.SUBMITTED
