"""What instructors do with an exercise: its settings, the course's copy of the method, the
groups, and the dashboard of the process with its CSV export (counts, never content)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import UTC

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from wtforms.fields.choices import SelectChoice

from lti_app.catalogue import get_catalogue
from lti_app.catalogue.method_texts import method_in_language
from lti_app.domain.exercises.adaptation import (
    MINUTES_MAX,
    MINUTES_MIN,
    PROMPTS_MAX,
    PhaseChange,
    may_skip,
)
from lti_app.domain.exercises.completion import Status
from lti_app.domain.exercises.process import Risk
from lti_app.domain.exercises.settings import (
    Anonymity,
    CaseAccess,
    ExerciseSettings,
    GroupSource,
    Mode,
)
from lti_app.domain.methods import MethodSpec
from lti_app.i18n import gettext, lazy_gettext, locale_now
from lti_app.lti.current import instructor_required
from lti_app.services import exercises
from lti_app.services.exercises import stable_rounds, stable_start
from lti_app.services.exercises.dashboard import csv_rows
from lti_app.web.exercises import forms
from lti_app.web.exercises.context import OK, REFUSED, bp, here
from lti_app.web.exercises.learner_views import now
from lti_app.web.exercises.words import problem_text, problems_text
from lti_app.web.signups.instructor_views import csv_cell

RISK_LABELS = {
    Risk.NO_CASE: lazy_gettext("no case yet"),
    Risk.SILENT_PHASE: lazy_gettext("a phase ended without posts"),
    Risk.OPEN_FLAGS: lazy_gettext("open flags"),
    Risk.WITHDRAWN: lazy_gettext("case withdrawn"),
}
MODE_WORDS = {
    Mode.ASYNC: lazy_gettext("async"),
    Mode.LIVE: lazy_gettext("live"),
    Mode.HYBRID: lazy_gettext("hybrid"),
}
SOURCE_WORDS = {
    GroupSource.SELF_FORMED: lazy_gettext("self formed"),
    GroupSource.SESSION: lazy_gettext("session"),
    GroupSource.STABLE_GROUP: lazy_gettext("stable group"),
}
"""The settings on the dashboard's summary line, inside a sentence."""
COMPLETION_WORDS = {
    Status.COMPLETE.value: lazy_gettext("complete"),
    Status.INCOMPLETE.value: lazy_gettext("incomplete"),
    Status.EXCUSED.value: lazy_gettext("excused"),
}
CSV_HEADERS = {
    "group": lazy_gettext("group"),
    "member": lazy_gettext("member"),
    "role": lazy_gettext("role"),
    "posts": lazy_gettext("posts"),
    "reflection_handed_in": lazy_gettext("reflection_handed_in"),
    "helpfulness_received": lazy_gettext("helpfulness_received"),
    "completion": lazy_gettext("completion"),
    "group_questions_before_advice": lazy_gettext("group_questions_before_advice"),
    "group_at_risk": lazy_gettext("group_at_risk"),
}
"""The CSV's column names in the reader's language (the service's ``CSV_HEADER``)."""


NO_STABLE_GROUP = lazy_gettext("No stable group")


def group_names(groups: Sequence[stable_start.GroupChoice]) -> dict[int, str]:
    """Each stable group's name as its sign-up sheet shows it, after the sheet's title when the
    course has several sheets with groups; a name that still repeats (two sheets of the same
    title) gets the group's number."""
    several = len({g.sheet_id for g in groups}) > 1
    names = {
        g.id: f"{g.sheet_title or 'Session sign-up'}: {g.name}" if several else g.name
        for g in groups
    }
    repeated = [name for name in names.values() if list(names.values()).count(name) > 1]
    return {gid: f"{name}, no. {gid}" if name in repeated else name for gid, name in names.items()}


def group_options(groups: Sequence[stable_start.GroupChoice]) -> list[SelectChoice]:
    """The settings' choices: each group's name (:func:`group_names`) and head count."""
    names = group_names(groups)
    return [
        SelectChoice(
            str(g.id), f"{names[g.id]} ({g.members} {'person' if g.members == 1 else 'people'})"
        )
        for g in groups
    ]


def methods() -> tuple[MethodSpec, ...]:
    return get_catalogue().methods


def _settings_from(form: forms.SettingsForm) -> ExerciseSettings:
    source = GroupSource(form.group_source.data)
    announced = form.announced_at.data
    stable = forms.parse_int(form.group_id.data)
    return ExerciseSettings(
        method_slug=form.method_slug.data or "",
        mode=Mode(form.mode.data),
        group_source=source,
        anonymity=Anonymity(form.anonymity.data),
        case_access=CaseAccess(form.case_access.data),
        announced_at=announced.replace(tzinfo=UTC) if announced else None,
        retention_days=form.retention_days.data if form.retention_days.data is not None else 0,
        session_id=form.session_id.data if source is GroupSource.SESSION else None,
        group_id=stable if source is GroupSource.STABLE_GROUP else None,
        size_min=form.size_min.data if source is GroupSource.SELF_FORMED else None,
        size_max=form.size_max.data if source is GroupSource.SELF_FORMED else None,
    )


