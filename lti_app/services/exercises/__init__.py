"""Peer-feedback exercises: what the views, the worker and the tests call.

Each function opens one transaction, reads a snapshot, asks ``domain.exercises`` what the rules
say and has ``storage.exercises_repo`` / ``storage.exercise_posts_repo`` store the outcome.
Anything that changes a round locks the group row first (``exercise_groups_repo.lock_group`` inside
``db.write_transaction``), decides on the snapshot read under that lock and writes before
committing; a :class:`Refused` verdict means nothing was written. Time comes in as ``now``.

Every function takes the ``CourseScope``; a group or exercise of another course or tenant is
:class:`GroupNotFound` / :class:`ExerciseNotFound` (404), never touched. Pass ``exercise_id``
(the launched exercise) to group functions from views, so a group of another exercise of the
same course is not found either.

Case text never leaves here except in :func:`page_view` to someone the domain's
``visibility.sight`` lets read it: not in grades, AGS comments, logs, the dashboard or CSV.

One module per concern, so each stays small; callers import this package only (every public
name is re-exported here): ``settings`` (opening, configuring and adapting), ``ground_rules``,
``groups``, ``schedule`` (the exercise's phase plan), ``follow_up`` (of action plans),
``rounds`` (start, advance, the live poll), ``posts``, ``moderation`` (and consent), ``views``
(the round page), ``dashboard`` (and its CSV), ``grading`` (completion for the LMS),
``retention`` (the worker's purge); ``_common`` holds their private helpers.
"""

from __future__ import annotations

from lti_app.services.exercises.dashboard import (
    CSV_HEADER,
    Dashboard,
    GroupDashboard,
    dashboard,
    dashboard_csv_rows,
)
from lti_app.services.exercises.follow_up import (
    AskedFollowUp,
    FollowUpAnswer,
    FollowUps,
    answer_follow_up,
    follow_ups,
)
from lti_app.services.exercises.grading import COMPLETION_COMMENT, grade_group
from lti_app.services.exercises.ground_rules import (
    GROUND_RULES_VERSION,
    accept_ground_rules,
    must_accept_ground_rules,
)
from lti_app.services.exercises.groups import (
    GroupSaved,
    assign_group_roles,
    create_self_group,
    form_group,
    group_from_session,
    group_from_stable_group,
    groups,
    join_group,
    my_group,
)
from lti_app.services.exercises.moderation import (
    flag,
    hide,
    moderation_log,
    open_flags,
    restore,
    set_consent,
    withdraw_case,
)
from lti_app.services.exercises.posts import PostAccepted, PostOutcome, answer, mark, post, rate
from lti_app.services.exercises.retention import PurgeReport, purge_due
from lti_app.services.exercises.rounds import PhaseState, advance, phase_state, start
from lti_app.services.exercises.schedule import (
    PlanSaved,
    new_round_schedule,
    plan_of,
    set_phase_plan,
)
from lti_app.services.exercises.settings import (
    PSEUDONYM_KEY_BYTES,
    ExerciseSaved,
    MethodSaved,
    adapt_method,
    configure_exercise,
    current_method,
    exercise_method,
    get_exercise,
    note_access,
    open_exercise,
)
from lti_app.services.exercises.views import (
    CaseView,
    MemberView,
    PageView,
    PostView,
    case_of,
    page_view,
)

# What views and the worker get back or hand in, and the refusals they may meet: re-exported,
# so that callers import this package only.
from lti_app.storage.exercise_groups_repo import (
    AlreadyInGroup,
    GroupNotFound,
    GroupRecord,
    MemberRecord,
)
from lti_app.storage.exercises_repo import (
    ExerciseLink,
    ExerciseNotFound,
    ExerciseRecord,
    MethodVersionRecord,
)

__all__ = [
    "AlreadyInGroup",
    "AskedFollowUp",
    "COMPLETION_COMMENT",
    "CSV_HEADER",
    "CaseView",
    "Dashboard",
    "ExerciseLink",
    "ExerciseNotFound",
    "ExerciseRecord",
    "ExerciseSaved",
    "FollowUpAnswer",
    "FollowUps",
    "GROUND_RULES_VERSION",
    "GroupDashboard",
    "GroupNotFound",
    "GroupRecord",
    "GroupSaved",
    "MemberRecord",
    "MemberView",
    "MethodSaved",
    "MethodVersionRecord",
    "PSEUDONYM_KEY_BYTES",
    "PageView",
    "PhaseState",
    "PlanSaved",
    "PostAccepted",
    "PostOutcome",
    "PostView",
    "PurgeReport",
    "accept_ground_rules",
    "adapt_method",
    "answer_follow_up",
    "advance",
    "answer",
    "assign_group_roles",
    "case_of",
    "configure_exercise",
    "create_self_group",
    "current_method",
    "dashboard",
    "dashboard_csv_rows",
    "exercise_method",
    "flag",
    "follow_ups",
    "form_group",
    "get_exercise",
    "grade_group",
    "group_from_session",
    "group_from_stable_group",
    "groups",
    "hide",
    "join_group",
    "mark",
    "moderation_log",
    "must_accept_ground_rules",
    "my_group",
    "new_round_schedule",
    "note_access",
    "open_exercise",
    "open_flags",
    "page_view",
    "phase_state",
    "plan_of",
    "post",
    "purge_due",
    "rate",
    "restore",
    "set_consent",
    "set_phase_plan",
    "start",
    "withdraw_case",
]
