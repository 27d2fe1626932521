"""In real Chromium, at 1280 and 390 px: the dashboard with "Start a round for every group"
(two stable groups waiting) and the roles-by-hand form, blank, refused with its messages on the
fields, and sent by keyboard; axe-core finds nothing critical or serious in any of them."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.support.accessibility_tool_pages import tool_browser
from tests.support.exercise_pages import member
from tests.support.launches import LaunchAs
from tests.support.stable_start_world import sheet_group, stable_start

pytestmark = pytest.mark.browser
NARROW = {"width": 390, "height": 844}


def test_every_group_button_and_the_roles_form_axe_clean(app: Flask, launch_as: LaunchAs) -> None:
    world = stable_start(app, launch_as, size=6, method="collegial-counselling")
    trio = [member(app, launch_as, "learner", f"trio-{n}").user_id for n in range(3)]
    sheet_group(app, world.scope, "trio-sheet", trio)
    teacher = world.instructor
    with tool_browser(teacher.client) as browser:
        page = browser.page
        page.goto(teacher.url("/dashboard"))
        expect(page.get_by_role("button", name="Start a round for every group")).to_be_visible()
        assert browser.axe("dashboard, every group waiting, 1280px") == []
        page.set_viewport_size(NARROW)
        assert browser.axe("dashboard, every group waiting, 390px") == []

        link = page.locator(f'[data-roles-by-hand="{world.group_id}"]')
        # two sheets, each with its "Group 1": the link names the sheet and the number too
        expect(link).to_have_text(
            f"Choose the roles of Groups: Group 1, no. {world.group_id} by hand"
        )
        link.click()
        heading = page.get_by_role("heading", name=f"Choose the roles of {world.group_name}")
        expect(heading).to_be_visible()
        assert browser.axe("roles by hand, 390px") == []
        page.set_viewport_size({"width": 1280, "height": 900})
        assert browser.axe("roles by hand, 1280px") == []

        moderator = page.get_by_label("Moderator")
        observer = page.get_by_label("Process observer (optional)")
        observer.select_option(moderator.input_value())  # the moderator cannot observe
        page.get_by_role("button", name="Start the round with these roles").click()
        expect(page.locator("#duty_observer-error")).to_contain_text("other than the moderator")
        expect(observer).to_have_attribute("aria-invalid", "true")
        assert browser.axe("roles by hand, refused, 1280px") == []
        page.set_viewport_size(NARROW)
        assert browser.axe("roles by hand, refused, 390px") == []

        observer.select_option("")  # nobody observes; the proposal's roles stay
        observer.focus()
        page.keyboard.press("Tab")  # on to the timekeeper, then the button
        page.keyboard.press("Tab")
        button = page.get_by_role("button", name="Start the round with these roles")
        expect(button).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"The round of {world.group_name} is made")).to_be_visible()
        assert browser.refused == []
