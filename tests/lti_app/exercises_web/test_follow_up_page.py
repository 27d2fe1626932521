"""The follow-up on the round page: the case-bringer of an earlier round of the same people
(another exercise of the course, three weeks ago) sees their action plan at the top of this
round, is refused an empty answer with the message on the form, answers, and the group reads
the answer there; the instructor (case access "never") does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask

from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.exercises.phases import PostType, schedule_by_days
from lti_app.domain.exercises.settings import ExerciseSettings, GroupSource, Mode
from lti_app.domain.exercises.validation import Draft
from lti_app.services import exercises
from tests.support.exercise_pages import CASE, CHECKLIST, Page, group_of_four
from tests.support.launches import LaunchAs
from tests.support.shipped_methods import METHODS

TEN_STEP = METHODS["ten-step-method"]
PLAN = "Send my proposal **a day ahead**."


def _earlier_round(app: Flask, scope: object, people: list[int], instructor: int) -> None:
    """Three weeks ago, in another exercise: the same four, the first brought a case and wrote
    an action plan."""
    start = datetime.now(UTC) - timedelta(days=21)
    with app.app_context():
        record = exercises.open_exercise(
            scope,  # type: ignore[arg-type]
            exercises.ExerciseLink("earlier-link", "Last time"),
            now=start,
            created_by=instructor,
        )
        settings = ExerciseSettings(
            TEN_STEP.slug, Mode.ASYNC, GroupSource.SELF_FORMED, size_min=4, size_max=4
        )
        saved = exercises.configure_exercise(scope, record.id, settings, TEN_STEP, now=start)  # type: ignore[arg-type]
        assert saved.exercise is not None, saved.problems
        group = exercises.form_group(
            scope,  # type: ignore[arg-type]
            record.id,
            people,
            case_bringer=people[0],
            moderator=people[1],
            schedule=schedule_by_days(TEN_STEP, start, [1] * len(TEN_STEP.phases)),
            now=start,
        ).group
        assert group is not None, "earlier group"
        bringer = Actor(people[0])
        case = {k.removeprefix("case-"): v for k, v in CASE.items()}
        draft = Draft(PostType.CASE, case=case, checklist=frozenset(CHECKLIST))
        at = start + timedelta(hours=12)
        assert isinstance(
            exercises.post(scope, group.id, bringer, draft, None, at), exercises.PostAccepted
        )  # type: ignore[arg-type]
        reflection = next(i for i, p in enumerate(TEN_STEP.phases) if p.id == "new-approach")
        at = start + timedelta(days=reflection, hours=12)
        plan = Draft(PostType.ACTION_PLAN, text=PLAN)
        assert isinstance(
            exercises.post(scope, group.id, bringer, plan, None, at), exercises.PostAccepted
        )  # type: ignore[arg-type]


def test_the_case_bringer_answers_the_follow_up_and_the_group_reads_it(
    app: Flask, launch_as: LaunchAs
) -> None:
    instructor, people, group_id = group_of_four(app, launch_as)
    scope = people[0].launched.launch.scope
    _earlier_round(app, scope, [p.user_id for p in people], instructor.user_id)
    url = f"/groups/{group_id}/"

    page = people[0].page(url)
    section = page.by_id("follow-up")
    assert section is not None
    plan = page.with_attr("data-your-plan")
    assert plan and "a day ahead" in plan[0].text
    assert "<strong>a day ahead</strong>" in page.html  # the plan's Markdown, rendered safely
    (ask,) = page.with_attr("data-follow-up-plan")
    plan_id = ask.attrs["data-follow-up-plan"]
    action = f"/groups/{group_id}/follow-up/{plan_id}"
    assert not people[1].page(url).has_form(action)  # only the case-bringer is asked

    empty = people[0].submit(page, action, {f"follow-{plan_id}-text": "  "})
    assert empty.status_code == 400
    shown = Page(empty.get_data(as_text=True))
    error = shown.by_id(f"follow-{plan_id}-text-error")
    assert error is not None and "empty" in error.text
    assert not people[2].page(url).with_attr("data-follow-up-answer")  # nothing saved

    answer = "I sent it the evening before; <script>window.x=1</script> it was *discussed*."
    done = people[0].follow(
        people[0].submit(people[0].page(url), action, {f"follow-{plan_id}-text": answer})
    )
    assert not done.has_form(action)  # asked once
    seen = people[2].page(url)
    (shown_answer,) = seen.with_attr("data-follow-up-answer")
    assert "it was discussed" in " ".join(shown_answer.text.split())
    assert "<em>discussed</em>" in seen.html
    seen.assert_no_injected_markup()
    assert not instructor.page(url).with_attr("data-follow-up-answer")
