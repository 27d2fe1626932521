"""The follow-up at a stable group's next meeting, in real Chromium inside the demo LMS.

The instructor places the same peer-feedback activity twice by deep linking: two links, two
exercises, two meetings of the course. Bram and Chloé open the second link once (it is not
set up yet). Three weeks of earlier use are then made in the demo tool's own process
(``tests/support/demo_stable_rounds``): the two are a stable group on a sign-up sheet (a Troika
pair, the fewest people who fill its roles), both exercises take that group, and at the first
meeting (the first link) Bram brought a case and wrote an action plan. In the browser the
instructor starts the group's round of the second link from its dashboard; Bram, opening that
link again, is asked at the top of the round what he tried of his plan (and sees it), answers,
and is not asked again; Chloé's page shows his answer. axe-core: nothing critical or serious
on the follow-up states.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from lti_app.demo import RunningDemo
from tests.support.demo_stable_rounds import earlier_round
from tests.support.exercise_browser import link_ids, open_exercise, place_exercise, press
from tests.support.lti_fixtures import running_demo
from tests.support.network import RequestLog
from tests.support.signup_browser import AxeRecord, flashed
from tests.support.sitebuild import ServedSite

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

LINK = "Collegial counselling, written round"  # a peer-feedback activity of content/course.yml
BRAM, CHLOE = "Bram Jansen", "Chloé Martin"
PLAN = "Ask for **one fixed slot** a week and a cancellation rule."
ANSWER = "I proposed the fixed slot; she took it and has *not cancelled since*."


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, site: ServedSite) -> Iterator[RunningDemo]:
    with running_demo(tmp_path_factory.mktemp("follow-up-demo") / "instance", site.root) as d:
        yield d


def _page(browser: Browser, request_log: RequestLog, axe_source: str) -> Page:
    context = browser.new_context(locale="en-GB", viewport={"width": 1100, "height": 900})
    context.route("**/*", request_log.route)
    context.add_init_script(script=axe_source)
    return context.new_page()


def _into_the_round(frame: Frame) -> None:
    """Open the exercise afresh: the ground rules once, then the person's round."""
    frame.goto(frame.url.split("/exercises/")[0] + "/exercises/")
    frame.get_by_label("I accept these ground rules").check()
    press(frame, "Accept and continue")
    expect(frame.locator("#exercise-round")).to_be_visible()


def test_the_case_bringer_is_asked_at_the_next_meeting_and_the_group_reads_it(
    browser: Browser, request_log: RequestLog, axe_source: str, demo: RunningDemo
) -> None:
    axe = AxeRecord()
    teacher = _page(browser, request_log, axe_source)
    place_exercise(teacher, demo, LINK)
    place_exercise(teacher, demo, LINK)  # the next meeting: a second link
    links = link_ids(teacher, demo, LINK)
    assert len(links) == 2 and links[0] != links[1], links

    people = {name: _page(browser, request_log, axe_source) for name in (BRAM, CHLOE)}
    frames = {
        name: open_exercise(page, demo, LINK, "learner", name, nth=1)
        for name, page in people.items()
    }
    expect(frames[BRAM].locator("body")).to_contain_text("not set this exercise up yet")
    earlier = earlier_round(
        demo.tool_app,
        (links[0], links[1]),
        [BRAM, CHLOE],
        method_slug="troika-consulting",
        plan=PLAN,
    )

    board = open_exercise(teacher, demo, LINK, "instructor", nth=1)
    press(board, f"Start the round of {earlier.group_name}")
    expect(flashed(board)).to_contain_text(f"The round of {earlier.group_name} is made")

    bram = frames[BRAM]
    _into_the_round(bram)
    asked = bram.locator("#follow-up")
    expect(asked.get_by_role("heading", name="Since last time")).to_be_visible()
    expect(asked.locator("[data-your-plan] strong")).to_have_text("one fixed slot")
    axe.check(bram, "round page, follow-up asked (case-bringer)")
    asked.get_by_label("What did you try of your action plan, and what happened?").fill(ANSWER)
    press(bram, "Tell the group", "#follow-up")
    expect(bram.locator("[data-follow-up-answer]")).to_contain_text("not cancelled since")
    expect(bram.locator("[data-follow-up-plan]")).to_have_count(0)  # asked once

    chloe = frames[CHLOE]
    _into_the_round(chloe)
    answer = chloe.locator("#follow-up [data-follow-up-answer]")
    expect(answer).to_contain_text(f"{BRAM} tried this of their action plan")
    expect(answer.locator("em")).to_have_text("not cancelled since")
    expect(chloe.locator("[data-follow-up-plan]")).to_have_count(0)  # only Bram is asked
    axe.check(chloe, "round page, follow-up answered (group member)")
    assert axe.findings == [], "\n".join(map(str, axe.findings))
    assert request_log.blocked == [], request_log.blocked
