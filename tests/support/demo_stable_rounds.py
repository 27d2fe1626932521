"""A stable group's earlier round inside the running demo, for browser tests of what a group's
next meeting shows (the follow-up of an action plan).

The demo LMS gives each deep-linked item its own resource link (``dl-1``, ``dl-2`` …): one
exercise per link, so two placements of the same activity are two meetings of the course. The
browser places them and the people launch them; this module does, in the demo tool's own
process and database, what weeks of earlier use would have left behind: a stable group of those
people on a sign-up sheet, both exercises taking that group, and the first exercise's round,
made three weeks ago, in which the case-bringer posted a case and an action plan. Everything
goes through the tool's services, as the pages would; only the clock is three weeks back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from lti_app.catalogue import get_catalogue
from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.settings import ExerciseSettings, GroupSource, Mode
from lti_app.domain.exercises.validation import ANONYMISATION_CHECKLIST, Draft
from lti_app.domain.scope import CourseScope
from lti_app.services import exercises
from lti_app.services.exercises.stable_start import ChosenRoles, start_stable_round
from lti_app.storage import db
from lti_app.storage.exercise_models import Exercise
from lti_app.storage.models import LtiUser, Tenant
from tests.support.stable_start_world import sheet_group

WEEKS_AGO = timedelta(days=21)


@dataclass(frozen=True)
class EarlierRound:
    scope: CourseScope
    stable_group_id: int
    group_name: str
    exercise_ids: tuple[int, int]
    """The first link's exercise (the earlier round) and the second's (this meeting)."""


def _scope_of(link_id: str) -> tuple[CourseScope, int] | None:
    with db.transaction() as session:
        row = session.execute(
            select(Exercise.tenant_id, Exercise.course_id, Exercise.id).where(
                Exercise.resource_link_id == link_id
            )
        ).first()
    return (CourseScope(row.tenant_id, row.course_id), row.id) if row is not None else None


def _people(scope: CourseScope, names: Sequence[str]) -> list[int]:
    """The tool's user ids of the demo's people ``names`` (each has launched once)."""
    with db.transaction() as session:
        issuer = session.scalar(select(Tenant.issuer).where(Tenant.id == scope.tenant_id))
        rows = dict(
            session.execute(
                select(LtiUser.name, LtiUser.id).where(
                    LtiUser.issuer == issuer, LtiUser.name.in_(list(names))
                )
            ).all()
        )
    missing = [name for name in names if name not in rows]
    assert not missing, f"launch these people once first: {missing}"
    return [rows[name] for name in names]


def earlier_round(
    app: Flask,
    links: tuple[str, str],
    names: Sequence[str],
    *,
    method_slug: str,
    plan: str,
) -> EarlierRound:
    """The stable group of ``names`` (the first brings the case), both links' exercises set
    up for it (asynchronous), and the first link's round three weeks ago with ``plan`` as the
    case-bringer's action plan. The second link's exercise must exist (someone launched it)."""
    now = datetime.now(UTC)
    then = now - WEEKS_AGO
    with app.app_context():
        found = _scope_of(links[1])
        assert found is not None, f"launch {links[1]} once first"
        scope, second = found
        people = _people(scope, names)
        method = next(m for m in get_catalogue().methods if m.slug == method_slug)
        group_id, group_name = sheet_group(
            app, scope, "stable-groups", people, title="Stable groups", now=then
        )
        first = exercises.open_exercise(
            scope, exercises.ExerciseLink(links[0], "The first meeting"), now=then
        ).id
        settings = ExerciseSettings(
            method.slug, Mode.ASYNC, GroupSource.STABLE_GROUP, group_id=group_id
        )
        for exercise_id, at in ((first, then), (second, now)):
            saved = exercises.configure_exercise(scope, exercise_id, settings, method, now=at)
            assert saved.exercise is not None, saved.problems
        made = start_stable_round(
            scope, first, group_id, now=then, chosen=ChosenRoles(case_bringer=people[0])
        )
        assert made.group is not None and made.group.schedule is not None, made.problems
        schedule = made.group.schedule
        bringer = Actor(people[0])
        case = {
            "situation": "A client cancels every second session at short notice.",
            "own_role": "I keep the slots open for them.",
            "key_question": "How do I raise it without losing them?",
        }
        draft = Draft(PostType.CASE, case=case, checklist=frozenset(ANONYMISATION_CHECKLIST))
        for kind, phase_contribution in (
            (PostType.CASE, "case"),
            (PostType.ACTION_PLAN, "reflection"),
        ):
            index = next(
                i for i, p in enumerate(method.phases) if p.contribution.value == phase_contribution
            )
            opens = schedule.deadlines[index - 1] if index else schedule.opens_at
            at = opens + (schedule.deadlines[index] - opens) / 2
            posted = exercises.post(
                scope,
                made.group.id,
                bringer,
                draft if kind is PostType.CASE else Draft(PostType.ACTION_PLAN, text=plan),
                None,
                at,
            )
            assert isinstance(posted, exercises.PostAccepted), posted
    return EarlierRound(scope, group_id, group_name, (first, second))
