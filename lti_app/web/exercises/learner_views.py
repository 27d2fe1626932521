"""What learners do in an exercise: accept the ground rules, join a group, read and post.

Views parse the form, call one ``services.exercises`` function with the launch's scope and
exercise and ``now``, flash the outcome and redirect (POST/redirect/GET). A refusal of a text
(wrong phase, wrong role, empty, too long, closed) re-renders the round page with the domain's
message on the form and nothing saved: 400 for what was typed, 409 for what the round's state
refuses. A group of another exercise, course or tenant is the service's ``GroupNotFound``: the
one 404 page (``web/errors.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NoReturn

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from lti_app.domain.exercises.outcomes import Reason, Refused, Verdict
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.settings import GroupSource
from lti_app.domain.exercises.validation import Draft, Mark
from lti_app.i18n import gettext
from lti_app.lti.current import launch_required
from lti_app.lti.launch import Launch
from lti_app.services import exercises
from lti_app.web.exercises import forms
from lti_app.web.exercises.context import OK, REFUSED, Here, bp, here, open_launch_exercise
from lti_app.web.exercises.pages import TEXT_KINDS, Given
from lti_app.web.exercises.round_page import render_round
from lti_app.web.exercises.words import problems_text

TYPED = frozenset(
    {
        Reason.EMPTY,
        Reason.TOO_LONG,
        Reason.BAD_VALUE,
        Reason.BAD_TARGET,
        Reason.CHECKLIST_INCOMPLETE,
        Reason.REASON_REQUIRED,
    }
)
POSTING_ENDPOINTS = (
    "exercises.follow_up",
    "exercises.post_case",
    "exercises.post_text",
    "exercises.mark",
    "exercises.answer",
    "exercises.rate",
)


def status_of(refused: Refused) -> int:
    """400 for what was typed, 409 for what the round's state (phase, role, closed) refuses."""
    return 400 if refused.reason in TYPED else 409


def now() -> datetime:
    return datetime.now(UTC)


def open_exercise(launch: Launch) -> ResponseReturnValue:
    """Launch handler of kind ``peer-feedback``: the link's exercise (made on its first launch)."""
    open_launch_exercise(launch)
    return redirect(url_for("exercises.index"), code=303)


def back_to(group_id: int, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("exercises.round", group_id=group_id, _anchor=anchor), code=303)


def incomplete() -> NoReturn:
    """A posted form that failed validation (stale or tampered): one 400 that says what to do."""
    abort(400, description=gettext("The form was incomplete; reload the page and try again."))


def flash_verdict(verdict: Verdict, done: str) -> None:
    if isinstance(verdict, Refused):
        flash(verdict.message, REFUSED)
    else:
        flash(done, OK)


def _configured(where: Here) -> exercises.ExerciseRecord:
    exercise = exercises.get_exercise(where.scope, where.exercise_id)
    if exercise.settings is None:
        abort(
            409,
            description=gettext(
                "Your trainer has not set this exercise up yet. Please come back later."
            ),
        )
    return exercise


GROUND_RULES_VERSION_SETTING = "EXERCISE_GROUND_RULES_VERSION"


def rules_version() -> int:
    """The ground rules' current version: the service's, or a later one the operator set when
    the rules shown changed (everyone is asked again)."""
    configured = current_app.config.get(GROUND_RULES_VERSION_SETTING)
    return int(configured) if configured else exercises.GROUND_RULES_VERSION


def must_accept(where: Here) -> bool:
    return exercises.must_accept_ground_rules(
        where.scope, where.exercise_id, where.user_id, version=rules_version()
    )


def accepted(where: Here, group_id: int | None = None) -> None:
    """Every group page needs the current ground rules accepted (instructors excepted) and,
    for a learner, ``group_id`` to be their own group: another one is the one 404 page."""
    if where.instructor:
        return
    if group_id is not None and (
        exercises.my_group(where.scope, where.exercise_id, where.user_id) != group_id
    ):
        abort(404)
    if must_accept(where):
        abort(
            409,
            description=gettext(
                "Accept the ground rules of this exercise first: open it again from your course."
            ),
        )


@bp.get("/")
@launch_required
def index() -> ResponseReturnValue:
    """Instructors: the dashboard. Learners: the ground rules first, then their group."""
    where = here()
    if where.instructor:
        return redirect(url_for("exercises.dashboard"), code=303)
    _configured(where)
    if must_accept(where):
        return redirect(url_for("exercises.ground_rules"), code=303)
    group_id = exercises.my_group(where.scope, where.exercise_id, where.user_id)
    if group_id is None:
        return redirect(url_for("exercises.groups"), code=303)
    return back_to(group_id)


