"""Choosing the roles of a stable group's round by hand: the dashboard's "Start the round" gives
them by the fair rotation; this form starts the round with the instructor's own choice, filled
in with the rotation's proposal. The service checks the choice (``roles.assign_roles``: every
role filled, one person per role, members of this group only) and starts the round once."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from wtforms.fields.choices import SelectChoice

from lti_app.domain.exercises.roles import OBSERVER_ROLE_IDS, moderator_role, optional_roles
from lti_app.domain.methods import CASE_BRINGER, MethodSpec
from lti_app.domain.signups.problems import Problem
from lti_app.i18n import gettext
from lti_app.lti.current import instructor_required
from lti_app.services.exercises import stable_start
from lti_app.web import form_problems
from lti_app.web.exercises import forms
from lti_app.web.exercises.context import OK, REFUSED, bp, here
from lti_app.web.exercises.learner_views import now
from lti_app.web.exercises.words import problem_text, problems_text
from lti_app.web.people import shown_name

NOBODY = ""


def duties_of(method: MethodSpec) -> list[tuple[str, str]]:
    """The method's optional duties with their names (the timekeeper no method lists)."""
    named = []
    for duty in optional_roles(method):
        role = method.role(duty)
        named.append((duty, role.name if role else gettext("Timekeeper (optional)")))
    return named


def _form(start: stable_start.GroupAtStart) -> forms.StableRolesForm:
    method = start.method
    duties = duties_of(method)
    form = forms.stable_roles_form(duties)
    scope = here().scope
    people = [SelectChoice(str(u), shown_name(scope, u, start.names.get(u))) for u in start.members]
    cb_role = method.role(CASE_BRINGER)
    form.case_bringer.label.text = cb_role.name if cb_role else gettext("Case-bringer")
    form.case_bringer.choices = [SelectChoice(NOBODY, gettext("Choose someone")), *people]
    mod = moderator_role(method)
    if mod is None:
        del form.moderator
    else:
        form.moderator.label.text = method.role(mod).name  # type: ignore[union-attr]
        form.moderator.choices = [SelectChoice(NOBODY, gettext("Choose someone")), *people]
    for duty, _label in duties:
        form[forms.duty_field(duty)].choices = [SelectChoice(NOBODY, gettext("Nobody")), *people]
    if request.method == "GET":
        form.case_bringer.data = str(start.proposal.get(CASE_BRINGER, NOBODY))
        if mod is not None:
            form.moderator.data = str(start.proposal.get(stable_start.MODERATOR, NOBODY))
    return form


def _chosen(
    form: forms.StableRolesForm, method: MethodSpec
) -> tuple[stable_start.ChosenRoles, list[Problem]]:
    """The form's user ids; a value that is no number is a problem on its field."""
    problems: list[Problem] = []

    def person(name: str, problem_field: str) -> int | None:
        raw = (form[name].data or "").strip()
        value = forms.parse_int(raw) if raw else None
        if raw and value is None:
            problems.append(Problem(problem_field, gettext("Choose one of the group's members.")))
        return value

    moderator = person("moderator", "moderator") if "moderator" in form else None
    duties: dict[str, int] = {}
    for duty in optional_roles(method):
        chosen = person(forms.duty_field(duty), duty)
        if chosen is not None:
            duties[duty] = chosen
    return (
        stable_start.ChosenRoles(person("case_bringer", "case_bringer"), moderator, duties),
        problems,
    )


@bp.route("/groups/stable/<int:stable_group_id>/roles", methods=["GET", "POST"])
@instructor_required
def stable_roles(stable_group_id: int) -> ResponseReturnValue:
    """The roles-by-hand form of one of the course's stable groups (another course's or
    tenant's group is not found); sent twice, the round starts once."""
    where = here()
    start = stable_start.group_at_start(where.scope, where.exercise_id, stable_group_id)
    if start.problems:
        flash(problems_text(start.problems), REFUSED)
        return redirect(url_for("exercises.dashboard"), code=303)
    form = _form(start)
    general: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if not form.validate():
            general.append(
                gettext("The form was incomplete or has expired; choose the roles again.")
            )
        else:
            chosen, problems = _chosen(form, start.method)
            if not problems:
                saved = stable_start.start_stable_round(
                    where.scope, where.exercise_id, stable_group_id, now=now(), chosen=chosen
                )
                if saved.group is not None:
                    flash(
                        gettext(
                            "The round of %(name)s is made, with the roles you chose.",
                            name=saved.group.name,
                        ),
                        OK,
                    )
                    return redirect(url_for("exercises.dashboard"), code=303)
                problems = list(saved.problems)
            aliases = {duty: forms.duty_field(duty) for duty in optional_roles(start.method)}
            shown = [Problem(p.field, problem_text(p.message)) for p in problems]
            general = form_problems.attach_problems(form, shown, aliases)
    return (
        render_template(
            "exercises/stable_roles.html",
            form=form,
            start=start,
            duties=[forms.duty_field(d) for d in optional_roles(start.method)],
            observer=forms.duty_field(OBSERVER_ROLE_IDS[0]),
            general_problems=general,
        ),
        status,
    )
