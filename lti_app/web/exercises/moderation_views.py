"""Flags, hiding and restoring, withdrawing the case, consent, and the live "next phase".

Each view calls one ``services.exercises`` function (which asks ``domain.exercises`` on the
locked round) and redirects back to the round with the outcome flashed; a refusal changes
nothing and answers 409 with the round page and its message.
"""

from __future__ import annotations

from flask import abort, flash, jsonify
from flask.typing import ResponseReturnValue

from lti_app.domain.exercises.outcomes import Refused, Verdict
from lti_app.i18n import gettext
from lti_app.lti.current import launch_required
from lti_app.services import exercises
from lti_app.web.exercises import forms
from lti_app.web.exercises.context import OK, REFUSED, bp, here
from lti_app.web.exercises.learner_views import accepted, back_to, incomplete, now, status_of
from lti_app.web.exercises.pages import aware, phase_key
from lti_app.web.exercises.round_page import render_round


def _answer(
    group_id: int, verdict: Verdict, done: str, anchor: str | None = None
) -> ResponseReturnValue:
    if isinstance(verdict, Refused):
        flash(verdict.message, REFUSED)
        return render_round(here(), group_id, now(), status=status_of(verdict))
    flash(done, OK)
    return back_to(group_id, anchor)


@bp.post("/groups/<int:group_id>/posts/<int:post_id>/flag")
@launch_required
def flag(group_id: int, post_id: int) -> ResponseReturnValue:
    where = here()
    accepted(where, group_id)
    form = forms.FlagForm(prefix=f"flag-{post_id}")
    if not form.validate():
        incomplete()
    verdict = exercises.flag(
        where.scope,
        group_id,
        where.actor,
        post_id,
        form.reason.data or "",
        now=now(),
        exercise_id=where.exercise_id,
    )
    return _answer(
        group_id, verdict, gettext("Thank you: the moderator will look at it."), f"post-{post_id}"
    )


def _moderate(group_id: int, post_id: int, hide: bool) -> ResponseReturnValue:
    where = here()
    accepted(where, group_id)
    form = forms.ModerateForm(prefix=f"{'hide' if hide else 'restore'}-{post_id}")
    if not form.validate():
        reason = form.reason.errors[0] if form.reason.errors else None
        if reason is None:
            incomplete()
        flash(str(reason), REFUSED)
        return render_round(where, group_id, now(), status=400)
    act = exercises.hide if hide else exercises.restore
    verdict = act(
        where.scope,
        group_id,
        where.actor,
        post_id,
        form.reason.data or "",
        now=now(),
        exercise_id=where.exercise_id,
    )
    done = (
        gettext("The contribution is hidden (logged).")
        if hide
        else gettext("The contribution is shown again.")
    )
    return _answer(group_id, verdict, done, f"post-{post_id}")


@bp.post("/groups/<int:group_id>/posts/<int:post_id>/hide")
@launch_required
def hide(group_id: int, post_id: int) -> ResponseReturnValue:
    return _moderate(group_id, post_id, hide=True)


@bp.post("/groups/<int:group_id>/posts/<int:post_id>/restore")
@launch_required
def restore(group_id: int, post_id: int) -> ResponseReturnValue:
    return _moderate(group_id, post_id, hide=False)


@bp.post("/groups/<int:group_id>/withdraw")
@launch_required
def withdraw(group_id: int) -> ResponseReturnValue:
    where = here()
    accepted(where, group_id)
    form = forms.WithdrawForm()
    if not form.validate():
        incomplete()
    verdict = exercises.withdraw_case(
        where.scope,
        group_id,
        where.actor,
        now=now(),
        reason=form.reason.data or "",
        exercise_id=where.exercise_id,
    )
    return _answer(group_id, verdict, gettext("Your case is withdrawn: nobody sees it any more."))


@bp.post("/groups/<int:group_id>/consent")
@launch_required
def consent(group_id: int) -> ResponseReturnValue:
    where = here()
    accepted(where, group_id)
    form = forms.ConsentForm()
    if not form.validate() or form.consent.data not in ("0", "1"):
        incomplete()
    given = form.consent.data == "1"
    verdict = exercises.set_consent(
        where.scope, group_id, where.actor, given, now=now(), exercise_id=where.exercise_id
    )
    done = (
        gettext("Instructors may read your case.")
        if given
        else gettext("Instructors no longer read your case.")
    )
    return _answer(group_id, verdict, done)


@bp.post("/groups/<int:group_id>/advance")
@launch_required
def advance(group_id: int) -> ResponseReturnValue:
    """The moderator's (or an instructor's) "next phase"; one press moves one phase."""
    where = here()
    accepted(where, group_id)
    form = forms.AdvanceForm()
    if not form.validate():
        incomplete()
    from_index = forms.parse_int(form.from_index.data)
    at = now()
    if from_index is None:
        verdict = exercises.start(
            where.scope, group_id, where.actor, now=at, exercise_id=where.exercise_id
        )
    else:
        verdict = exercises.advance(
            where.scope,
            group_id,
            where.actor,
            now=at,
            from_index=from_index,
            exercise_id=where.exercise_id,
        )
    return _answer(group_id, verdict, gettext("The group moved on to the next phase."), "phase")


@bp.get("/groups/<int:group_id>/phase.json")
@launch_required
def phase_json(group_id: int) -> ResponseReturnValue:
    """What a live page polls: one indexed read (``services.exercises.phase_state``), nothing
    kept per process, so any app server answers. Members and instructors only."""
    where = here()
    accepted(where, group_id)
    if where.instructor:
        if group_id not in {g.id for g in exercises.groups(where.scope, where.exercise_id)}:
            abort(404)
    elif exercises.my_group(where.scope, where.exercise_id, where.user_id) != group_id:
        abort(404)
    state = exercises.phase_state(where.scope, group_id, now())
    ends_at = aware(state.ends_at)
    response = jsonify(
        key=phase_key(state.phase_index, state.closed, state.withdrawn),
        revision=state.revision,
        phase_index=state.phase_index,
        phase_name=state.phase_name,
        ends_at=ends_at.strftime("%Y-%m-%dT%H:%M:%SZ") if ends_at else None,
        seconds_left=state.seconds_left,
        closed=state.closed,
        withdrawn=state.withdrawn,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
