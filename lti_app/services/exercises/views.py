"""The round page for one viewer: what ``visibility`` lets them see, with display
names. The only place case text leaves the service (see the package docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from lti_app.domain.exercises import moderation, visibility
from lti_app.domain.exercises.observer import observer_posts
from lti_app.domain.exercises.outcomes import Actor
from lti_app.domain.exercises.phases import PostType, may_advance, postable
from lti_app.domain.exercises.roles import observer_role, posting_role
from lti_app.domain.exercises.settings import Mode, announced_in_time
from lti_app.domain.exercises.validation import CaseStatus, Mark, Round
from lti_app.domain.methods import CASE_BRINGER, PhaseSpec
from lti_app.domain.scope import CourseScope
from lti_app.services.exercises._common import _configured, _round
from lti_app.storage import db, exercise_groups_repo, exercise_posts_repo, signups_repo
from lti_app.storage.exercise_groups_repo import LockedRound
from lti_app.storage.exercise_posts_repo import PostRecord
from lti_app.storage.exercises_repo import DbSession


@dataclass(frozen=True, slots=True)
class PostView:
    """One post as the viewer sees it. ``body`` is raw learner Markdown (render it with
    ``web.learner_text``), None when the viewer sees metadata only or it was purged."""

    id: int
    kind: PostType
    phase_index: int
    phase_id: str
    author_id: int
    author_name: str
    own: bool
    body: str | None
    target_id: int | None
    created_at: datetime
    marked_hidden: bool = False
    tombstone: bool = False
    mark: Mark | None = None
    score: int | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseView:
    situation: str
    own_role: str
    key_question: str


@dataclass(frozen=True, slots=True)
class MemberView:
    user_id: int
    name: str
    role: str | None
    role_name: str | None
    duties: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PageView:
    """Everything the exercise page of one group shows to one viewer."""

    exercise_id: int
    group_id: int
    group_name: str
    revision: int
    mode: Mode
    method_name: str
    phases: tuple[PhaseSpec, ...]
    phase_index: int | None
    phase: PhaseSpec | None
    not_open: bool
    closed: bool
    ends_at: datetime | None
    time_left: timedelta | None
    overrun: bool
    my_role: str | None
    my_duties: tuple[str, ...]
    member: bool
    may_post: tuple[PostType, ...]
    may_advance: bool
    case_status: CaseStatus
    case: CaseView | None
    case_withdrawn: bool
    consent: bool
    posts: tuple[PostView, ...]
    members: tuple[MemberView, ...]
    open_flags: int
    posting_role: str | None = None
    """The role whose phase rules the viewer posts by: ``my_role``, or the observer's."""
    observer_posts: tuple[tuple[str, tuple[PostType, ...]], ...] = ()
    """For the process observer: each phase name where they may post, and what."""


def _names(
    session: DbSession,
    scope: CourseScope,
    snapshot: LockedRound,
    viewer: Actor,
) -> dict[int, str]:
    settings = _configured(snapshot.exercise)
    authors = {p.author for p in snapshot.posts} | set(snapshot.group.member_ids)
    real = signups_repo.person_names(session, scope, sorted(authors))
    stored = {m.user_id: m.pseudonym for m in snapshot.group.members if m.pseudonym}
    pseudonym_of = visibility.pseudonyms(
        snapshot.exercise.pseudonym_key, snapshot.group.member_ids, stored
    )
    return {
        author: visibility.display_name(viewer, author, settings.anonymity, real, pseudonym_of)
        for author in authors
    }


