"""Driving sign-up sheets in real Chromium inside the demo LMS: launching a course link as the
instructor or as a learner picked in the course page's select, screenshots of the tool's frame,
an axe-core record per page state, and the one step a browser cannot take: letting a week pass.

Used by ``tests/e2e/test_signups_browser.py``; nothing here fakes the tool or the LMS.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from dataclasses import replace as replaced
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import ConsoleMessage, Frame, Page, expect

from lti_app.demo import RunningDemo
from tests.support.accessibility import AXE_TAGS, Finding, blocking_findings
from tests.support.sitebuild import REPO_ROOT

SHOTS_DIR = REPO_ROOT / "test-artefacts" / "signups"
DOCS_IMG_DIR = REPO_ROOT / "docs" / "instructors" / "img"
AXE_RUN = """tags => axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"""


def tool_frame(page: Page) -> Frame:
    frame = page.frame(name="tool-frame")
    assert frame is not None, "the course page has no iframe named tool-frame"
    return frame


def choose_learner(page: Page, demo: RunningDemo, name: str) -> None:
    """The course page's "Learner to launch as" select (GET ?learner=<sub>)."""
    page.goto(demo.urls.course)
    page.get_by_label("Learner to launch as").select_option(label=name)
    page.get_by_role("button", name="Choose", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]learner="))
    expect(page.locator(".lms-intro")).to_contain_text(name)


def open_link(page: Page, demo: RunningDemo, title: str, role: str, learner: str = "") -> Frame:
    """Open the course link ``title`` in the tool's frame as ``role``; for a learner, as the
    person ``learner`` chosen in the course page's select. Returns the frame on the sheet."""
    if learner:
        choose_learner(page, demo, learner)
    else:
        page.goto(demo.urls.course)
    page.get_by_role("button", name=f"Open {title} as {role}", exact=True).click()
    frame = tool_frame(page)
    frame.wait_for_url(re.compile(r".*/signups/(\?.*)?$"))
    expect(frame.locator("h1")).to_contain_text(title)
    return frame


def place_sheet(page: Page, demo: RunningDemo, title: str) -> None:
    """The instructor adds the catalogue's sign-up activity ``title`` by deep linking, with
    its gradebook column (the picker's default)."""
    page.goto(demo.urls.course)
    page.get_by_role("button", name=re.compile("deep linking")).click()
    frame = tool_frame(page)
    frame.wait_for_url("**/deep-linking/")
    frame.get_by_label(title, exact=True).check()
    expect(frame.get_by_label("Add a gradebook column for each chosen item")).to_be_checked()
    frame.get_by_role("button", name="Add to course").click()
    expect(frame.locator("h1")).to_contain_text("Added 1 item")
    page.goto(demo.urls.course)
    expect(page.locator(".lms-link-list")).to_contain_text(title)


def flashed(frame: Frame) -> Any:
    """The page's status region (flashed outcomes)."""
    return frame.locator("#iv-status")


WIDER_THAN_THE_PAGE = """() => [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .filter(el => !el.closest('.table-wrap')
        || ['absolute', 'fixed'].includes(getComputedStyle(el).position))
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className ? '.' + String(el.className).replace(/ +/g, '.') : '')
        + ' right=' + Math.round(el.getBoundingClientRect().right))"""


# Why the learner's sheet scrolls sideways at 390 px today (an app bug, reported): allow-lists
# in the tests name it, and an entry that no longer happens fails.


@dataclass
class Reflow:
    """WCAG 1.4.10 at the frame's width: states whose page scrolls sideways, with what sticks
    out (a wide table may scroll inside its ``.table-wrap``; what escapes it is named)."""

    problems: dict[str, list[str]] = field(default_factory=dict)

    def check(self, frame: Frame, state: str) -> None:
        widths = frame.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            culprits = frame.evaluate(WIDER_THAN_THE_PAGE)
            self.problems[state] = [f"scrollWidth {widths[0]} > {widths[1]}", *culprits]

    def unexpected(self, allowed: dict[str, str]) -> dict[str, list[str]]:
        return {s: found for s, found in self.problems.items() if s not in allowed}

    def stale(self, allowed: dict[str, str]) -> list[str]:
        return [state for state in allowed if state not in self.problems]


@dataclass
class Shots:
    """Screenshots of the tool's frame, grown to its page's height (as an LMS that resizes
    its frames would show it), written to ``test-artefacts/signups/<name>.png``."""

    folder: Path = SHOTS_DIR
    taken: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def frame(self, page: Page, name: str) -> Path:
        frame = tool_frame(page)
        element = page.locator("#tool-frame")
        before = element.evaluate("el => el.style.height")
        height = frame.evaluate("document.documentElement.scrollHeight")
        element.evaluate("(el, h) => { el.style.height = h + 'px'; }", height + 2)
        path = self.folder / f"{name}.png"
        try:
            element.screenshot(path=str(path), animations="disabled")
        finally:
            element.evaluate("(el, h) => { el.style.height = h; }", before)
        self.taken.append(path)
        return path

    def page(self, page: Page, name: str) -> Path:
        path = self.folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        self.taken.append(path)
        return path

    def publish(self, names: dict[str, str], target: Path = DOCS_IMG_DIR) -> list[Path]:
        """Copy screenshots into the docs (``{shot name: file name in the docs}``)."""
        target.mkdir(parents=True, exist_ok=True)
        copied = []
        for shot, doc_name in names.items():
            copied.append(Path(shutil.copyfile(self.folder / f"{shot}.png", target / doc_name)))
        return copied


