"""The sign-up sheet's instructor pages beyond the sheet and the session, and the learner's
notices page, under axe-core in real Chromium inside the demo LMS (the tags and blocking
impacts of ``tests/support/accessibility.py``, the tool's real CSP).

The instructor places a sheet by deep linking, opens "Stable groups", is refused once (a size
range the roster cannot fill), then forms groups from the demo course's roster (the platform's
membership service); "Roles over the term" shows them; "Sheet settings" is refused once (a
zone the tool does not know, as an outdated or edited form would post) and then saved. A
learner picked in the course page's select opens her notices page, empty, then with the "you
have a place" notice of a promotion made through ``services.signups``. No state has a
critical or serious violation; screenshots go to ``test-artefacts/signups/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from lti_app.demo import RunningDemo
from tests.support.lti_fixtures import running_demo
from tests.support.network import RequestLog
from tests.support.signup_browser import (
    AxeRecord,
    CspWatch,
    Shots,
    flashed,
    open_link,
    place_sheet,
    promote_from_waitlist,
)
from tests.support.sitebuild import ServedSite

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

SHEET = "Sign up for a live practice round"  # a signup activity of content/course.yml
TEACHER_SUB = "demo-instructor-anna"  # the instructor open_link launches as


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, site: ServedSite) -> Iterator[RunningDemo]:
    with running_demo(tmp_path_factory.mktemp("signup-admin") / "instance", site.root) as d:
        yield d


def _page(browser: Browser, request_log: RequestLog, axe_source: str, watch: CspWatch) -> Page:
    context = browser.new_context(locale="en-GB", viewport={"width": 1100, "height": 900})
    context.route("**/*", request_log.route)
    context.add_init_script(script=axe_source)
    context.on("console", watch.on_console)
    return context.new_page()


def _follow(frame: Frame, link: str, url_glob: str) -> None:
    frame.get_by_role("link", name=link, exact=True).first.click()
    frame.wait_for_url(url_glob)


def test_groups_rotation_settings_and_notices_pass_axe(
    browser: Browser, request_log: RequestLog, axe_source: str, demo: RunningDemo
) -> None:
    watch, axe, shots = CspWatch(), AxeRecord(), Shots()
    teacher = _page(browser, request_log, axe_source, watch)
    place_sheet(teacher, demo, SHEET)
    frame = open_link(teacher, demo, SHEET, "instructor")

    _follow(frame, "Stable groups", "**/signups/groups")
    axe.check(frame, "stable groups, none yet (instructor)")
    frame.get_by_label("Smallest group", exact=True).fill("9")
    frame.get_by_label("Largest group", exact=True).fill("2")
    with frame.expect_navigation():
        frame.get_by_role("button", name="Form groups").click()
    expect(frame.locator("#form-groups-errors")).to_contain_text("No groups were formed")
    axe.check(frame, "stable groups, form refused (instructor)")
    shots.frame(teacher, "admin-groups-refused")
    frame.get_by_label("Smallest group", exact=True).fill("3")
    frame.get_by_label("Largest group", exact=True).fill("4")
    with frame.expect_navigation():
        frame.get_by_role("button", name="Form groups").click()
    expect(frame.locator("#form-groups-errors")).to_have_count(0)
    expect(flashed(frame)).to_contain_text("9 learners are now in 3 groups of 3–4.")
    axe.check(frame, "stable groups, formed from the roster (instructor)")
    shots.frame(teacher, "admin-groups-formed")

    _follow(frame, "Back to all sessions", "**/signups/")
    _follow(frame, "Roles over the term", "**/signups/rotation")
    axe.check(frame, "roles over the term (instructor)")
    shots.frame(teacher, "admin-rotation")

    _follow(frame, "Back to all sessions", "**/signups/")
    _follow(frame, "Sheet settings", "**/signups/settings")
    axe.check(frame, "sheet settings (instructor)")
    frame.locator("#timezone").evaluate(
        "select => { select.add(new Option('Mars/Olympus_Mons', 'Mars/Olympus_Mons'));"
        " select.value = 'Mars/Olympus_Mons'; }"
    )
    with frame.expect_navigation():
        frame.get_by_role("button", name="Save settings").click()
    expect(frame.locator("#form-errors")).to_contain_text("Nothing was saved")
    expect(frame.locator("#timezone")).to_have_attribute("aria-invalid", "true")
    axe.check(frame, "sheet settings, refused (instructor)")
    shots.frame(teacher, "admin-settings-refused")
    frame.locator("#timezone").select_option("Europe/Amsterdam")
    with frame.expect_navigation():
        frame.get_by_role("button", name="Save settings").click()
    axe.check(frame, "sheet settings, saved (instructor)")
    shots.frame(teacher, "admin-settings")

    learner = _page(browser, request_log, axe_source, watch)
    lframe = open_link(learner, demo, SHEET, "learner", "Bram Jansen")
    lframe.goto(lframe.url.split("?")[0].rstrip("/") + "/notices/")
    expect(lframe.locator("h1")).to_be_visible()
    axe.check(lframe, "notices, none (learner)")
    notice_id = promote_from_waitlist(demo.tool_app, SHEET, TEACHER_SUB, "demo-learner-bram")
    lframe.goto(lframe.url)
    expect(lframe.locator(f'li[data-notice="{notice_id}"]')).to_contain_text("You have a place")
    axe.check(lframe, "notices, a promotion (learner)")
    shots.frame(learner, "learner-notices")

    (shots.folder / "axe-admin.txt").write_text(axe.summary() + "\n", encoding="utf-8")
    assert axe.findings == [], "\n".join(map(str, axe.findings))
    assert watch.violations == []
    assert request_log.blocked == [], request_log.blocked