@bp.route("/ground-rules", methods=["GET", "POST"])
@launch_required
def ground_rules() -> ResponseReturnValue:
    where = here()
    form = forms.GroundRulesForm()
    status = 200
    if request.method == "POST":
        if not form.validate():
            form.accept.errors = [gettext("Tick the box to accept the ground rules.")]
            status = 400
        else:
            verdict = exercises.accept_ground_rules(
                where.scope,
                where.exercise_id,
                where.user_id,
                shown_version=forms.parse_int(form.version.data) or 0,
                now=now(),
                current_version=rules_version(),
            )
            if isinstance(verdict, Refused) and verdict.reason is not Reason.ALREADY_DONE:
                flash(verdict.message, REFUSED)
                return redirect(url_for("exercises.ground_rules"), code=303)
            flash(gettext("Thank you: you accepted the ground rules."), OK)
            return redirect(url_for("exercises.index"), code=303)
    form.version.data = str(rules_version())
    pending = must_accept(where)
    return (
        render_template(
            "exercises/ground_rules.html",
            form=form,
            version=rules_version(),
            pending=pending,
        ),
        status,
    )


@bp.get("/groups")
@launch_required
def groups() -> ResponseReturnValue:
    where = here()
    accepted(where)
    exercise = _configured(where)
    mine = exercises.my_group(where.scope, where.exercise_id, where.user_id)
    if mine is not None and not where.instructor:
        return back_to(mine)
    assert exercise.settings is not None
    return render_template(
        "exercises/groups.html",
        settings=exercise.settings,
        self_formed=exercise.settings.group_source is GroupSource.SELF_FORMED,
        groups=exercises.groups(where.scope, where.exercise_id),
        form=forms.JoinForm(),
    )


@bp.post("/groups/join")
@launch_required
def join() -> ResponseReturnValue:
    where = here()
    accepted(where)
    exercise = _configured(where)
    assert exercise.settings is not None
    form = forms.JoinForm()
    if not form.validate():
        incomplete()
    at = now()
    group_id = forms.parse_int(form.group_id.data)
    if group_id is None:
        # Async and hybrid: the service counts the exercise's phase plan from now.
        saved = exercises.create_self_group(where.scope, where.exercise_id, where.user_id, now=at)
        if saved.group is None:
            flash(problems_text(saved.problems), REFUSED)
            return redirect(url_for("exercises.groups"), code=303)
        flash(gettext("You started a group. Others can join it now."), OK)
        return back_to(saved.group.id)
    verdict = exercises.join_group(where.scope, where.exercise_id, group_id, where.user_id, now=at)
    if isinstance(verdict, Refused):
        flash(verdict.message, REFUSED)
        return redirect(url_for("exercises.groups"), code=303)
    flash(gettext("You are in the group."), OK)
    return back_to(group_id)


@bp.post("/groups/<int:group_id>/roles")
@launch_required
def roles(group_id: int) -> ResponseReturnValue:
    """A self-formed group (or an instructor) gives its members their roles before it begins."""
    where = here()
    accepted(where, group_id)
    view = exercises.page_view(
        where.scope, group_id, where.actor, now(), exercise_id=where.exercise_id
    )
    if not where.instructor and where.user_id not in {m.user_id for m in view.members}:
        abort(404)
    form = forms.RolesForm()
    if not form.validate():
        incomplete()
    case_bringer = forms.parse_int(form.case_bringer.data)
    if case_bringer is None:
        abort(400, description=gettext("Choose who brings the case."))
    saved = exercises.assign_group_roles(
        where.scope,
        where.exercise_id,
        group_id,
        case_bringer=case_bringer,
        moderator=forms.parse_int(form.moderator.data),
        now=now(),
    )
    if saved.group is None:
        return render_round(
            where,
            group_id,
            now(),
            given=Given(None, form, tuple(p.message for p in saved.problems)),
            status=400,
        )
    flash(gettext("The roles are given: the round can begin."), OK)
    return back_to(group_id)


@bp.get("/groups/<int:group_id>/")
@launch_required
def round(group_id: int) -> ResponseReturnValue:  # noqa: A001 (the page's name)
    where = here()
    accepted(where, group_id)
    at = now()
    exercises.note_access(where.scope, where.exercise_id, where.actor, at)
    response = make_response(render_round(where, group_id, at))
    # The phase changes under an open page: never show a stored copy (back button, caches).
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _post(where: Here, group_id: int, draft: Draft, token: str | None) -> exercises.PostOutcome:
    return exercises.post(
        where.scope, group_id, where.actor, draft, token, now(), exercise_id=where.exercise_id
    )