def _fill(form: forms.SettingsForm, settings: ExerciseSettings) -> None:
    form.method_slug.data = settings.method_slug
    form.mode.data = settings.mode.value
    form.group_source.data = settings.group_source.value
    form.anonymity.data = settings.anonymity.value
    form.case_access.data = settings.case_access.value
    form.announced_at.data = (
        settings.announced_at.replace(tzinfo=None) if settings.announced_at else None
    )
    form.retention_days.data = settings.retention_days
    form.session_id.data = settings.session_id
    form.group_id.data = str(settings.group_id) if settings.group_id is not None else ""
    form.size_min.data = settings.size_min
    form.size_max.data = settings.size_max


@bp.route("/settings", methods=["GET", "POST"])
@instructor_required
def settings() -> ResponseReturnValue:
    where = here()
    exercise = exercises.get_exercise(where.scope, where.exercise_id)
    catalogue = methods()
    form = forms.SettingsForm()
    form.method_slug.choices = [SelectChoice(m.slug, m.name) for m in catalogue]
    groups = stable_start.group_choices(where.scope)
    form.group_id.choices = [SelectChoice("", NO_STABLE_GROUP), *group_options(groups)]
    general: list[str] = []
    status = 200
    if request.method == "POST":
        if form.validate():
            chosen = _settings_from(form)
            method = next((m for m in catalogue if m.slug == chosen.method_slug), None)
            saved = exercises.configure_exercise(
                where.scope, where.exercise_id, chosen, method, now=now(), by_user=where.user_id
            )
            if saved.exercise is not None:
                if chosen.mode is not Mode.LIVE and saved.exercise.phase_plan is None:
                    flash(gettext("The settings are saved. Now set when each phase is due."), OK)
                    return redirect(url_for("exercises.schedule"), code=303)
                flash(gettext("The exercise's settings are saved."), OK)
                return redirect(url_for("exercises.dashboard"), code=303)
            general = forms.attach_problems(form, saved.problems)
        status = 400
    elif exercise.settings is not None:
        _fill(form, exercise.settings)
    return (
        render_template(
            "exercises/settings.html",
            form=form,
            general_problems=general,
            exercise=exercise,
            locked=exercise.first_learner_access_at is not None,
            has_stable_groups=bool(groups),
        ),
        status,
    )


@bp.route("/methods/<slug>", methods=["GET", "POST"])
@instructor_required
def adapt(slug: str) -> ResponseReturnValue:
    """The course's copy of a method: minutes, prompts and skipped phases (a new version)."""
    where = here()
    method = next((m for m in methods() if m.slug == slug), None)
    if method is None:
        return render_template("exercises/adapt.html", method=None), 404
    current = exercises.current_method(where.scope, method, now=now(), by_user=where.user_id)
    form = forms.Form()
    problems: dict[str, list[str]] = {}
    general: list[str] = []
    status = 200
    values = current.adapted
    if request.method == "POST":
        status = 400
        if form.validate():
            changes = _changes_from(method)
            saved = exercises.adapt_method(
                where.scope, method, changes, by_user=where.user_id, now=now()
            )
            if saved.version is not None:
                flash(
                    gettext(
                        "Version %(version)s of %(method)s is saved.",
                        version=saved.version.version,
                        method=method.name,
                    ),
                    OK,
                )
                return redirect(url_for("exercises.adapt", slug=slug), code=303)
            for problem in saved.problems:
                if problem.field.startswith("phases."):
                    problems.setdefault(problem.field, []).append(problem_text(problem.message))
                else:
                    general.append(problem_text(problem.message))
        else:
            general.append(gettext("The form was incomplete; reload the page and try again."))
    return (
        render_template(
            "exercises/adapt.html",
            method=method,
            current=current,
            adapted=values,
            form=form,
            problems=problems,
            general_problems=general,
            posted=request.form if request.method == "POST" else None,
            skippable={p.id for p in method.phases if may_skip(method, p.id)},
            minutes_range=(MINUTES_MIN, MINUTES_MAX),
            prompts_max=PROMPTS_MAX,
        ),
        status,
    )


def _changes_from(method: MethodSpec) -> dict[str, PhaseChange]:
    changes: dict[str, PhaseChange] = {}
    for phase in method.phases:
        prefix = f"phase-{phase.id}"
        minutes = forms.parse_int(request.form.get(f"{prefix}-minutes"))
        lines = [line.strip() for line in request.form.get(f"{prefix}-prompts", "").splitlines()]
        prompts = tuple(line for line in lines if line)
        skip = request.form.get(f"{prefix}-skip") == "1"
        change = PhaseChange(
            minutes=None if minutes == phase.minutes else minutes,
            prompts=None if prompts == phase.prompts else prompts,
            skip=skip,
        )
        if change != PhaseChange():
            changes[phase.id] = change
    return changes


def chosen_round() -> int | None:
    """``?round=<group id>`` of the dashboard and its CSV (a stable group's round); a value
    that is no id is refused like an unknown round (404 with what to do), never a 500."""
    raw = request.args.get("round", "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]{1,12}", raw):
        raise stable_rounds.UnknownRound(f"round={raw[:40]!r}")
    return int(raw)


