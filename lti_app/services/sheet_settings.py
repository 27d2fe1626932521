"""A sheet's settings (default time zone, cancelling sessions under their minimum size), the
sessions the minimum-size check flagged, and the worker's question "does this sheet cancel?".

A zone is checked with ``domain.signups.timezones`` (an unknown one is a :class:`Problem` next
to its field, nothing saved). The flag list follows ``domain.signups.minimum``: a session whose
minimum-size deadline has passed with fewer seated than its minimum, not cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.minimum import minimum_deadline
from lti_app.domain.signups.problems import Problem
from lti_app.domain.signups.timezones import unknown_zone_problem, zone
from lti_app.services.signups import SessionSummary
from lti_app.storage import db, sheet_settings_repo, signups_repo
from lti_app.storage.sheet_settings_repo import SheetSettings as SheetSettings


@dataclass(frozen=True, slots=True)
class SettingsPage:
    settings: SheetSettings
    under_minimum: tuple[SessionSummary, ...]


@dataclass(frozen=True, slots=True)
class SettingsSaved:
    settings: SheetSettings | None
    problems: tuple[Problem, ...] = ()


def is_under_minimum(summary: SessionSummary, now: datetime) -> bool:
    """Past its minimum-size deadline with fewer seated than its minimum, and not cancelled."""
    record = summary.session
    plan = record.plan
    return (
        not record.cancelled
        and plan.seats_min > 0
        and summary.seated < plan.seats_min
        and now >= minimum_deadline(plan)
    )


def settings_page(scope: CourseScope, *, sheet_id: int, now: datetime) -> SettingsPage:
    with db.transaction() as session:
        settings = sheet_settings_repo.get_settings(session, scope, sheet_id)
        summaries = signups_repo.list_sessions(session, scope, sheet_id)
    return SettingsPage(settings, tuple(s for s in summaries if is_under_minimum(s, now)))


def save_settings(
    scope: CourseScope,
    *,
    sheet_id: int,
    timezone: str,
    cancel_under_minimum: bool,
    now: datetime,
) -> SettingsSaved:
    name = timezone.strip()
    if zone(name) is None:
        return SettingsSaved(None, (unknown_zone_problem(name, "timezone"),))
    with db.write_transaction() as session:
        saved = sheet_settings_repo.save_settings(
            session, scope, sheet_id, SheetSettings(name, cancel_under_minimum), now
        )
    return SettingsSaved(saved)


def cancels_under_minimum(scope: CourseScope, *, sheet_id: int) -> bool:
    """For the worker: whether this sheet's sessions under their minimum are cancelled."""
    with db.transaction() as session:
        return sheet_settings_repo.get_settings(session, scope, sheet_id).cancel_under_minimum
