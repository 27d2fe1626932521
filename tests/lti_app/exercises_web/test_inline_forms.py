"""The small forms on each post are written by hand in ``_post.html`` (a Flask-WTF form per post
was half of a 200-post page): their fields must stay the ones the view's form reads back."""

from __future__ import annotations

from typing import Any

from flask import Flask

from lti_app.web.exercises.pages import ACTION_FORMS
from tests.support.exercise_pages import CASE, CHECKLIST, Page, at_phase, group_of_four, posted
from tests.support.launches import LaunchAs

NOT_ON_THE_PAGE = {"phase_index"}  # the service decides on the phase of now


def _inline_fields(page: Page, action: str) -> dict[str, dict[str, Any]]:
    """The named fields of the first ``action`` form on the page, prefix stripped."""
    forms = page.with_attr("data-action", action)
    assert forms, f"no {action} form"
    post_id = forms[0].attrs["action"].rstrip("/").split("/")[-2]
    prefix = f"{action}-{post_id}-"
    return {
        e.attrs["name"].removeprefix(prefix): e.attrs
        for e in page.parser.elements
        if e.tag in ("input", "select", "textarea") and e.attrs.get("name", "").startswith(prefix)
    }


def _form_fields(app: Flask, action: str) -> dict[str, Any]:
    with app.test_request_context():
        form = ACTION_FORMS[action](prefix=action, formdata=None)
        return {f.short_name: f for f in form if f.short_name not in NOT_ON_THE_PAGE}


def _assert_same_fields(app: Flask, page: Page, action: str) -> None:
    shown = _inline_fields(page, action)
    expected = _form_fields(app, action)
    assert set(shown) == set(expected), action
    for name, form_field in expected.items():
        if form_field.flags.hidden:  # WTForms writes no validation attributes on those
            continue
        assert ("required" in shown[name]) == bool(form_field.flags.required), (action, name)
        if form_field.flags.maxlength:
            assert shown[name]["maxlength"] == str(form_field.flags.maxlength), (action, name)
    assert shown["csrf_token"]["value"], action


def test_every_inline_form_writes_the_fields_its_view_reads(
    app: Flask, launch_as: LaunchAs
) -> None:
    _, (bringer, chair, one, _two), group_id = group_of_four(app, launch_as)
    url = f"/groups/{group_id}/"
    at_phase(app, group_id, 0)
    bringer.follow(
        bringer.submit(
            bringer.page(url), f"/groups/{group_id}/case", {**CASE, "case-checklist": CHECKLIST}
        )
    )
    at_phase(app, group_id, 1)
    posted(one, group_id, "question", "What happens right before you propose?")
    at_phase(app, group_id, 2)
    page = bringer.page(url)
    _assert_same_fields(app, page, "mark")
    _assert_same_fields(app, page, "flag")
    _assert_same_fields(app, chair.page(url), "hide")
    at_phase(app, group_id, 3)
    _assert_same_fields(app, bringer.page(url), "answer")
    at_phase(app, group_id, 5)
    posted(one, group_id, "hypothesis", "Maybe the timing makes proposals feel like extra work.")
    at_phase(app, group_id, 6)
    page = bringer.page(url)
    _assert_same_fields(app, page, "rate")
    tokens = [
        e.attrs["value"] for e in page.parser.elements if "client_token" in e.attrs.get("name", "")
    ]
    assert len(tokens) == len(set(tokens)) > 1  # each form its own double-submit token