@dataclass
class AxeRecord:
    """axe-core on each page state: the blocking findings, and a line per state for the log."""

    findings: list[Finding] = field(default_factory=list)
    states: list[tuple[str, int, int]] = field(default_factory=list)  # state, blocking, all

    def check(self, frame: Frame, state: str) -> None:
        # A click that navigates returns before the stylesheets arrive; axe measures sizes and
        # colours, so it runs on the loaded page, not on one styled by half its sheets.
        frame.wait_for_load_state("load")
        result: dict[str, Any] = frame.evaluate(AXE_RUN, AXE_TAGS)
        blocking = blocking_findings(state, result["violations"])
        self.findings += blocking
        self.states.append((state, len(blocking), len(result["violations"])))

    def summary(self) -> str:
        return "\n".join(f"{s}: {b} blocking, {a} violations in all" for s, b, a in self.states)


class CspWatch:
    """The browser's CSP reports (a blocked script or style) in any page or frame."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)


def start_session_an_hour_ago(app: Flask, session_id: int, editor_sub: str) -> None:
    """A week passes: the session (with its deadlines) is moved to have started an hour ago,
    through ``services.signups.edit_session`` with a ``now`` from a day before that start,
    as if the instructor had planned it then. The form rightly refuses a start in the past,
    and the tool reads the system clock, so this is the one step no browser can take."""
    from sqlalchemy import select

    from lti_app.domain.scope import CourseScope
    from lti_app.services import signups
    from lti_app.storage import db, signups_repo
    from lti_app.storage.models import LtiUser
    from lti_app.storage.signup_models import SignupSession

    with app.app_context():
        with db.transaction() as session:
            row = session.get(SignupSession, session_id)
            assert row is not None, f"no session {session_id}"
            scope, sheet_id = CourseScope(row.tenant_id, row.course_id), row.sheet_id
            record = signups_repo.get_session(session, scope, session_id, sheet_id)
            editor_id = session.scalar(select(LtiUser.id).where(LtiUser.sub == editor_sub))
        assert editor_id is not None
        plan = record.plan
        shift = plan.starts_at - (datetime.now(UTC) - timedelta(hours=1))

        def moved(instant: datetime | None) -> datetime | None:
            return None if instant is None else instant - shift

        earlier = replaced(
            plan,
            starts_at=plan.starts_at - shift,
            signup_opens_at=moved(plan.signup_opens_at),
            signup_closes_at=moved(plan.signup_closes_at),
            cancel_deadline=moved(plan.cancel_deadline),
            min_size_deadline=moved(plan.min_size_deadline),
        )
        saved = signups.edit_session(
            scope,
            sheet_id=sheet_id,
            session_id=session_id,
            plan=earlier,
            expected_version=record.version,
            editor_id=editor_id,
            now=earlier.starts_at - timedelta(days=1),
        )
        assert saved.session is not None, saved


def promote_from_waitlist(app: Flask, sheet_title: str, first_sub: str, promoted_sub: str) -> int:
    """A one-seat session on the sheet titled ``sheet_title``: ``first_sub`` books the seat,
    ``promoted_sub`` waits, ``first_sub`` leaves, so ``promoted_sub`` is promoted; all through
    ``services.signups`` (the service writes the "you have a place" notice in that
    transaction). Both people must have launched. The promoted person's notice id."""
    from sqlalchemy import select

    from lti_app.domain.scope import CourseScope
    from lti_app.domain.signups.booking import Intent
    from lti_app.domain.signups.plan import SessionPlan
    from lti_app.services import notifications, signups
    from lti_app.storage import db
    from lti_app.storage.models import LtiUser
    from lti_app.storage.signup_models import SignupSheet

    now = datetime.now(UTC)
    with app.app_context():
        with db.transaction() as session:
            sheet = session.scalars(
                select(SignupSheet).where(SignupSheet.title == sheet_title)
            ).one()
            scope, sheet_id = CourseScope(sheet.tenant_id, sheet.course_id), sheet.id
            ids = {
                sub: session.scalars(select(LtiUser.id).where(LtiUser.sub == sub)).one()
                for sub in (first_sub, promoted_sub)
            }
        starts = (now + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
        plan = SessionPlan(
            title="Intervision, one seat", method=None, starts_at=starts,
            duration=timedelta(minutes=90), timezone="Europe/Amsterdam", seats_max=1,
            case_bringer_places=0,
        )  # fmt: skip
        saved = signups.create_session(scope, sheet_id=sheet_id, plan=plan, now=now)
        assert saved.session is not None, saved.problems
        where = {"sheet_id": sheet_id, "session_id": saved.session.id}
        for sub in (first_sub, promoted_sub):
            signups.book(scope, **where, user_id=ids[sub], intent=Intent.CONSULTANT, now=now)
        left = signups.cancel_booking(scope, **where, user_id=ids[first_sub], now=now)
        assert [b.user_id for b in left.promoted] == [ids[promoted_sub]]
        (notice,) = notifications.unread_notices(scope, ids[promoted_sub], now)
        assert notice.kind == notifications.PROMOTED
        return notice.id
