"""Rendering the round page (``pages.build_round_page`` over ``services.exercises.page_view``),
for the GET and for a refused post re-rendered with its form and message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from wtforms.fields.choices import SelectChoice

from lti_app.domain.exercises.roles import moderator_role
from lti_app.domain.exercises.settings import CaseAccess
from lti_app.i18n import gettext
from lti_app.services import exercises
from lti_app.web.exercises import forms, method_words
from lti_app.web.exercises.context import Here
from lti_app.web.exercises.inline_names import duty_names
from lti_app.web.exercises.pages import MODE_LABELS, Given, build_round_page


def render_round(
    where: Here,
    group_id: int,
    now: datetime,
    *,
    given: Given | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    view = exercises.page_view(
        where.scope, group_id, where.actor, now, exercise_id=where.exercise_id
    )
    exercise = exercises.get_exercise(where.scope, where.exercise_id)
    settings = exercise.settings
    view = method_words.in_reader_language(view, settings.method_slug if settings else None)
    view = method_words.with_reader_names(view)
    case_access = settings.case_access if settings is not None else CaseAccess.NEVER
    page = build_round_page(
        view,
        title=exercise.title,
        is_instructor=where.instructor,
        case_access=case_access,
        given=given,
    )
    mine = next((m for m in view.members if m.user_id == where.user_id), None)
    roles_form = None
    if mine is not None and not any(m.role for m in view.members):
        method = exercises.exercise_method(where.scope, where.exercise_id)
        roles_form = forms.RolesForm()
        people = [SelectChoice(str(m.user_id), m.name) for m in view.members]
        roles_form.case_bringer.choices = people
        roles_form.moderator.choices = [SelectChoice("", gettext("Nobody")), *people]
        has_moderator = method is not None and moderator_role(method.spec) is not None
        if not has_moderator:
            del roles_form.moderator
    flags: tuple[object, ...] = ()
    log: tuple[object, ...] = ()
    if page.may_moderate:
        flags = exercises.open_flags(where.scope, group_id, exercise_id=where.exercise_id)
        log = exercises.moderation_log(where.scope, group_id, exercise_id=where.exercise_id)
    names = {m.user_id: m.name for m in view.members}
    follow = exercises.follow_ups(
        where.scope, group_id, where.actor, now, exercise_id=where.exercise_id
    )
    follow = method_words.follow_ups_for_reader(follow)
    follow_forms: dict[int, Any] = {}
    follow_problems: dict[int, tuple[str, ...]] = {}
    for asked in follow.asked:
        if given is not None and given.plan_id == asked.plan_id:
            follow_forms[asked.plan_id] = given.form
            follow_problems[asked.plan_id] = given.problems
        else:
            follow_forms[asked.plan_id] = forms.FollowUpForm(
                prefix=f"follow-{asked.plan_id}", formdata=None
            )
    roles_given = given is not None and given.kind is None and given.plan_id is None
    duties: list[str] = []
    if view.my_duties:
        running = exercises.exercise_method(where.scope, where.exercise_id)
        slug = settings.method_slug if settings else None
        duties = duty_names(view.my_duties, slug, running.spec if running else None)
    return (
        render_template(
            "exercises/round.html",
            page=page,
            mode_labels=MODE_LABELS,
            advance_form=forms.AdvanceForm(),
            withdraw_form=forms.WithdrawForm(),
            consent_form=forms.ConsentForm(),
            roles_form=roles_form,
            open_flags=flags,
            moderation_log=log,
            member_names=names,
            roles_problems=given.problems if given is not None and roles_given else (),
            follow_ups=follow,
            follow_forms=follow_forms,
            follow_problems=follow_problems,
            duty_names=duties,
        ),
        status,
    )
