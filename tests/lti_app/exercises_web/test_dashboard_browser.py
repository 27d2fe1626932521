"""The round chooser in real Chromium: the instructor picks a stable group's earlier round by
keyboard, the page shows that round, the CSV link downloads that round's rows, and axe-core
finds nothing critical or serious in either state (1280 px; the chosen round at 390 px too)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.support.accessibility_tool_pages import tool_browser
from tests.support.dashboard_rounds import CASE_MARKER, stable_rounds_world
from tests.support.launches import LaunchAs

pytestmark = pytest.mark.browser


def test_choosing_a_round_by_keyboard_axe_clean(app: Flask, launch_as: LaunchAs) -> None:
    world = stable_rounds_world(app, launch_as)
    teacher = world.instructor
    width = 1280
    with tool_browser(teacher.client, width=width) as browser:
        page = browser.page
        page.goto(teacher.url("/dashboard"))
        expect(page.get_by_role("heading", name=f"Rounds of {world.group_name}")).to_be_visible()
        assert browser.axe(f"dashboard {width}px") == []

        chooser = page.get_by_label("Show the process of")
        chooser.focus()
        chooser.select_option(str(world.first_round))
        page.keyboard.press("Tab")  # to "Show"
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf".*/dashboard\?round={world.first_round}$"))
        expect(page.locator("[data-chosen-round]")).to_contain_text("Showing round 1 of 2")
        expect(page.locator("[data-group]")).to_have_count(1)
        expect(chooser).to_have_value(str(world.first_round))
        assert browser.axe(f"dashboard, round 1, {width}px") == []
        page.set_viewport_size({"width": 390, "height": 844})
        assert browser.axe("dashboard, round 1, 390px") == []
        assert CASE_MARKER not in page.content()

        with page.expect_download() as download:
            page.get_by_role("link", name="Download the process as CSV (round 1)").click()
        text = download.value.path().read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 1 + len(world.members)
        assert sorted(row[3] for row in rows[1:]) == ["0"] * (len(world.members) - 1) + ["1"]
        assert browser.refused == []  # nothing but the tool was asked for
