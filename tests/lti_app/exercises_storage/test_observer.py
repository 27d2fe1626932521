"""The process observer through ``services.exercises`` on SQLite and PostgreSQL: a duty on top
of a consultant's role that keeps its holder out of the consultation. Refused posts say why
and save nothing; the round page offers the observer only what the observer role may post."""

from __future__ import annotations

from flask import Flask

from lti_app.domain.exercises.outcomes import Actor, Reason, Refused
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.validation import Draft
from lti_app.services import exercises
from tests.support.exercise_world import (
    CASE_TEXT,
    CHECKLIST,
    NOW,
    build_exercise_world,
    during,
    row_counts,
    schedule,
)


def test_the_observer_stays_out_of_the_consultation_and_writes_in_the_closing(
    db_app: Flask,
) -> None:
    world = build_exercise_world(db_app)
    people = list(world.learners[5:11])  # a second group of six in the same exercise
    case_bringer, moderator, consultant, observer = people[0], people[1], people[2], people[5]
    with db_app.app_context():
        saved = exercises.form_group(
            world.course,
            world.exercise,
            people,
            case_bringer=case_bringer,
            moderator=moderator,
            duties={"observer": observer},
            name="Group 2",
            schedule=schedule(),
            now=NOW,
        )
        assert saved.group is not None, saved.problems
        group = saved.group.id

        def post(user: int, kind: PostType, phase: str, **fields: object) -> object:
            draft = Draft(kind, **fields)  # type: ignore[arg-type]
            return exercises.post(
                world.course,
                group,
                Actor(user),
                draft,
                None,
                during(phase),
                exercise_id=world.exercise,
            )

        case = Draft(PostType.CASE, case=CASE_TEXT, checklist=CHECKLIST)
        assert isinstance(
            exercises.post(
                world.course,
                group,
                Actor(case_bringer),
                case,
                None,
                during("spontaneous-account"),
                exercise_id=world.exercise,
            ),
            exercises.PostAccepted,
        )
        before = row_counts(db_app)
        for kind, phase in (
            (PostType.QUESTION, "comprehension-questions"),
            (PostType.ADVICE, "consultation"),
        ):
            refused = post(observer, kind, phase, text="Have you tried calling her?")
            assert isinstance(refused, Refused), refused
            assert refused.reason is Reason.WRONG_ROLE
            assert refused.message.startswith("As process observer you stay out")
            assert "what you take away in '6. Closing'" in refused.message
        assert row_counts(db_app) == before  # nothing saved
        question = post(consultant, PostType.QUESTION, "comprehension-questions", text="Why?")
        assert isinstance(question, exercises.PostAccepted)  # the consultants still ask

        view = exercises.page_view(
            world.course,
            group,
            Actor(observer),
            during("consultation"),
            exercise_id=world.exercise,
        )
        assert view.my_role == "consultant" and view.my_duties == ("observer",)
        assert view.posting_role == "observer" and view.may_post == ()
        assert view.observer_posts == (("6. Closing", (PostType.TAKEAWAY,)),)
        closing = exercises.page_view(
            world.course, group, Actor(observer), during("closing"), exercise_id=world.exercise
        )
        assert closing.may_post == (PostType.TAKEAWAY,)
        noted = post(observer, PostType.TAKEAWAY, "closing", text="Turns were kept; time ran over.")
        assert isinstance(noted, exercises.PostAccepted)
