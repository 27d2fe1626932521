"""A sign-up sheet in Dutch and in German, in real Chromium inside the demo LMS.

The instructor (no language sent: English) places the sheet and plans one session; a learner
whose LMS sends ``nl-NL`` and one whose LMS sends ``de-DE`` (the demo course page's "Language
the LMS sends", which goes into the launch's ``launch_presentation.locale``) open the sheet:
their words, ``<html lang>`` and the session's time in their language's format (Babel's
``weekday_datetime``), then sign up and read the outcome in their language. axe-core finds no
critical or serious violation on any of these pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from lti_app.demo import RunningDemo
from lti_app.i18n.formatting import format_instant
from tests.support.lti_fixtures import running_demo
from tests.support.network import RequestLog
from tests.support.signup_browser import (
    AxeRecord,
    CspWatch,
    flashed,
    open_link,
    place_sheet,
    tool_frame,
)
from tests.support.sitebuild import ServedSite

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

SHEET = "Sign up for a live practice round"  # a signup activity of content/course.yml
TITLE = "Practice round, group A"
ZONE = "Europe/Amsterdam"
BRAM, CHLOE = "Bram Jansen", "Chloé Martin"


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, site: ServedSite) -> Iterator[RunningDemo]:
    with running_demo(tmp_path_factory.mktemp("signups-locale") / "instance", site.root) as running:
        yield running


def _page(browser: Browser, request_log: RequestLog, axe_source: str, watch: CspWatch) -> Page:
    context = browser.new_context(
        locale="en-GB", timezone_id=ZONE, viewport={"width": 1280, "height": 900}
    )
    context.route("**/*", request_log.route)
    context.add_init_script(script=axe_source)
    context.on("console", watch.on_console)
    return context.new_page()


def _start() -> datetime:
    """19:00 in Amsterdam, ten days from today (wall time; never in the past)."""
    day = datetime.now(ZoneInfo(ZONE)) + timedelta(days=10)
    return day.replace(hour=19, minute=0, second=0, microsecond=0, tzinfo=None)


def _plan_one(frame: Frame, start: datetime) -> None:
    frame.get_by_role("link", name="Plan a session or series").click()
    frame.wait_for_url("**/signups/sessions/new")
    frame.get_by_label("Title", exact=True).fill(TITLE)
    frame.get_by_label("Starts", exact=True).fill(start.strftime("%Y-%m-%dT%H:%M"))
    frame.get_by_label("Time zone of these times").select_option(ZONE)
    frame.get_by_label("Seats", exact=True).fill("4")
    frame.get_by_label("Case-bringer places").fill("1")
    with frame.expect_navigation():
        frame.get_by_role("button", name="Create").click()
    expect(flashed(frame)).to_contain_text(f"Session “{TITLE}” created.")


def _open_in(page: Page, demo: RunningDemo, learner: str, locale: str) -> Frame:
    """The sheet as ``learner``, launched with the LMS language ``locale``."""
    page.goto(demo.urls.course)
    page.get_by_label("Learner to launch as").select_option(label=learner)
    page.get_by_label("Language the LMS sends").select_option(locale)
    page.get_by_role("button", name="Choose", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]locale="))
    page.get_by_role("button", name=f"Open {SHEET} as learner", exact=True).click()
    frame = tool_frame(page)
    frame.wait_for_url(re.compile(r".*/signups/(\?.*)?$"))
    expect(frame.locator("tr[data-session]")).to_have_count(1)
    return frame


LEARNERS = (
    (BRAM, "nl-NL", "nl", ("Bijeenkomsten", "Plaatsen vrij", "Wachtlijst"),
     "Inschrijven als consultant", "Je hebt een plek als consultant."),
    (CHLOE, "de-DE", "de", ("Termine", "Freie Plätze", "Warteliste"),
     "Als beratende Person anmelden", "Sie haben einen Platz als beratende Person."),
)  # fmt: skip
"""Who, the language their LMS sends, the page's lang, words of the sheet, the sign-up button,
the outcome."""


def test_a_dutch_and_a_german_learner_see_the_sheet_in_their_language(
    browser: Browser, request_log: RequestLog, axe_source: str, demo: RunningDemo
) -> None:
    watch = CspWatch()
    axe = AxeRecord()
    instructor = _page(browser, request_log, axe_source, watch)
    place_sheet(instructor, demo, SHEET)
    start = _start()
    _plan_one(open_link(instructor, demo, SHEET, "instructor"), start)
    instant = start.replace(tzinfo=ZoneInfo(ZONE))

    for learner, locale, lang, words, button, booked in LEARNERS:
        shown = format_instant(instant, "weekday_datetime", tz=ZONE, locale=lang)
        assert shown != format_instant(instant, "weekday_datetime", tz=ZONE, locale="en")
        frame = _open_in(_page(browser, request_log, axe_source, watch), demo, learner, locale)
        assert frame.evaluate("document.documentElement.lang") == lang
        for word in words:
            expect(frame.locator("body")).to_contain_text(word)
        expect(frame.locator("tr[data-session] time").first).to_have_text(shown)
        axe.check(frame, f"sheet ({lang})")

        frame.locator("tr[data-session] th a").click()
        frame.wait_for_url(re.compile(r".*/signups/sessions/\d+/(\?.*)?$"))
        assert frame.evaluate("document.documentElement.lang") == lang
        expect(frame.locator("#session-facts time").first).to_have_text(shown)
        sign_up = frame.locator("#my-booking").get_by_role("button", name=re.compile(f"^{button}"))
        with frame.expect_navigation():
            sign_up.click()
        expect(flashed(frame)).to_contain_text(booked)
        axe.check(frame, f"session page, booked ({lang})")

    assert axe.findings == [], f"{len(axe.findings)} axe violations:\n" + "\n".join(
        str(finding) for finding in axe.findings
    )
    assert [state for state, _, _ in axe.states] == [
        "sheet (nl)", "session page, booked (nl)", "sheet (de)", "session page, booked (de)"
    ]  # fmt: skip
    assert watch.violations == [], f"CSP blocked something: {watch.violations}"
    assert request_log.blocked == [], f"requests left loopback: {request_log.blocked}"
