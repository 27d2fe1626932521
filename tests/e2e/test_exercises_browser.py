"""Peer-feedback exercises in real Chromium inside the demo LMS, live and asynchronous, with
every page open.

The instructor places "Collegial counselling, written round" by deep linking and sets it up as a
live, named Ten-step round for groups of four (after one refused attempt). Four learners, each
launched from the course page's "Learner to launch as" select in their own browser context,
accept the ground rules and form one group; the roles are given (Bram brings the case, Chloé
chairs, Daan and Elif consult) and Bram submits the case after one refused, empty attempt.

Live: with all four pages open at once, the chair presses "Next phase" and every other
member's page shows the new phase heading within 4 s without a reload (a marker set on
``window`` before stays set) and the page's aria-live region announces it, through questions,
hypotheses, advice and reflection to the closed round. A consultant posts an XSS payload and a
``javascript:`` link: ``window.__xss`` stays undefined in every page and no dialog opens.

axe-core (the tags of ``tests/support/accessibility.py``) finds no critical or serious
violation on any state: ground rules, group list, the round page in each phase for the
case-bringer and a consultant, the case form with errors, dashboard, settings with errors,
adapt-method form, help page.

Asynchronous (the second test): the phase schedule refused once and saved, the deadlines of a
group from it, the instructor's "End this phase now" phase by phase with the members' open
pages following by themselves (the async page did not poll before, so it stayed on the phase it
was loaded in), the rating fieldset by keyboard at 390 px, axe-core on the async states.

Screenshots go to ``test-artefacts/exercises/``;
``INTERVISION_DOC_SCREENSHOTS=1`` copies the ones ``docs/instructors/exercises.md`` shows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Dialog, Frame, Page, expect

from lti_app.demo import RunningDemo
from tests.support.exercise_browser import (
    SHOTS_DIR,
    mark_page,
    open_exercise,
    page_stayed,
    place_exercise,
    press,
)
from tests.support.lti_fixtures import running_demo
from tests.support.network import RequestLog
from tests.support.signup_browser import AxeRecord, CspWatch, Reflow, Shots, flashed
from tests.support.sitebuild import ServedSite
from tests.support.xss_payloads import SET

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

LINK = "Collegial counselling, written round"  # a peer-feedback activity of content/course.yml
METHOD = "Ten-step method"
BRAM, CHLOE, DAAN, ELIF = "Bram Jansen", "Chloé Martin", "Daan Bakker", "Elif Yılmaz"
XSS_IMG = f'<img src=x onerror="{SET}">'
XSS_LINK = f"[read this](javascript:{SET})"
DOC_SHOTS = {  # screenshot → file in docs/instructors/img/
    "round-live-questions-consultant": "exercises-round-questions.png",
    "round-live-08-new-approach-and-readiness-to-change-case-bringer": (
        "exercises-round-case-bringer.png"
    ),
    "dashboard-running": "exercises-dashboard.png",
    "settings-errors": "exercises-settings-errors.png",
}


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, site: ServedSite) -> Iterator[RunningDemo]:
    with running_demo(tmp_path_factory.mktemp("exercises-demo") / "instance", site.root) as d:
        yield d


def _page(
    browser: Browser, request_log: RequestLog, axe_source: str, watch: CspWatch, dialogs: list[str]
) -> Page:
    context = browser.new_context(locale="en-GB", viewport={"width": 1100, "height": 900})
    context.route("**/*", request_log.route)
    context.add_init_script(script=axe_source)
    context.on("console", watch.on_console)
    page = context.new_page()

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page


def _phases(frame: Frame) -> int:
    text = frame.locator("#phase-heading").inner_text()
    found = re.search(r"of (\d+)", text)
    assert found, text
    return int(found.group(1))


def _post(frame: Frame, kind: str, text: str) -> None:
    form = frame.locator(f"#post-{kind}")
    form.locator("textarea").fill(text)
    press(frame, "Post", f"#post-{kind}")
    expect(frame.locator("#posts")).to_contain_text(text if "<" not in text else "onerror")


def test_a_live_round_followed_in_every_open_page(
    browser: Browser, request_log: RequestLog, axe_source: str, demo: RunningDemo
) -> None:
    watch, axe, shots, dialogs = CspWatch(), AxeRecord(), Shots(SHOTS_DIR), []
    teacher = _page(browser, request_log, axe_source, watch, dialogs)

    # --- the instructor places and sets up the exercise ---
    place_exercise(teacher, demo, LINK)
    frame = open_exercise(teacher, demo, LINK, "instructor")
    axe.check(frame, "dashboard, not set up")
    frame.get_by_role("link", name="Settings").first.click()
    frame.wait_for_url("**/exercises/settings")
    frame.get_by_label("Method").select_option(label=METHOD)
    frame.get_by_label("Mode").select_option("live")
    frame.get_by_label("Anonymity").select_option("named")
    frame.get_by_label("Self-formed groups: from").fill("1")
    frame.get_by_label("to (people)").fill("99")
    press(frame, "Save the settings")
    expect(frame.locator(".exercise-field__errors").first).to_be_visible()
    axe.check(frame, "settings with errors")
    shots.frame(teacher, "settings-errors")
    frame.get_by_label("Self-formed groups: from").fill("4")
    frame.get_by_label("to (people)").fill("4")
    press(frame, "Save the settings")
    expect(flashed(frame)).not_to_be_empty()
    frame.get_by_role("link", name=f"Adapt {METHOD}").click()
    frame.wait_for_url(re.compile(r".*/exercises/methods/ten-step-method"))
    axe.check(frame, "adapt-method form")
    shots.frame(teacher, "adapt-method")
    frame.get_by_role("link", name="How this exercise works").click()
    frame.wait_for_url("**/exercises/help")
    axe.check(frame, "help page (instructor)")
    shots.frame(teacher, "help")

    # --- four learners accept the ground rules and form one group ---
    people = {
        n: _page(browser, request_log, axe_source, watch, dialogs)
        for n in (BRAM, CHLOE, DAAN, ELIF)
    }
    frames: dict[str, Frame] = {}
    for index, (name, page) in enumerate(people.items()):
        f = open_exercise(page, demo, LINK, "learner", name)
        expect(f.locator("#ground-rules")).to_be_visible()
        if index == 0:
            axe.check(f, "ground rules")
            shots.frame(page, "ground-rules")
        f.get_by_label("I accept these ground rules").check()
        press(f, "Accept and continue")
        expect(f.locator("h1")).to_have_text("Find your group")
        if index == 0:
            axe.check(f, "group list, empty")
            press(f, "Start a new group")
        else:
            if index == 1:
                axe.check(f, "group list, one group")
                shots.frame(page, "group-list")
            with f.expect_navigation():
                f.get_by_role("button", name=re.compile(r"^Join")).first.click()
        expect(f.locator("#exercise-round")).to_be_visible()
        frames[name] = f
    bram, chloe, daan, elif_ = (frames[n] for n in (BRAM, CHLOE, DAAN, ELIF))

    bram.goto(bram.url)  # the group is complete now: the roles form
    bram.get_by_label("Who brings the case").select_option(label="You")  # Bram's own page
    bram.get_by_label("Who moderates").select_option(label=CHLOE)
    press(bram, "Give the roles")
    for f in frames.values():
        f.goto(f.url)
    expect(bram.locator("[data-my-role]")).to_have_text("Case-bringer")
    expect(chloe.locator("[data-my-role]")).to_have_text("Chair")
    expect(daan.locator("[data-my-role]")).to_have_text("Member")

    def advance(expected: re.Pattern[str] | str) -> str:
        """The chair presses the button; every other open page follows without a reload."""
        others = [bram, daan, elif_]
        for f in others:
            mark_page(f)
        button = chloe.locator("[data-action='advance'] button")
        label = button.inner_text()
        with chloe.expect_navigation():
            button.click()
        expect(chloe.locator("#phase-heading")).to_have_text(expected)
        heading = chloe.locator("#phase-heading").inner_text()
        for f in others:
            expect(f.locator("#phase-heading")).to_have_text(expected, timeout=4000)
            assert page_stayed(f), f"{f.url} reloaded on {label!r}"
            expect(f.locator("#iv-status")).to_contain_text(
                "The round is closed." if "closed" in heading else "Next phase:"
            )
        return heading

    # --- the round: start, the case (refused once), then phase by phase ---
    heading = advance(re.compile(r"Phase 1 of \d+: "))
    total = _phases(bram)
    press(bram, "Submit the case", "#post-case")
    expect(
        bram.locator("#post-case").locator("[role=alert], .exercise-field__errors").first
    ).to_be_visible()
    axe.check(bram, "case form with errors")
    shots.frame(people[BRAM], "case-form-errors")
    bram.get_by_label("The situation", exact=True).fill(
        "My team lead ignores my proposals in meetings."
    )
    bram.get_by_label("Your own role in it", exact=True).fill("I stay silent afterwards.")
    bram.get_by_label("Your key question", exact=True).fill("How do I get heard?")
    for box in bram.locator("#post-case input[type=checkbox]").all():
        box.check()
    press(bram, "Submit the case", "#post-case")
    expect(bram.locator("#case")).to_contain_text("ignores my proposals")

    seen: list[str] = []
    kinds_posted: set[str] = set()
    for number in range(1, total + 1):
        slug = re.sub(r"[^a-z]+", "-", heading.split(":", 1)[1].strip().lower()).strip("-")
        seen.append(heading)
        for who, f, page in (
            ("case-bringer", bram, people[BRAM]),
            ("consultant", daan, people[DAAN]),
        ):
            axe.check(f, f"round page, phase {number} ({who})")
            shots.frame(page, f"round-live-{number:02d}-{slug}-{who}")
        forms = [
            k
            for k in ("question", "hypothesis", "advice", "reflection")
            if daan.locator(f"#post-{k}").count()
        ]
        if "question" in forms and not any("XSS" in s for s in seen[:-1]):
            _post(daan, "question", f"{XSS_IMG} What did you say {XSS_LINK}?")
            kinds_posted.add("question")
            seen[-1] += " XSS"
            shots.frame(people[DAAN], "round-live-questions-consultant")
        for kind in ("hypothesis", "advice"):
            if kind in forms:
                _post(elif_, kind, f"My {kind}: ask for a slot on the agenda.")
                kinds_posted.add(kind)
        seen[-1] += " | case-bringer's forms: " + ",".join(
            bram.locator("#exercise-round section[id^=post-]").evaluate_all(
                "els => els.map(e => e.id)"
            )
        )
        if bram.locator("#post-action_plan").count():  # the case-bringer's reflection
            _post(bram, "action_plan", "The agenda slot is worth a try.")
            kinds_posted.add("reflection")
        heading = advance(
            "The round is closed"
            if number == total
            else re.compile(rf"Phase {number + 1} of {total}: ")
        )
    expect(bram.locator("#phase-heading")).to_have_text("The round is closed")
    axe.check(bram, "round page, closed (case-bringer)")
    shots.frame(people[BRAM], "round-live-closed")

    # --- no learner text ran anywhere ---
    for f in frames.values():
        assert f.evaluate("typeof window.__xss") == "undefined", f.url
    assert dialogs == []
    expect(daan.locator("#posts")).to_contain_text("onerror")  # shown as text

    # --- the dashboard of the running exercise ---
    frame = open_exercise(teacher, demo, LINK, "instructor")
    expect(frame.locator("h1")).to_be_visible()
    axe.check(frame, "dashboard with a closed group")
    shots.frame(teacher, "dashboard-running")

    (shots.folder / "axe.txt").write_text(axe.summary() + "\n", encoding="utf-8")
    (shots.folder / "phases.txt").write_text("\n".join(seen) + "\n", encoding="utf-8")
    assert kinds_posted == {"question", "hypothesis", "advice", "reflection"}, kinds_posted
    assert axe.findings == [], "\n".join(map(str, axe.findings))
    assert watch.violations == []
    assert request_log.blocked == [], request_log.blocked
    if os.environ.get("INTERVISION_DOC_SCREENSHOTS") == "1":
        shots.publish(DOC_SHOTS)


def _follows(frames: list[Frame], expected: re.Pattern[str] | str) -> None:
    """Every open page shows ``expected`` within 4 s by itself (no reload: the marker stays)."""
    for f in frames:
        expect(f.locator("#phase-heading")).to_have_text(expected, timeout=4000)
        assert page_stayed(f), f"{f.url} reloaded"


def test_an_async_round_moves_on_by_its_schedule_and_the_instructor(
    browser: Browser, request_log: RequestLog, axe_source: str, demo: RunningDemo
) -> None:
    """Asynchronous: the instructor sets the phase schedule (refused once: a date that has
    passed), four learners form a group whose deadlines come from it; the instructor ends each
    phase for the group ("End this phase now": its deadline becomes now) and every open page
    follows by itself; case, questions, hypotheses (rated 1-5 with tags by keyboard at 390 px),
    advice and reflection are posted in their phases. axe-core on each async state."""
    watch, axe, shots, dialogs = CspWatch(), AxeRecord(), Shots(SHOTS_DIR), []
    reflow = Reflow()
    teacher = _page(browser, request_log, axe_source, watch, dialogs)
    place_exercise(teacher, demo, LINK)
    frame = open_exercise(teacher, demo, LINK, "instructor")
    frame.get_by_role("link", name="Settings").first.click()
    frame.wait_for_url("**/exercises/settings")
    frame.get_by_label("Method").select_option(label=METHOD)
    frame.get_by_label("Mode").select_option("async")
    frame.get_by_label("Self-formed groups: from").fill("4")
    frame.get_by_label("to (people)").fill("4")
    press(frame, "Save the settings")
    frame.wait_for_url("**/exercises/schedule")  # straight on to the schedule
    first = frame.locator("#phase-0")
    first.get_by_label("Ends at a date and time").check()
    first.get_by_label("Date and time", exact=True).fill(
        (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    )
    press(frame, "Save the schedule")
    expect(frame.locator("#phase-0-error")).to_contain_text("has passed")
    axe.check(frame, "schedule with errors")
    shots.frame(teacher, "schedule-errors")
    first.get_by_label("Ends a time after the round's start").check()
    first.get_by_label("Amount", exact=True).fill("3")
    press(frame, "Save the schedule")
    expect(flashed(frame)).to_contain_text("The phase schedule is saved")

    people = {
        n: _page(browser, request_log, axe_source, watch, dialogs)
        for n in (BRAM, CHLOE, DAAN, ELIF)
    }
    frames: dict[str, Frame] = {}
    for index, (name, page) in enumerate(people.items()):
        f = open_exercise(page, demo, LINK, "learner", name)
        f.get_by_label("I accept these ground rules").check()
        press(f, "Accept and continue")
        if index == 0:
            press(f, "Start a new group")
        else:
            with f.expect_navigation():
                f.get_by_role("button", name=re.compile(r"^Join")).first.click()
        frames[name] = f
    bram, chloe, daan, elif_ = (frames[n] for n in (BRAM, CHLOE, DAAN, ELIF))
    bram.goto(bram.url)
    bram.get_by_label("Who brings the case").select_option(label="You")
    bram.get_by_label("Who moderates").select_option(label=CHLOE)
    press(bram, "Give the roles")
    for f in frames.values():
        f.goto(f.url)
    members = [bram, chloe, daan, elif_]

    # Phase 1 is open from the group's start, with the schedule's deadline (3 days).
    expect(bram.locator("#phase-heading")).to_have_text(re.compile(r"Phase 1 of 10: "))
    expect(bram.locator("#exercise-time-left")).to_contain_text("days left")
    assert not chloe.locator("[data-action='advance']").count()  # members wait for deadlines
    axe.check(bram, "async phase 1 (case-bringer)")
    bram.get_by_label("The situation", exact=True).fill("My lead ignores my proposals.")
    bram.get_by_label("Your own role in it", exact=True).fill("I stay silent afterwards.")
    bram.get_by_label("Your key question", exact=True).fill("How do I get heard?")
    for box in bram.locator("#post-case input[type=checkbox]").all():
        box.check()
    press(bram, "Submit the case", "#post-case")
    expect(bram.locator("#case")).to_contain_text("ignores my proposals")

    room = teacher.frame(name="tool-frame")
    assert room is not None
    # The instructor opens the group's round under their own launch (the same page path).
    group_url = room.url.split("/exercises/")[0] + "/exercises/" + bram.url.split("/exercises/")[1]
    room.goto(group_url)
    posted: set[str] = set()
    for number in range(1, 11):
        forms = [
            k for k in ("question", "hypothesis", "advice") if daan.locator(f"#post-{k}").count()
        ]
        for kind in forms:
            _post(daan if kind == "question" else elif_, kind, f"My {kind}: an agenda slot.")
            posted.add(kind)
        rate = bram.locator("[data-rating-form]")
        if rate.count() and "rating" not in posted:
            people[BRAM].set_viewport_size({"width": 390, "height": 844})
            reflow.check(bram, f"async phase {number}, rating at 390 px")
            axe.check(bram, f"async phase {number}, rating (case-bringer)")
            radio = rate.first.locator("input[type=radio]").first
            radio.focus()
            keys = people[BRAM].keyboard
            for _ in range(3):
                keys.press("ArrowRight")  # arrows move within the radio group: 1 -> 4
            expect(rate.first.locator("input[type=radio]:checked")).to_have_value("4")
            keys.press("Tab")  # out of the radio group, to the first tag
            keys.press("Space")
            expect(rate.first.locator("input[type=checkbox]:checked")).to_have_count(1)
            with bram.expect_navigation():
                rate.first.locator("xpath=ancestor::form").locator("button").click()
            expect(bram.locator("[data-rating='4']").first).to_be_visible()
            people[BRAM].set_viewport_size({"width": 1100, "height": 900})
            posted.add("rating")
        if bram.locator("#post-action_plan").count():
            _post(bram, "action_plan", "I will ask for an agenda slot.")
            posted.add("reflection")
        if number in (2, 6):  # the question phase for both; a reaction phase for the bringer
            axe.check(bram, f"async phase {number} (case-bringer)")
            if number == 2:
                axe.check(daan, f"async phase {number} (consultant)")
        for f in members:
            mark_page(f)
        with room.expect_navigation():  # the instructor's page is back on the group's round
            room.locator("[data-action='advance'] button").click()
        expected: re.Pattern[str] | str = (
            "The round is closed" if number == 10 else re.compile(rf"Phase {number + 1} of 10: ")
        )
        expect(room.locator("#phase-heading")).to_have_text(expected)
        if number in (1, 5, 10):
            _follows(members, expected)  # an open async page follows by itself
        else:  # those who post next open the page afresh (the chair's page follows alone)
            for f in (bram, daan, elif_):
                f.goto(f.url)
                expect(f.locator("#phase-heading")).to_have_text(expected)
    axe.check(bram, "async round closed (case-bringer)")
    shots.frame(people[BRAM], "round-async-closed")
    assert posted == {"question", "hypothesis", "advice", "rating", "reflection"}, posted
    assert axe.findings == [], "\n".join(map(str, axe.findings))
    assert reflow.problems == {}, reflow.problems
    assert watch.violations == [] and dialogs == []
    assert request_log.blocked == [], request_log.blocked
