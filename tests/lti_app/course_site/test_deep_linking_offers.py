"""The picker offers only what this installation can open: a kind the catalogue lists but
whose screens the installed version lacks (only the placeholder fallback serves it) is neither
shown nor accepted, so it can create no course link and no gradebook column."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from lti_app.lti.dispatch import EXTENSION, LaunchHandlers, feature_opens, launch_handler
from lti_app.web import activity_placeholders
from tests.support.deep_linking_form import open_deep_linking_form
from tests.support.launches import FORM_HEADERS, TOOL, LaunchAs, csrf_token


def _without_exercise_screens(app: Flask) -> None:
    """The registry of a version that ships everything but the exercise screens: the same
    handlers, except that ``peer-feedback`` is served by the placeholder fallback only."""
    full: LaunchHandlers = app.extensions[EXTENSION]
    older = LaunchHandlers()
    for kind in ("resource", "module", "deep_link", "signup"):
        handler = full.get(kind)
        assert handler is not None
        older.register(kind, handler)
    older.register_fallback("peer-feedback", activity_placeholders.open_activity)
    app.extensions[EXTENSION] = older


def test_the_shipped_tool_opens_every_kind_it_offers(app: Flask) -> None:
    for kind in ("module", "signup", "peer-feedback"):
        assert feature_opens(app, kind), kind
    assert not feature_opens(app, "future-kind")


def test_a_kind_served_only_by_the_placeholder_is_not_offered(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    _without_exercise_screens(app)
    assert launch_handler(app, "peer-feedback") is activity_placeholders.open_activity
    page = open_deep_linking_form(client, launch_as)
    assert 'value="peer-feedback:' not in page
    assert "Peer-feedback exercises</legend>" not in page
    assert 'value="signup:kick-off"' in page and 'value="module:troika"' in page


def test_a_kind_served_only_by_the_placeholder_is_refused_when_posted(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    _without_exercise_screens(app)
    page = open_deep_linking_form(client, launch_as)
    response = client.post(
        TOOL + "/deep-linking/",
        headers=FORM_HEADERS,
        data={
            "csrf_token": csrf_token(page),
            "item": "peer-feedback:troika-round",
            "graded": "yes",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "no longer in the course catalogue" in html and 'name="JWT"' not in html


def test_an_activity_card_of_a_shipped_kind_says_where_it_opens(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    """The course home and module pages link activities to /activities/<id>: for a kind the
    tool runs, that page sends people to the activity's own course link, never "coming soon"."""
    launched = launch_as("learner")
    html = client.get(launched.url("/activities/kick-off")).get_data(as_text=True)
    assert 'id="open-from-course"' in html and "coming soon" not in html
    assert "Select content" not in html  # the deep-linking hint is for trainers
    trainer = launch_as("instructor", user_id="trainer")
    html = client.get(trainer.url("/activities/kick-off")).get_data(as_text=True)
    assert "Select content" in html


def test_an_activity_card_of_a_kind_without_screens_is_coming_soon(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    _without_exercise_screens(app)
    launched = launch_as("learner")
    html = client.get(launched.url("/activities/troika-round")).get_data(as_text=True)
    assert 'id="coming-soon"' in html and 'id="open-from-course"' not in html
