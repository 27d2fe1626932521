"""Follow-ups of action plans (``domain.exercises.follow_up``): what a round asks its
case-bringer about their earlier plans, the answers its members read in the opening, and
answering. The texts go to the round page only: never to grades, the dashboard, CSV, mail or
logs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises import follow_up, visibility
from lti_app.domain.exercises.outcomes import ALLOWED, Actor, Reason, Refused, Verdict
from lti_app.domain.exercises.settings import announced_in_time
from lti_app.domain.exercises.validation import CaseStatus
from lti_app.domain.scope import CourseScope
from lti_app.services.exercises._common import _clock, _configured
from lti_app.storage import db, exercise_follow_ups_repo, exercise_groups_repo, signups_repo
from lti_app.storage.exercise_groups_repo import LockedRound
from lti_app.storage.exercises_repo import DbSession


@dataclass(frozen=True, slots=True)
class AskedFollowUp:
    """A plan of the viewer's this round asks about, with its text (raw Markdown)."""

    plan_id: int
    plan: str


@dataclass(frozen=True, slots=True)
class FollowUpAnswer:
    author_name: str
    body: str
    own: bool


@dataclass(frozen=True, slots=True)
class FollowUps:
    asked: tuple[AskedFollowUp, ...]
    answers: tuple[FollowUpAnswer, ...]


def _due(
    session: DbSession, scope: CourseScope, snapshot: LockedRound, user_id: int
) -> tuple[tuple[follow_up.PlanRef, ...], dict[int, exercise_follow_ups_repo.PlanText]]:
    later = exercise_follow_ups_repo.round_links(session, scope, [snapshot.group.id])
    refs, texts = exercise_follow_ups_repo.plan_refs(session, scope, user_id)
    if snapshot.group.id not in later:  # pragma: no cover - the group was just read
        return (), texts
    done = exercise_follow_ups_repo.answered(session, scope, (r.plan_id for r in refs))
    return follow_up.due_plans(later[snapshot.group.id], user_id, refs, done), texts


def follow_ups(
    scope: CourseScope,
    group_id: int,
    viewer: Actor,
    now: datetime,
    *,
    exercise_id: int | None = None,
) -> FollowUps:
    """What the round's opening shows ``viewer``: the follow-ups asked of them (while the round
    is open) and the answers given in this round (to those ``follow_up.answer_readable`` lets)."""
    with db.transaction() as session:
        snapshot = exercise_groups_repo.read_group(
            session, scope, group_id, exercise_id, with_posts=False
        )
        settings = _configured(snapshot.exercise)
        link = exercise_follow_ups_repo.round_links(session, scope, [group_id])[group_id]
        withdrawn = snapshot.group.case_status is CaseStatus.WITHDRAWN
        asked: tuple[AskedFollowUp, ...] = ()
        if viewer.user_id in link.member_ids and not withdrawn and not _clock(snapshot, now).closed:
            due, texts = _due(session, scope, snapshot, viewer.user_id)
            asked = tuple(AskedFollowUp(p.plan_id, texts[p.plan_id].body) for p in due)
        access = visibility.access_for(
            settings,
            snapshot.group.consent,
            announced_in_time(settings, snapshot.exercise.first_learner_access_at),
        )
        answers: tuple[FollowUpAnswer, ...] = ()
        if not withdrawn and follow_up.answer_readable(viewer, link, access):
            records = exercise_follow_ups_repo.answers_in(session, scope, group_id)
            names = signups_repo.person_names(
                session, scope, sorted({r.author_id for r in records})
            )
            pseudonyms = {m.user_id: m.pseudonym for m in snapshot.group.members if m.pseudonym}
            answers = tuple(
                FollowUpAnswer(
                    visibility.display_name(
                        viewer,
                        r.author_id,
                        settings.anonymity,
                        names,
                        pseudonyms,
                    ),
                    r.body,
                    r.author_id == viewer.user_id,
                )
                for r in records
            )
    return FollowUps(asked, answers)


def answer_follow_up(
    scope: CourseScope,
    group_id: int,
    actor: Actor,
    plan_id: int,
    text: str,
    now: datetime,
    *,
    exercise_id: int | None = None,
) -> Verdict:
    """The case-bringer's answer to the follow-up of plan ``plan_id``, in this round; once."""
    with db.write_transaction() as session:
        snapshot = exercise_groups_repo.lock_group(session, scope, group_id, exercise_id)
        link = exercise_follow_ups_repo.round_links(session, scope, [group_id])[group_id]
        due, _texts = _due(session, scope, snapshot, actor.user_id)
        verdict = follow_up.may_answer(
            actor,
            link,
            plan_id,
            due,
            closed=_clock(snapshot, now).closed,
            withdrawn=snapshot.group.case_status is CaseStatus.WITHDRAWN,
            text=text,
        )
        if isinstance(verdict, Refused):
            return verdict
        stored = exercise_follow_ups_repo.add_answer(
            session, scope, group_id, plan_id, actor.user_id, text.strip(), now
        )
        if not stored:
            return Refused(Reason.ALREADY_DONE, "You have answered this follow-up already.")
        return ALLOWED
