"""Peer-feedback exercises: an exercise per resource link, its groups (rounds) and what they post.

Every row belongs to one course and carries ``tenant_id`` and ``course_id``; rows that hang off
another course row point at it with a *composite* foreign key including both
(``(group_id, tenant_id, course_id)`` → ``exercise_group``), so the database itself refuses a
contribution whose course differs from its group's, on top of the repositories' filters.

The rules live in ``domain.exercises``; these tables hold what its decisions wrote:

- ``exercise_method_version``: a course's copy of a method, the catalogue's method as it was
  (``spec``) plus the course's phase changes (``changes``); version 0 is the method as shipped.
  An exercise points at the version it started with and runs on that snapshot.
- ``exercise_group``: one round; its run state (live/hybrid phase index and start, closed,
  withdrawn), async deadlines, the case's status and consent, and ``revision``, which grows with
  every write to the round (what the live page polls, one indexed row).
- ``exercise_case``: the case text, purged after retention; ``exercise_contribution`` holds
  every post (the case too, as type ``case`` without body, so the rules see one list).
- ratings and marks are contributions (metadata for the rules) with their values in
  ``exercise_rating`` / ``exercise_mark``, unique per rater and target / per question.
- ``client_token``: UNIQUE(group, author, token), so a double submit posts once.

Case text never leaves these tables for grades, logs or exports: services read metadata.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lti_app.storage.models import ID_LENGTH, URL_LENGTH, Base, utc_now
from lti_app.storage.scoped_columns import course as _course
from lti_app.storage.scoped_columns import course_fk
from lti_app.storage.scoped_columns import person as _person
from lti_app.storage.scoped_columns import tenant as _tenant

SLUG_LENGTH = 64
TOKEN_LENGTH = 64

CASE_NONE = "none"
CASE_SUBMITTED = "submitted"
CASE_WITHDRAWN = "withdrawn"


def _group_fk() -> ForeignKeyConstraint:
    return course_fk("group_id", "exercise_group")


def _contribution_fk(column: str = "contribution_id") -> ForeignKeyConstraint:
    return course_fk(column, "exercise_contribution")


class ExerciseMethodVersion(Base):
    """A course's adapted copy of a method (``domain.exercises.adaptation``); never edited."""

    __tablename__ = "exercise_method_version"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id",
            "course_id",
            "method_slug",
            "version",
            name="uq_exercise_method_version_slug_version",
        ),
        UniqueConstraint("id", "tenant_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    method_slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column()
    """The catalogue's method as it was when adapted (``MethodSpec`` as JSON)."""
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Phase id → {minutes, prompts, skip} (``PhaseChange``)."""
    created_by: Mapped[int | None] = _person(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Exercise(Base):
    """One exercise: an LTI resource link in a course, with the instructor's settings."""

    __tablename__ = "exercise"
    __table_args__ = (
        UniqueConstraint("tenant_id", "course_id", "resource_link_id"),
        UniqueConstraint("id", "tenant_id", "course_id"),
        ForeignKeyConstraint(
            ["method_version_id", "tenant_id", "course_id"],
            [
                "exercise_method_version.id",
                "exercise_method_version.tenant_id",
                "exercise_method_version.course_id",
            ],
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    resource_link_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    title: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    lineitem_url: Mapped[str | None] = mapped_column(String(URL_LENGTH), default=None)
    activity_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    # The settings (``domain.exercises.settings.ExerciseSettings``); None until the instructor
    # has configured the exercise (a placed link's first launch makes the row).
    method_slug: Mapped[str | None] = mapped_column(String(SLUG_LENGTH), default=None)
    method_version_id: Mapped[int | None] = mapped_column(Integer, default=None)
    mode: Mapped[str | None] = mapped_column(String(16), default=None)
    group_source: Mapped[str | None] = mapped_column(String(16), default=None)
    anonymity: Mapped[str | None] = mapped_column(String(16), default=None)
    case_access: Mapped[str | None] = mapped_column(String(16), default=None)
    announced_at: Mapped[datetime | None] = mapped_column(default=None)
    retention_days: Mapped[int | None] = mapped_column(Integer, default=None)
    grading: Mapped[str | None] = mapped_column(String(16), default=None)
    session_id: Mapped[int | None] = mapped_column(Integer, default=None)
    stable_group_id: Mapped[int | None] = mapped_column(Integer, default=None)
    size_min: Mapped[int | None] = mapped_column(Integer, default=None)
    size_max: Mapped[int | None] = mapped_column(Integer, default=None)
    pseudonym_key: Mapped[str] = mapped_column(String(TOKEN_LENGTH))
    """Per-exercise secret for ``visibility.pseudonyms`` (never shown)."""
    first_learner_access_at: Mapped[datetime | None] = mapped_column(default=None)
    phase_plan: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    """Async and hybrid: one entry per phase, ``{"at": ISO UTC}`` or ``{"after_minutes": n}``
    from the round's start (``domain.exercises.schedule.PhasePlan``); None: not set yet."""
    phase_plan_zone: Mapped[str | None] = mapped_column(String(SLUG_LENGTH), default=None)
    """The time zone the instructor gave the plan's date-times in (shown back in it)."""
    created_by: Mapped[int | None] = _person(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExerciseGroup(Base):
    """One group's round: run state (live/hybrid), deadlines (async/hybrid), case status."""

    __tablename__ = "exercise_group"
    __table_args__ = (
        course_fk("exercise_id", "exercise"),
        UniqueConstraint("id", "tenant_id", "course_id"),
        UniqueConstraint("id", "exercise_id", "tenant_id", "course_id"),
        Index("ix_exercise_group_exercise", "exercise_id", "id"),
        Index("ix_exercise_group_purge_due", "purged_at", "purge_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    exercise_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    signup_session_id: Mapped[int | None] = mapped_column(Integer, default=None)
    stable_group_id: Mapped[int | None] = mapped_column(Integer, default=None)
    """The stable sign-up group this round was made from (None: self-formed or a session's)."""
    session_ends_at: Mapped[datetime | None] = mapped_column(default=None)
    phase_index: Mapped[int | None] = mapped_column(Integer, default=None)
    phase_started_at: Mapped[datetime | None] = mapped_column(default=None)
    phase_ends_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    opens_at: Mapped[datetime | None] = mapped_column(default=None)
    deadlines: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Async and hybrid: ISO-8601 UTC instants, one per phase."""
    case_status: Mapped[str] = mapped_column(String(16), default=CASE_NONE)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    purge_at: Mapped[datetime | None] = mapped_column(default=None)
    purged_at: Mapped[datetime | None] = mapped_column(default=None)
    graded_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExerciseGroupMember(Base):
    """A person in one group of an exercise, with their method role and optional duties."""

    __tablename__ = "exercise_group_member"
    __table_args__ = (
        ForeignKeyConstraint(
            ["group_id", "exercise_id", "tenant_id", "course_id"],
            [
                "exercise_group.id",
                "exercise_group.exercise_id",
                "exercise_group.tenant_id",
                "exercise_group.course_id",
            ],
            ondelete="CASCADE",
        ),
        UniqueConstraint("exercise_id", "user_id"),
        Index("ix_exercise_group_member_group", "group_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    exercise_id: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = _person()
    role: Mapped[str | None] = mapped_column(String(SLUG_LENGTH), default=None)
    """None while a self-formed group has not been given its roles."""
    duties: Mapped[list[str]] = mapped_column(JSON, default=list)
    pseudonym: Mapped[str | None] = mapped_column(String(SLUG_LENGTH), default=None)
    joined_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExerciseContribution(Base):
    """One post of a round (``domain.exercises.phases.PostType``); ``target_id`` is what a mark,
    answer or rating reacts to. ``body`` is raw learner text (rendered safely by the web layer),
    blanked by a purge (``purged_at``)."""

    __tablename__ = "exercise_contribution"
    __table_args__ = (
        _group_fk(),
        _contribution_fk("target_id"),
        UniqueConstraint("id", "tenant_id", "course_id"),
        UniqueConstraint("group_id", "author_id", "client_token"),
        Index("ix_exercise_contribution_group", "group_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    group_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = _person()
    kind: Mapped[str] = mapped_column(String(16))
    phase_index: Mapped[int] = mapped_column(Integer)
    phase_id: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    body: Mapped[str] = mapped_column(Text, default="")
    target_id: Mapped[int | None] = mapped_column(Integer, default=None)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    client_token: Mapped[str | None] = mapped_column(String(TOKEN_LENGTH), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    purged_at: Mapped[datetime | None] = mapped_column(default=None)


class ExerciseCase(Base):
    """The case's text (situation, own role, key question) and its anonymisation checklist."""

    __tablename__ = "exercise_case"
    __table_args__ = (
        _group_fk(),
        _contribution_fk(),
        UniqueConstraint("group_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    group_id: Mapped[int] = mapped_column(Integer)
    contribution_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = _person()
    situation: Mapped[str] = mapped_column(Text, default="")
    own_role: Mapped[str] = mapped_column(Text, default="")
    key_question: Mapped[str] = mapped_column(Text, default="")
    checklist: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    purged_at: Mapped[datetime | None] = mapped_column(default=None)


class ExerciseRating(Base):
    """The case-bringer's helpfulness rating (1–5 and tags) of a hypothesis or advice."""

    __tablename__ = "exercise_rating"
    __table_args__ = (
        _contribution_fk(),
        _contribution_fk("target_id"),
        UniqueConstraint("rater_id", "target_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    contribution_id: Mapped[int] = mapped_column(Integer)
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    rater_id: Mapped[int] = _person()
    score: Mapped[int] = mapped_column(Integer)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExerciseMark(Base):
    """Warm / neutral / cold on a question: one per question (the case-bringer's)."""

    __tablename__ = "exercise_mark"
    __table_args__ = (
        _contribution_fk(),
        _contribution_fk("target_id"),
        UniqueConstraint("target_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    contribution_id: Mapped[int] = mapped_column(Integer)
    target_id: Mapped[int] = mapped_column(Integer)
    mark: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExerciseFlag(Base):
    """A member's flag of a contribution, once per person; ``reason`` is purged with the case."""

    __tablename__ = "exercise_flag"
    __table_args__ = (
        _group_fk(),
        _contribution_fk(),
        UniqueConstraint("flagger_id", "contribution_id"),
        Index("ix_exercise_flag_group", "group_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    group_id: Mapped[int] = mapped_column(Integer)
    contribution_id: Mapped[int] = mapped_column(Integer)
    flagger_id: Mapped[int] = _person()
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExerciseModeration(Base):
    """The log of hide / restore / withdraw (``moderation.ModerationAction``)."""

    __tablename__ = "exercise_moderation"
    __table_args__ = (
        _group_fk(),
        _contribution_fk(),
        Index("ix_exercise_moderation_group", "group_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    group_id: Mapped[int] = mapped_column(Integer)
    contribution_id: Mapped[int | None] = mapped_column(Integer, default=None)
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = _person(nullable=True)
    by_instructor: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExerciseGroundRules(Base):
    """A learner accepted version ``version`` of the ground rules for one exercise."""

    __tablename__ = "exercise_ground_rules"
    __table_args__ = (
        course_fk("exercise_id", "exercise"),
        UniqueConstraint("exercise_id", "user_id", "version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    exercise_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = _person()
    version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExerciseConsent(Base):
    """The case-bringer gave (or took back) consent to instructors reading the case: a log."""

    __tablename__ = "exercise_consent"
    __table_args__ = (_group_fk(), Index("ix_exercise_consent_group", "group_id", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    group_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = _person()
    consent: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ExerciseFollowUp(Base):
    """The case-bringer's answer, in a later round of the same group, to "what did you try of
    your action plan?" (``plan_id``: the earlier round's action plan). Kept like reflections:
    the retention purge leaves it, and it goes into no grade, CSV, mail or log."""

    __tablename__ = "exercise_follow_up"
    __table_args__ = (
        _group_fk(),
        _contribution_fk("plan_id"),
        UniqueConstraint("plan_id"),
        Index("ix_exercise_follow_up_group", "group_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = _tenant()
    course_id: Mapped[int] = _course()
    group_id: Mapped[int] = mapped_column(Integer)
    """The round in which it was asked and answered (its members see it in the opening)."""
    plan_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = _person()
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
