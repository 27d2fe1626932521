"""Stable intervision groups on a sheet: formed from the course roster (NRPS) within a size
range, balanced, moved by hand, and given their own sessions.

Instructor pages only. The roster is fetched when the instructor forms groups (never on a page
view): a platform that gave the launch no roster endpoint, or a roster call that fails, is a
message on the page, not an error page. People are named as everywhere on the sheet
(``context.display_names``: the shared name, else the stable pseudonym).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from lti_app.domain.signups.problems import Problem
from lti_app.i18n import gettext
from lti_app.lti.current import instructor_required
from lti_app.services import signup_groups, signups
from lti_app.services.signup_groups import GroupsOverview, RosterSource
from lti_app.web.signups import admin_forms, forms
from lti_app.web.signups.context import (
    Here,
    bp,
    current_viewer_zone,
    display_names,
    here,
    time_element,
    zone_label,
)
from lti_app.web.signups.outcomes import OK


def _source(where: Here) -> RosterSource:
    launch = where.launch
    url = launch.nrps.context_memberships_url if launch.nrps is not None else None
    return RosterSource(launch.tenant.issuer, launch.tenant.client_id, url)


def _render(
    where: Here,
    *,
    form_groups: admin_forms.FormGroupsForm | None = None,
    move: admin_forms.MoveMemberForm | None = None,
    assign: admin_forms.AssignGroupForm | None = None,
    problems: dict[str, list[str]] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    now = datetime.now(UTC)
    overview: GroupsOverview = signup_groups.groups_overview(where.scope, sheet_id=where.sheet.id)
    names = display_names(where, [uid for g in overview.groups for uid in g.members])
    viewer = current_viewer_zone(where.sheet)
    remembered = overview.size_range
    sizes = [len(g.members) for g in overview.groups if g.members]
    default_range = remembered or ((min(sizes), max(sizes)) if sizes else (4, 6))

    if form_groups is None:
        form_groups = admin_forms.FormGroupsForm(formdata=None)
        if remembered:
            form_groups.size_min.data, form_groups.size_max.data = remembered

    move = move or admin_forms.MoveMemberForm(formdata=None, prefix=admin_forms.MOVE_PREFIX)
    group_of = {uid: g for g in overview.groups for uid in g.members}
    move.user_id.choices = forms.choices(
        (uid, f"{names[uid]} ({group_of[uid].name})") for uid in names if uid in group_of
    )
    move.to_group.choices = forms.choices((g.id, g.name) for g in overview.groups)
    if move.size_min.data is None:
        move.size_min.data, move.size_max.data = default_range

    def session_label(record: signups.SessionRecord) -> str:
        start = time_element(record.plan.starts_at, viewer.name).striptags()
        return f"{record.plan.title} ({start})"

    upcoming = [
        s.session
        for s in overview.sessions
        if not s.session.cancelled and s.session.plan.starts_at > now
    ]
    assign = assign or admin_forms.AssignGroupForm(formdata=None, prefix=admin_forms.ASSIGN_PREFIX)
    assign.session_id.choices = forms.choices((r.id, session_label(r)) for r in upcoming)
    assign.group_id.choices = forms.choices(
        [(admin_forms.OPEN_TO_ALL, gettext("Open to everyone on the sheet"))]
        + [(g.id, g.name) for g in overview.groups]
    )
    group_names = {g.id: g.name for g in overview.groups}
    return (
        render_template(
            "signups/groups.html",
            here=where,
            sheet=where.sheet,
            viewer=viewer,
            zone_label=zone_label(viewer, now),
            groups=overview.groups,
            names=names,
            sessions=[s.session for s in overview.sessions],
            group_names=group_names,
            when=lambda instant: time_element(instant, viewer.name),
            form_groups_form=form_groups,
            move_form=move,
            assign_form=assign,
            problems=problems or {},
        ),
        status,
    )


def _sorted(problems: tuple[Problem, ...], form: forms.Form) -> dict[str, list[str]]:
    """Problems on the form's fields; the rest (the roster) under "roster", for the top."""
    general = forms.attach_problems(form, problems)
    return {"roster": general} if general else {}


@bp.get("/groups")
@instructor_required
def groups() -> ResponseReturnValue:
    return _render(here())


@bp.post("/groups/form")
@instructor_required
def form_groups() -> ResponseReturnValue:
    where = here()
    form = admin_forms.FormGroupsForm()
    if not form.validate():
        return _render(where, form_groups=form, status=400)
    size_min, size_max = int(form.size_min.data), int(form.size_max.data)
    result = signup_groups.form_groups_from_roster(
        where.scope,
        sheet_id=where.sheet.id,
        source=_source(where),
        size_min=size_min,
        size_max=size_max,
        now=datetime.now(UTC),
        seed=secrets.randbelow(2**31) if form.mix.data else None,
    )
    if result.problems or result.saved is None:
        return _render(where, form_groups=form, problems=_sorted(result.problems, form), status=400)
    count = len(result.saved.groups)
    flash(
        gettext(
            "%(learners)s learners are now in %(groups)s groups of %(min)s–%(max)s.",
            learners=result.learners,
            groups=count,
            min=size_min,
            max=size_max,
        ),
        OK,
    )
    return redirect(url_for("signups.groups"), code=303)


@bp.post("/groups/move")
@instructor_required
def move_member() -> ResponseReturnValue:
    where = here()
    form = admin_forms.MoveMemberForm(prefix=admin_forms.MOVE_PREFIX)
    if not form.validate() or form.user_id.data is None or form.to_group.data is None:
        return _render(where, move=form, status=400)
    size_min, size_max = int(form.size_min.data), int(form.size_max.data)
    saved = signups.move_group_member(
        where.scope,
        sheet_id=where.sheet.id,
        user_id=form.user_id.data,
        to_group_id=form.to_group.data,
        size_min=size_min,
        size_max=size_max,
        now=datetime.now(UTC),
    )
    if saved.problems:
        # The domain names "group" (sizes, no such group) or "user" (in none of the groups).
        aliases = {"group": "to_group", "user": "user_id"}
        problems = tuple(Problem(aliases.get(p.field, p.field), p.message) for p in saved.problems)
        forms.attach_problems(form, problems)
        return _render(where, move=form, status=400)
    name = display_names(where, [form.user_id.data])[form.user_id.data]
    group = next((g.name for g in saved.groups if form.user_id.data in g.members), "")
    flash(gettext("%(name)s is now in %(group)s.", name=name, group=group), OK)
    return redirect(url_for("signups.groups"), code=303)


@bp.post("/groups/assign")
@instructor_required
def assign_group() -> ResponseReturnValue:
    where = here()
    form = admin_forms.AssignGroupForm(prefix=admin_forms.ASSIGN_PREFIX)
    if not form.validate() or form.session_id.data is None:
        return _render(where, assign=form, status=400)
    raw = form.group_id.data or admin_forms.OPEN_TO_ALL
    try:
        group_id = None if raw == admin_forms.OPEN_TO_ALL else int(raw)
    except ValueError:
        form.group_id.errors = [gettext("Choose a group from the list.")]
        return _render(where, assign=form, status=400)
    record = signup_groups.assign_group(
        where.scope,
        sheet_id=where.sheet.id,
        session_id=form.session_id.data,
        group_id=group_id,
        now=datetime.now(UTC),
    )
    if group_id is None:
        flash(gettext("“%(title)s” is open to everyone on the sheet.", title=record.plan.title), OK)
    else:
        flash(gettext("“%(title)s” is now a session of its group.", title=record.plan.title), OK)
    return redirect(url_for("signups.groups"), code=303)
