"""What every sign-up view needs: the blueprint, the launch's sheet, the viewer's time zone and
how people are named on screen.

A sheet is one resource link in one course. The launch names it; the views never take a sheet id
from the URL. The sheet's id, title and zone are kept in the (signed) session cookie per launch
id, so a page costs no write; a launch whose sheet is not known yet finds or creates it through
``services.signups.open_sheet``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, request, session
from markupsafe import Markup

from lti_app.domain.errors import IntervisionError
from lti_app.domain.scope import CourseScope
from lti_app.domain.signups.timezones import (
    ViewerZone,
    ZoneSource,
    utc_to_local,
    viewer_zone,
    zone,
)
from lti_app.i18n import gettext
from lti_app.i18n.formatting import current_locale, format_instant, time_zone_name
from lti_app.lti.current import require_launch
from lti_app.lti.deep_linking import REF_PARAMETER
from lti_app.lti.launch import Launch
from lti_app.services import signups
from lti_app.services.signups import SheetLink, SheetRecord
from lti_app.web.people import pseudonym

bp = Blueprint(
    "signups",
    __name__,
    url_prefix="/signups",
    template_folder="templates",
    static_folder="static",
)

SHEETS_KEY = "iv_signup_sheets"  # session: {launch id: [sheet id, title, zone]}, newest last
MAX_REMEMBERED = 10
ZONE_PARAMETER = "tz"  # the browser's IANA zone, put in links and forms by signups.js
ZONE_COOKIE = "iv_tz"
COURSE_ZONE_PARAMETER = "timezone"  # custom parameter an LMS may send (e.g. Canvas variable)
DEFAULT_ZONE_SETTING = "SIGNUPS_DEFAULT_TIMEZONE"


class NoSheetHere(IntervisionError):
    """A sign-up launch without a course or without a resource link: nothing to attach to."""

    status = 400
    title = "This link cannot open a sign-up sheet"
    message = (
        "A sign-up sheet belongs to one activity link in one course. Open it from the activity "
        "in your course; if you see this there, ask your trainer to add the sheet again."
    )


@dataclass(frozen=True, slots=True)
class Sheet:
    id: int
    title: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Here:
    """The launch, its course and its sheet: what every sign-up query is scoped by."""

    launch: Launch
    scope: CourseScope
    sheet: Sheet

    @property
    def user_id(self) -> int:
        return self.launch.user.id


def course_zone(launch: Launch) -> str:
    """The course's zone: the launch's ``timezone`` custom parameter, else the tool's setting,
    else UTC. Never an invalid name."""
    for candidate in (
        launch.custom.get(COURSE_ZONE_PARAMETER, ""),
        str(current_app.config.get(DEFAULT_ZONE_SETTING) or ""),
    ):
        if zone(candidate) is not None:
            return candidate
    return "UTC"


def sheet_link(launch: Launch) -> SheetLink:
    if launch.scope is None or launch.resource_link is None or not launch.resource_link.id:
        raise NoSheetHere(f"launch {launch.launch_id}: no course or no resource link")
    return SheetLink(
        resource_link_id=launch.resource_link.id,
        title=launch.resource_link.title,
        activity_id=launch.custom.get(REF_PARAMETER) or None,
        lineitem_url=launch.ags.lineitem_url if launch.ags else None,
        timezone=course_zone(launch),
    )


def remember_sheet(launch: Launch, record: SheetRecord) -> Sheet:
    sheet = Sheet(record.id, record.title, record.timezone)
    held = session.get(SHEETS_KEY)
    known = (
        {k: v for k, v in held.items() if k != launch.launch_id} if isinstance(held, dict) else {}
    )
    known[launch.launch_id] = [sheet.id, sheet.title, sheet.timezone]
    session[SHEETS_KEY] = dict(list(known.items())[-MAX_REMEMBERED:])
    return sheet


def open_launch_sheet(launch: Launch) -> Sheet:
    """Find or create the launch's sheet (with what the platform sent this time)."""
    scope = launch.scope
    link = sheet_link(launch)
    assert scope is not None
    return remember_sheet(launch, signups.open_sheet(scope, link, datetime.now(UTC)))


def here() -> Here:
    """The current launch's sheet; 401 without a launch, 400 outside a course or link."""
    launch = require_launch()
    sheet_link(launch)  # the same 400 for a launch that cannot have a sheet
    assert launch.scope is not None
    held = session.get(SHEETS_KEY)
    entry = held.get(launch.launch_id) if isinstance(held, dict) else None
    if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], int):
        sheet = Sheet(entry[0], str(entry[1]), str(entry[2]))
    else:
        sheet = open_launch_sheet(launch)
    return Here(launch, launch.scope, sheet)


# --- time zones ---------------------------------------------------------------------------------


def browser_zone() -> str | None:
    """The zone signups.js reported (query string or form field, else its cookie)."""
    return request.values.get(ZONE_PARAMETER) or request.cookies.get(ZONE_COOKIE) or None


def current_viewer_zone(sheet: Sheet) -> ViewerZone:
    return viewer_zone(browser_zone(), sheet.timezone)


def zone_arguments() -> dict[str, Any]:
    """Keep the browser's zone on a redirect after a POST (only a valid one)."""
    name = browser_zone()
    return {ZONE_PARAMETER: name} if name and zone(name) is not None else {}


def local(instant: datetime | None, tz: str) -> datetime | None:
    return utc_to_local(instant, tz) if instant is not None else None


def time_element(instant: datetime | None, tz: str) -> Markup:
    """``<time datetime="…Z">Tue 8 Dec 2026, 19:00</time>`` in ``tz``, in the reader's language
    (``di 8 dec 2026, 19:00``, ``Di., 8. Dez. 2026, 19:00``); a dash for none."""
    if instant is None:
        return Markup("–")
    text = format_instant(instant, "weekday_datetime", tz=tz)
    stamp = instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Markup('<time datetime="{}">{}</time>').format(stamp, text)


def offset_text(offset: timedelta | None) -> str:
    """``UTC+01:00``: the same in every language."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_label(viewer: ViewerZone, at: datetime) -> str:
    """What to print next to times: "Europe/Amsterdam (UTC+01:00), your browser's time zone";
    in Dutch and German the zone's own name in that language ("Midden-Europese
    standaardtijd")."""
    info = zone(viewer.name)
    offset = offset_text(at.astimezone(info).utcoffset() if info is not None else None)
    english = current_locale().split("_", 1)[0] == "en"
    name = viewer.name if english else time_zone_name(viewer.name)
    if viewer.source is ZoneSource.BROWSER:
        text = gettext("%(zone)s (%(offset)s), your browser's time zone", zone=name, offset=offset)
    elif viewer.source is ZoneSource.COURSE:
        text = gettext("%(zone)s (%(offset)s), the course's time zone", zone=name, offset=offset)
    else:
        text = gettext("%(zone)s (%(offset)s), no time zone was known", zone=name, offset=offset)
    return str(text)


# --- people -------------------------------------------------------------------------------------


def display_names(where: Here, user_ids: Iterable[int]) -> dict[int, str]:
    """What to print for each person: their name if shared, else their pseudonym; the viewer
    sees their own name from the launch."""
    ids = tuple(dict.fromkeys(user_ids))
    known = signups.person_names(where.scope, ids) if ids else {}
    if where.launch.user.name:
        known[where.user_id] = where.launch.user.name
    return {uid: (known.get(uid) or "").strip() or pseudonym(where.scope, uid) for uid in ids}
