"""Several launches in one browser session (two courses in two tabs or iframes).

Every page after a launch builds its links and forms under ``/launch/<launch id>``; the tool
acts on the launch the URL names, only if this browser's session holds it. The real "Mark as
done" endpoint; launches written through the tool's storage (``launch_as``: the same
``remember_launch`` on the session as ``/lti/launch``), and real OIDC round trips from an
lti1p3platform platform where the round trip itself is the point: a form from before another
launch still posts, and another person's launch clears the session.
"""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from lti_app.lti.current import launch_cache
from lti_app.lti.launch_session import MAX_HELD_LAUNCHES, SESSION_KEY
from lti_app.storage import db
from lti_app.storage.models import CourseContext, LaunchRecord
from lti_app.storage.progress_models import ModuleCompletion
from tests.support.launches import TOOL, LaunchAs, csrf_token, follow, launch
from tests.support.platforms import LEARNER, Platform

MODULE_LINK = {"kind": "module", "intervision_ref": "troika"}
SEGMENT = re.compile(r"^(/launch/[A-Za-z0-9_-]+)/")
FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


def open_module(
    client: FlaskClient, platform: Platform, context_id: str, user_id: str = "ada"
) -> tuple[str, str]:
    """Launch the Troika module link of a course; returns (launch segment, page html)."""
    response = launch(
        client, platform, [LEARNER], custom=MODULE_LINK, context_id=context_id, user_id=user_id
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    assert location.endswith("/site/modules/02-troika/"), location
    page = follow(client, response, TOOL)
    assert page.status_code == 200
    return location.removesuffix("/site/modules/02-troika/"), page.get_data(as_text=True)


def open_module_as(
    client: FlaskClient, launch_as: LaunchAs, context_id: str, user_id: str = "ada"
) -> tuple[str, str]:
    """``open_module`` from a launch written through the tool's storage."""
    launched = launch_as(
        "learner", client=client, custom=MODULE_LINK, context_id=context_id, user_id=user_id
    )
    page = client.get(launched.url("/site/modules/02-troika/"))
    assert page.status_code == 200
    return launched.prefix, page.get_data(as_text=True)


def mark_done_from(client: FlaskClient, page: str, page_url: str) -> Any:
    """Submit the page's own "Mark as done" form (its action and CSRF token)."""
    action = FORM_ACTION.search(page)
    assert action, "no Mark as done form on the page"
    return client.post(
        TOOL + action.group(1),
        data={"csrf_token": csrf_token(page)},
        headers={"Referer": page_url, "Origin": TOOL},
    )


def completions_by_course(app: Flask) -> list[tuple[str, str]]:
    with app.app_context(), db.transaction() as session:
        rows = session.execute(
            select(CourseContext.context_id, ModuleCompletion.module_slug).join(
                CourseContext, CourseContext.id == ModuleCompletion.course_id
            )
        ).all()
    return sorted((context_id, slug) for context_id, slug in rows)


def test_the_older_tab_marks_done_in_its_own_course(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    segment_a, _ = open_module_as(client, launch_as, "course-A")
    segment_b, _ = open_module_as(client, launch_as, "course-B")  # tab B, same person
    page_a_url = f"{TOOL}{segment_a}/site/modules/02-troika/"
    page_a = client.get(page_a_url).get_data(as_text=True)  # tab A moves on after B's launch

    done = mark_done_from(client, page_a, page_a_url)

    assert done.status_code == 303
    assert completions_by_course(app) == [("course-A", "troika")]
    assert SEGMENT.match(done.headers["Location"]) and segment_a != segment_b
    assert done.headers["Location"] == f"{segment_a}/site/modules/02-troika/#iv-done"
    after = follow(client, done, TOOL).get_data(as_text=True)
    assert "Marked as done." in after and "You marked" in after
    tab_b = client.get(f"{TOOL}{segment_b}/site/modules/02-troika/").get_data(as_text=True)
    assert "Mark this module as done" in tab_b  # course B: still to do


def test_a_form_shown_before_the_other_launch_still_posts_to_its_course(
    app: Flask, client: FlaskClient, platform: Platform
) -> None:
    segment_a, page_a = open_module(client, platform, "course-A")
    open_module(client, platform, "course-B")  # same person: the session (and CSRF) is kept

    done = mark_done_from(client, page_a, f"{TOOL}{segment_a}/site/modules/02-troika/")

    assert done.status_code == 303
    assert completions_by_course(app) == [("course-A", "troika")]


def test_each_tab_shows_its_own_course_and_old_links_use_the_newest_launch(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    segment_a, _ = open_module_as(client, launch_as, "course-A")
    segment_b, _ = open_module_as(client, launch_as, "course-B")
    assert "Course course-A" in client.get(f"{TOOL}{segment_a}/course/").get_data(as_text=True)
    assert "Course course-B" in client.get(f"{TOOL}{segment_b}/course/").get_data(as_text=True)
    plain = client.get(f"{TOOL}/course/").get_data(as_text=True)  # a link from before
    assert "Course course-B" in plain
    assert f'href="{segment_b}/site/modules/02-troika/"' in plain  # pinned from now on


def test_a_launch_id_of_another_session_is_refused(
    app: Flask, platform: Platform, launch_as: LaunchAs
) -> None:
    mine, other = app.test_client(), app.test_client()
    my_segment, my_page = open_module_as(mine, launch_as, "course-A")
    their_segment, _ = open_module_as(other, launch_as, "course-B")  # the same person elsewhere

    page = mine.get(f"{TOOL}{their_segment}/course/")
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert "does not hold" in html and "Reference: <strong>E-" in html
    assert "Course course-B" not in html and their_segment not in html
    assert f"frame-ancestors 'self' {platform.origin}" in page.headers["Content-Security-Policy"]
    forged = mine.post(
        f"{TOOL}{their_segment}/modules/troika/done",
        data={"csrf_token": csrf_token(my_page)},
        headers={"Referer": f"{TOOL}{my_segment}/site/modules/02-troika/", "Origin": TOOL},
    )
    assert forged.status_code == 403
    assert mine.get(f"{TOOL}/launch/lti1p3-launch-made-up/course/").status_code == 403
    assert completions_by_course(app) == []
    assert mine.get(f"{TOOL}{my_segment}/course/").status_code == 200  # own launch unharmed


def test_another_person_launching_in_this_browser_clears_the_earlier_launches(
    client: FlaskClient, platform: Platform
) -> None:
    first_a, _ = open_module(client, platform, "course-A", user_id="ada")
    first_b, _ = open_module(client, platform, "course-B", user_id="ada")
    grace, _ = open_module(client, platform, "course-A", user_id="grace")

    for segment in (first_a, first_b):
        assert client.get(f"{TOOL}{segment}/course/").status_code == 403
    assert client.get(f"{TOOL}{grace}/course/").status_code == 200
    with client.session_transaction(TOOL + "/") as session:
        held = session[SESSION_KEY]["ids"]
        assert [f"/launch/{held_id}" for held_id in held] == [grace]


def test_the_session_keeps_only_the_most_recent_launches(
    client: FlaskClient, launch_as: LaunchAs
) -> None:
    segments = [
        open_module_as(client, launch_as, f"course-{n}")[0] for n in range(MAX_HELD_LAUNCHES + 1)
    ]
    assert client.get(f"{TOOL}{segments[0]}/course/").status_code == 403  # dropped off
    for segment in (segments[1], segments[-1]):
        assert client.get(f"{TOOL}{segment}/course/").status_code == 200


def test_an_expired_launch_is_not_replaced_by_another(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    segment_a, _ = open_module_as(client, launch_as, "course-A")
    _, page_b = open_module_as(client, launch_as, "course-B")
    with app.app_context(), db.write_transaction() as session:
        session.execute(
            delete(LaunchRecord).where(LaunchRecord.launch_id == segment_a.removeprefix("/launch/"))
        )
    # The store let the record go; this process's restored copy (lti/launch_cache) ends with
    # the record's lifetime too: its clock moves past it.
    lifetime = app.permanent_session_lifetime.total_seconds()
    launch_cache(app).clock = lambda: time.time() + lifetime + 1
    expired = client.get(f"{TOOL}{segment_a}/course/")
    assert expired.status_code == 401
    assert "Course course-B" not in expired.get_data(as_text=True)
    refused = client.post(
        f"{TOOL}{segment_a}/modules/troika/done",
        data={"csrf_token": csrf_token(page_b)},
        headers={"Referer": f"{TOOL}{segment_a}/site/modules/02-troika/", "Origin": TOOL},
    )
    assert refused.status_code == 401
    assert completions_by_course(app) == []
