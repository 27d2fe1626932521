"""The launch-handler registry is per app, filled by each feature's init_app; a feature takes a
kind over from the "coming soon" placeholder whichever of the two registers first."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.typing import ResponseReturnValue

from lti_app.domain.activities import KINDS
from lti_app.lti.dispatch import (
    launch_handler,
    register_fallback_handler,
    register_launch_handler,
)
from lti_app.lti.launch import Launch
from lti_app.web import activity_placeholders, course_home, deep_linking, modules
from lti_app.web.exercises import learner_views as exercises
from lti_app.web.signups import learner_views as signups


def open_signups(launch: Launch) -> ResponseReturnValue:
    return "the sign-up sheet"


def test_the_app_routes_each_kind_to_its_feature(app: Flask) -> None:
    assert launch_handler(app, "resource") is course_home.open_course_home
    assert launch_handler(app, "module") is modules.open_module
    assert launch_handler(app, "deep_link") is deep_linking.open_deep_link
    assert launch_handler(app, KINDS["signup"].launch_kind) is signups.open_sheet
    assert launch_handler(app, KINDS["peer-feedback"].launch_kind) is exercises.open_exercise
    assert launch_handler(app, "unknown-kind") is None  # the landing page


@pytest.mark.parametrize("feature_first", [True, False])
def test_a_feature_takes_a_kind_over_from_the_placeholder(feature_first: bool) -> None:
    app = Flask(__name__)
    if feature_first:
        register_launch_handler(app, "signup", open_signups)
    activity_placeholders.init_app(app)
    if not feature_first:
        register_launch_handler(app, "signup", open_signups)
    assert launch_handler(app, "signup") is open_signups
    assert launch_handler(app, "peer-feedback") is activity_placeholders.open_activity


def test_registering_a_kind_twice_in_one_app_is_still_refused() -> None:
    app = Flask(__name__)
    activity_placeholders.init_app(app)
    register_launch_handler(app, "signup", open_signups)
    register_launch_handler(app, "signup", open_signups)  # the same handler again: harmless

    def another(launch: Launch) -> ResponseReturnValue:
        return ""

    with pytest.raises(ValueError, match="already registered"):
        register_launch_handler(app, "signup", another)
    with pytest.raises(ValueError, match="already registered"):
        register_fallback_handler(app, ["signup"], another)
    with pytest.raises(ValueError, match="must match"):
        register_fallback_handler(app, ["Sign Up"], another)


def test_apps_do_not_share_handlers() -> None:
    first, second = Flask("first"), Flask("second")
    register_launch_handler(first, "signup", open_signups)
    assert launch_handler(first, "signup") is open_signups
    assert launch_handler(second, "signup") is None