def page_view(
    scope: CourseScope,
    group_id: int,
    viewer: Actor,
    now: datetime,
    *,
    exercise_id: int | None = None,
) -> PageView:
    """The group's page for ``viewer``: the phase and time left, what they may post, and the
    posts the domain lets them see (``visibility.visible_posts``), with display names."""
    with db.transaction() as session:
        snapshot = exercise_groups_repo.read_group(
            session, scope, group_id, exercise_id, with_posts=False
        )
        records = exercise_posts_repo.posts(session, scope, group_id)
        snapshot = replace(snapshot, posts=tuple(r.posted() for r in records.values()))
        settings = _configured(snapshot.exercise)
        round_ = _round(snapshot, now)
        access = visibility.access_for(
            settings,
            snapshot.group.consent,
            announced_in_time(settings, snapshot.exercise.first_learner_access_at),
        )
        shown = visibility.visible_posts(round_, viewer, access)
        case = exercise_posts_repo.case_of(session, scope, group_id)
        names = _names(session, scope, snapshot, viewer)
        flags = exercise_posts_repo.flags_of(session, scope, group_id)
        actions = exercise_posts_repo.actions_of(session, scope, group_id)
    method = snapshot.method.spec
    views = tuple(_post_view(records[p.post_id], s, viewer, names) for p, s in shown)
    case_sight = next((s for p, s in shown if p.kind is PostType.CASE), None)
    case_view = (
        CaseView(case.situation, case.own_role, case.key_question)
        if case is not None and case_sight is not None and case_sight.text and not case.purged
        else None
    )
    role = round_.assignment.role_of(viewer.user_id)
    posting = posting_role(method, round_.assignment, viewer.user_id)
    clock = round_.clock
    member = role is not None
    return PageView(
        exercise_id=snapshot.exercise.id,
        group_id=group_id,
        group_name=snapshot.group.name,
        revision=snapshot.group.revision,
        mode=settings.mode,
        method_name=method.name,
        phases=method.phases,
        phase_index=clock.index,
        phase=clock.phase,
        not_open=clock.index is None and not clock.closed,
        closed=clock.closed,
        ends_at=clock.ends_at,
        time_left=clock.time_left(now),
        overrun=clock.overrun(now),
        my_role=role,
        my_duties=round_.assignment.duties_of(viewer.user_id),
        member=member,
        may_post=_may_post(round_, viewer),
        may_advance=bool(
            not clock.closed
            and (
                viewer.instructor and clock.index is not None
                if settings.mode is Mode.ASYNC
                else may_advance(method, round_.assignment, viewer)
            )
        ),
        case_status=snapshot.group.case_status,
        case=case_view,
        case_withdrawn=snapshot.group.case_status is CaseStatus.WITHDRAWN,
        consent=snapshot.group.consent,
        posts=views,
        members=tuple(
            MemberView(
                m.user_id,
                names.get(m.user_id, ""),
                m.role,
                (method.role(m.role).name if m.role and method.role(m.role) else None),  # type: ignore[union-attr]
                m.duties,
            )
            for m in snapshot.group.members
        ),
        open_flags=len(moderation.open_flags(flags, actions)),
        posting_role=posting,
        observer_posts=(
            tuple((p.name, kinds) for p, kinds in observer_posts(method))
            if posting is not None and posting == observer_role(method)
            else ()
        ),
    )


def _may_post(round_: Round, viewer: Actor) -> tuple[PostType, ...]:
    """What the page offers: the phase rules, and nothing on a closed or withdrawn round."""
    clock = round_.clock
    if clock.closed or clock.phase is None or round_.case_status is CaseStatus.WITHDRAWN:
        return ()
    role = posting_role(round_.method, round_.assignment, viewer.user_id)
    if role is None:
        return ()
    kinds = postable(round_.method, clock.phase, role)
    if round_.case_status is not CaseStatus.SUBMITTED:
        kinds = tuple(k for k in kinds if k is PostType.CASE)
    elif role == CASE_BRINGER:
        kinds = tuple(k for k in kinds if k is not PostType.CASE)
    return kinds


def _post_view(
    record: PostRecord, sight: visibility.Sight, viewer: Actor, names: Mapping[int, str]
) -> PostView:
    text = sight.text and not sight.tombstone and not record.purged
    return PostView(
        id=record.id,
        kind=record.kind,
        phase_index=record.phase_index,
        phase_id=record.phase_id,
        author_id=record.author,
        author_name=names.get(record.author, "A former member"),
        own=record.author == viewer.user_id,
        body=record.body if text else None,
        target_id=record.target_id,
        created_at=record.created_at,
        marked_hidden=sight.marked_hidden,
        tombstone=sight.tombstone,
        mark=record.mark if not sight.tombstone else None,
        score=record.score if not sight.tombstone else None,
        tags=record.tags if not sight.tombstone else (),
    )


def case_of(scope: CourseScope, group_id: int, viewer: Actor, now: datetime) -> CaseView | None:
    """The case text if the viewer may read it (``page_view(...).case``)."""
    return page_view(scope, group_id, viewer, now).case