def _role_names(exercise: exercises.ExerciseRecord) -> dict[str, str]:
    """The method's role names by id in the reader's language (the catalogue's words)."""
    slug = exercise.settings.method_slug if exercise.settings else None
    words = method_in_language(slug, locale_now()) if slug else None
    return {role_id: text.name for role_id, text in words.roles.items()} if words else {}


@bp.get("/dashboard")
@instructor_required
def dashboard() -> ResponseReturnValue:
    where = here()
    exercise = exercises.get_exercise(where.scope, where.exercise_id)
    rounds, board = stable_rounds.stable_rounds(
        where.scope, where.exercise_id, chosen_round(), now()
    )
    stable = _stable_groups(exercise)
    return render_template(
        "exercises/dashboard.html",
        exercise=exercise,
        board=board,
        rounds=rounds,
        role_names=_role_names(exercise),
        risk_labels=RISK_LABELS,
        mode_words=MODE_WORDS,
        source_words=SOURCE_WORDS,
        completion_words=COMPLETION_WORDS,
        form=forms.Form(),
        catalogue=methods(),
        stable=stable,
        stable_names=group_names(stable_start.group_choices(where.scope)) if stable else {},
    )


def _stable_groups(exercise: exercises.ExerciseRecord) -> stable_start.CourseGroups | None:
    """The course's stable groups, for an exercise whose groups come from one."""
    if exercise.settings is None or exercise.settings.group_source is not GroupSource.STABLE_GROUP:
        return None
    return stable_start.course_groups(here().scope, exercise.id)


@bp.post("/groups/from-stable-group")
@instructor_required
def group_from_stable_group() -> ResponseReturnValue:
    """Start the round of a stable group of this course (roles by the fair rotation); the
    same form sent twice makes one round, the second says it is made."""
    where = here()
    exercise = exercises.get_exercise(where.scope, where.exercise_id)
    form = forms.StableRoundForm()
    if not form.validate() or exercise.settings is None:
        flash(gettext("The form was incomplete or has expired; choose the group again."), REFUSED)
        return redirect(url_for("exercises.dashboard"), code=303)
    saved = stable_start.start_stable_round(
        where.scope, where.exercise_id, form.stable_group.data, now=now()
    )
    if saved.group is None:
        flash(problems_text(saved.problems), REFUSED)
    else:
        flash(gettext("The round of %(name)s is made, with its roles.", name=saved.group.name), OK)
    return redirect(url_for("exercises.dashboard"), code=303)


@bp.post("/groups/every-stable-group")
@instructor_required
def groups_from_stable_groups() -> ResponseReturnValue:
    """Start the round of every stable group without one in this exercise, each on its own
    (a too-small group says why and stops no other); sent twice, nothing is made twice."""
    where = here()
    exercise = exercises.get_exercise(where.scope, where.exercise_id)
    form = forms.Form()
    if not form.validate() or exercise.settings is None:
        flash(gettext("The form was incomplete or has expired; start the rounds again."), REFUSED)
        return redirect(url_for("exercises.dashboard"), code=303)
    outcomes = stable_start.start_every_round(where.scope, where.exercise_id, now=now())
    if not outcomes:
        flash(gettext("Every stable group has its round in this exercise already; see below."), OK)
    for outcome in outcomes:
        if outcome.saved.group is None:
            flash(problems_text(outcome.saved.problems), REFUSED)
        else:
            flash(gettext("The round of %(name)s is made, with its roles.", name=outcome.name), OK)
    return redirect(url_for("exercises.dashboard"), code=303)


@bp.post("/groups/from-session")
@instructor_required
def group_from_session() -> ResponseReturnValue:
    where = here()
    exercise = exercises.get_exercise(where.scope, where.exercise_id)
    form = forms.Form()
    if not form.validate() or exercise.settings is None:
        flash(gettext("Set the exercise up first, then make its group."), REFUSED)
        return redirect(url_for("exercises.dashboard"), code=303)
    saved = exercises.group_from_session(
        where.scope, where.exercise_id, accept_size=True, now=now()
    )
    if saved.group is None:
        flash(problems_text(saved.problems), REFUSED)
    else:
        flash(gettext("The session's group is made, with its roles."), OK)
    return redirect(url_for("exercises.dashboard"), code=303)


@bp.get("/dashboard.csv")
@instructor_required
def dashboard_csv() -> ResponseReturnValue:
    """Counts, roles and names per member; never a word of anyone's contributions. With
    ``?round=`` (a stable group's round) only that round, as the dashboard shows it."""
    where = here()
    rounds, board = stable_rounds.stable_rounds(
        where.scope, where.exercise_id, chosen_round(), now()
    )
    rows = csv_rows(board)
    rows[0] = [str(CSV_HEADERS.get(name, name)) for name in rows[0]]
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    response = Response(out.getvalue(), mimetype="text/csv")
    part = f"-round-{rounds.chosen.number}" if rounds and rounds.chosen else ""
    response.headers["Content-Disposition"] = (
        f'attachment; filename="exercise-{where.exercise_id}{part}-process.csv"'
    )
    return response