@bp.post("/groups/<int:group_id>/case")
@launch_required
def post_case(group_id: int) -> ResponseReturnValue:
    where = here()
    accepted(where, group_id)
    form = forms.CaseForm(prefix="case")
    if not form.validate():
        incomplete()
    draft = Draft(
        PostType.CASE,
        case={
            "situation": form.situation.data or "",
            "own_role": form.own_role.data or "",
            "key_question": form.key_question.data or "",
        },
        checklist=frozenset(form.checklist.data or ()),
    )
    outcome = _post(where, group_id, draft, form.client_token.data)
    if isinstance(outcome, Refused):
        given = Given(PostType.CASE, form, (outcome.message,))
        return render_round(where, group_id, now(), given=given, status=status_of(outcome))
    if not outcome.repeated:
        flash(gettext("Your case is submitted."), OK)
    return back_to(group_id, "case")


@bp.post("/groups/<int:group_id>/posts/<kind>")
@launch_required
def post_text(group_id: int, kind: str) -> ResponseReturnValue:
    where = here()
    accepted(where, group_id)
    try:
        post_type = PostType(kind)
    except ValueError:
        abort(404)
    if post_type not in TEXT_KINDS:
        abort(404)
    form = forms.TextPostForm(prefix=post_type.value)
    if not form.validate():
        incomplete()
    outcome = _post(
        where, group_id, Draft(post_type, text=form.text.data or ""), form.client_token.data
    )
    if isinstance(outcome, Refused):
        given = Given(post_type, form, (outcome.message,))
        return render_round(where, group_id, now(), given=given, status=status_of(outcome))
    if not outcome.repeated:
        flash(gettext("Posted."), OK)
    return back_to(group_id, f"post-{outcome.post_id}")


def _reaction(group_id: int, post_id: int, draft: Draft, token: str | None) -> ResponseReturnValue:
    where = here()
    accepted(where, group_id)
    outcome = _post(where, group_id, draft, token)
    if isinstance(outcome, Refused):
        flash(outcome.message, REFUSED)
        return render_round(where, group_id, now(), status=status_of(outcome))
    if not outcome.repeated:
        flash(gettext("Saved."), OK)
    return back_to(group_id, f"post-{post_id}")


@bp.post("/groups/<int:group_id>/posts/<int:post_id>/mark")
@launch_required
def mark(group_id: int, post_id: int) -> ResponseReturnValue:
    form = forms.MarkForm(prefix=f"mark-{post_id}")
    if not form.validate():
        incomplete()
    try:
        value = Mark(form.mark.data)
    except ValueError:
        abort(400, description=gettext("Mark the question warm, neutral or cold."))
    draft = Draft(PostType.MARK, target_id=post_id, mark=value)
    return _reaction(group_id, post_id, draft, form.client_token.data)


@bp.post("/groups/<int:group_id>/posts/<int:post_id>/answer")
@launch_required
def answer(group_id: int, post_id: int) -> ResponseReturnValue:
    form = forms.AnswerForm(prefix=f"answer-{post_id}")
    if not form.validate():
        incomplete()
    draft = Draft(PostType.ANSWER, text=form.text.data or "", target_id=post_id)
    return _reaction(group_id, post_id, draft, form.client_token.data)


@bp.post("/groups/<int:group_id>/posts/<int:post_id>/rate")
@launch_required
def rate(group_id: int, post_id: int) -> ResponseReturnValue:
    form = forms.RatingForm(prefix=f"rate-{post_id}")
    if not form.validate():
        incomplete()
    draft = Draft(
        PostType.RATING,
        target_id=post_id,
        score=forms.parse_int(form.score.data),
        tags=frozenset(form.tags.data or ()),
    )
    return _reaction(group_id, post_id, draft, form.client_token.data)


@bp.post("/groups/<int:group_id>/follow-up/<int:plan_id>")
@launch_required
def follow_up(group_id: int, plan_id: int) -> ResponseReturnValue:
    """The case-bringer's answer to what they tried of an earlier action plan (once)."""
    where = here()
    accepted(where, group_id)
    form = forms.FollowUpForm(prefix=f"follow-{plan_id}")
    if not form.validate():
        incomplete()
    verdict = exercises.answer_follow_up(
        where.scope,
        group_id,
        where.actor,
        plan_id,
        form.text.data or "",
        now(),
        exercise_id=where.exercise_id,
    )
    if isinstance(verdict, Refused):
        form.text.errors = [verdict.message]  # on the field, linked by aria-describedby
        given = Given(None, form, (), plan_id=plan_id)
        return render_round(where, group_id, now(), given=given, status=status_of(verdict))
    flash(gettext("Thank you: your group reads your follow-up at the start of this round."), OK)
    return back_to(group_id, "follow-up")
