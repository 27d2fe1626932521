"""What the round page refuses and who sees what: gating refusals on the form with nothing
saved, a double submit posting once, visibility per role, moderation, withdrawal, the live
"next phase" and its phase.json, another group's or course's pages, the posting rate limit and
the help page."""

from __future__ import annotations

from typing import Any

from flask import Flask

from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.validation import LIMITS
from tests.support.exercise_pages import (
    CASE,
    CHECKLIST,
    Member,
    Page,
    accept_rules,
    at_phase,
    configure,
    group_of_four,
    member,
    posted,
)
from tests.support.launches import LaunchAs, registered_platform
from tests.support.platforms import KeySetServer


def submit_case(bringer: Member, group_id: int, **overrides: Any) -> Any:
    page = bringer.page(f"/groups/{group_id}/")
    return bringer.submit(
        page, f"/groups/{group_id}/case", {**CASE, "case-checklist": CHECKLIST, **overrides}
    )


def question(person: Member, group_id: int, text: str) -> Any:
    page = person.page(f"/groups/{group_id}/")
    return person.submit(page, f"/groups/{group_id}/posts/question", {"question-text": text})


def test_refusals_show_the_domains_message_on_the_form_and_save_nothing(
    app: Flask, launch_as: LaunchAs
) -> None:
    _, (bringer, chair, one, two), group_id = group_of_four(app, launch_as)
    url = f"/groups/{group_id}/"
    at_phase(app, group_id, 0)
    # An incomplete checklist: 400, the form again with the message and what was typed.
    response = submit_case(bringer, group_id, **{"case-checklist": CHECKLIST[:2]})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "anonymisation checklist" in html and "ignores" in html
    assert bringer.page(url).by_id("case") is None  # nothing saved
    response = submit_case(bringer, group_id, **{"case-situation": "y" * 5001})
    assert response.status_code == 400
    assert "Keep the situation to 5000 characters" in Page(response.get_data(as_text=True)).text
    assert bringer.page(url).by_id("case") is None
    # A question in the case phase (wrong phase): 409 with the domain's message.
    response = one.post_form(f"/groups/{group_id}/posts/question", "question", {"text": "Why?"})
    assert response.status_code == 409
    assert "Questions belong in" in Page(response.get_data(as_text=True)).text
    assert submit_case(bringer, group_id).status_code == 303

    at_phase(app, group_id, 1)
    # Wrong role: the case-bringer does not ask questions (silent here too).
    response = bringer.post_form(f"/groups/{group_id}/posts/question", "question", {"text": "Me?"})
    assert response.status_code == 409
    # Empty and oversized: 400, the message on the form.
    response = question(one, group_id, "   ")
    assert response.status_code == 400 and "it is empty" in response.get_data(as_text=True)
    response = question(one, group_id, "x" * (LIMITS[PostType.QUESTION] + 1))
    assert response.status_code == 400
    assert f"Keep questions to {LIMITS[PostType.QUESTION]} characters" in response.get_data(
        as_text=True
    )
    assert one.page(url).posts("question") == []
    # A closed exercise: 409, nothing saved.
    at_phase(app, group_id, 0, closed=True)
    response = two.post_form(f"/groups/{group_id}/posts/question", "question", {"text": "Late?"})
    assert response.status_code == 409
    assert "This exercise is closed" in Page(response.get_data(as_text=True)).text
    assert two.page(url).posts("question") == []


def test_a_double_submit_posts_once(app: Flask, launch_as: LaunchAs) -> None:
    _, (bringer, _chair, one, _two), group_id = group_of_four(app, launch_as)
    at_phase(app, group_id, 0)
    page = bringer.page(f"/groups/{group_id}/")
    values = {**CASE, "case-checklist": CHECKLIST}
    for _ in range(2):
        assert bringer.submit(page, f"/groups/{group_id}/case", values).status_code == 303
    at_phase(app, group_id, 1)
    page = one.page(f"/groups/{group_id}/")
    for _ in range(3):
        response = one.submit(
            page, f"/groups/{group_id}/posts/question", {"question-text": "Once?"}
        )
        assert response.status_code == 303
    assert len(one.page(f"/groups/{group_id}/").posts("question")) == 1
    assert len(one.page(f"/groups/{group_id}/").posts("case")) == 1


def test_visibility_per_role_and_moderation(app: Flask, launch_as: LaunchAs) -> None:
    instructor, (bringer, chair, one, two), group_id = group_of_four(app, launch_as)
    url = f"/groups/{group_id}/"
    at_phase(app, group_id, 0)
    assert submit_case(bringer, group_id).status_code == 303
    at_phase(app, group_id, 1)
    posted(one, group_id, "question", "Is this a *rude* question?")
    (post,) = two.page(url).posts("question")
    post_id = post.attrs["data-post"]
    # The instructor outside the group sees that a question was asked, not its text.
    seen = instructor.page(url)
    assert seen.posts("question") and "rude" not in seen.html and "ignores" not in seen.html
    # An outsider learner (not in the group) gets the one 404 page.
    outsider = member(app, launch_as, "learner", "learner-outside")
    page = outsider.open("/ground-rules")
    outsider.submit(page, "/ground-rules", {"accept": "y"})
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/groups/{group_id}/phase.json").status_code == 404
    # Flag once; a consultant cannot hide; the chair hides with a reason; only the chair and
    # instructors then see it, marked hidden; restore brings it back.
    page = two.page(url)
    assert two.submit(page, f"/posts/{post_id}/flag", {}).status_code == 303
    assert chair.page(url).with_attr("data-flag", post_id)
    assert two.submit(two.page(url), f"/posts/{post_id}/flag", {}).status_code == 409
    assert not two.page(url).has_form(f"/posts/{post_id}/hide")
    response = two.post_form(
        f"/groups/{group_id}/posts/{post_id}/hide", f"hide-{post_id}", {"reason": "x"}
    )
    assert response.status_code == 409
    page = chair.page(url)
    assert chair.submit(page, f"/posts/{post_id}/hide", {}).status_code == 400  # no reason
    response = chair.submit(page, f"/posts/{post_id}/hide", {f"hide-{post_id}-reason": "Rude"})
    assert response.status_code == 303
    assert two.page(url).posts("question") == [] and one.page(url).posts("question") == []
    assert chair.page(url).with_attr("data-hidden")
    assert instructor.page(url).with_attr("data-hidden")
    assert instructor.page(url).with_attr("data-log", "hide")
    assert not two.page(url).by_id("moderation")
    board = instructor.page("/dashboard")
    assert "Rude" not in board.html
    page = instructor.page(url)
    response = instructor.submit(
        page, f"/posts/{post_id}/restore", {f"restore-{post_id}-reason": "Fine after all"}
    )
    assert response.status_code == 303
    assert len(two.page(url).posts("question")) == 1


def test_the_case_bringer_withdraws_the_case(app: Flask, launch_as: LaunchAs) -> None:
    _, (bringer, _chair, one, _two), group_id = group_of_four(app, launch_as)
    url = f"/groups/{group_id}/"
    at_phase(app, group_id, 0)
    assert submit_case(bringer, group_id).status_code == 303
    at_phase(app, group_id, 1)
    posted(one, group_id, "question", "A question about it?")
    assert not one.page(url).has_form("/withdraw")
    page = bringer.page(url)
    assert bringer.submit(page, f"/groups/{group_id}/withdraw", {}).status_code == 303
    after = one.page(url)
    assert after.with_attr("data-tombstone") and after.posts("question") == []
    assert "ignores" not in after.html and "A question about it" not in after.html
    response = one.post_form(f"/groups/{group_id}/posts/question", "question", {"text": "Still?"})
    assert response.status_code == 409


def test_live_mode_follows_the_moderators_next_phase(app: Flask, launch_as: LaunchAs) -> None:
    instructor, (bringer, chair, one, _two), group_id = group_of_four(app, launch_as, mode="live")
    url = f"/groups/{group_id}/"
    state = one.get(f"/groups/{group_id}/phase.json").get_json()
    assert state["key"] == "not-open" and state["phase_name"] is None
    page = one.page(url)
    region = page.by_id("exercise-round")
    assert region is not None and region.attrs["data-phase-key"] == "not-open"
    assert region.attrs["data-phase-url"].endswith(f"/groups/{group_id}/phase.json")
    assert page.by_id("exercise-refresh") is not None  # without JS
    assert [s for s in page.scripts if s["src"].endswith("exercises.js") and s.get("nonce")]
    assert not one.page(url).has_form("/advance")  # consultants do not move the group on
    assert one.post(f"/groups/{group_id}/advance", {"from_index": ""}).status_code == 409
    assert not bringer.page(url).has_form("/advance")
    page = chair.page(url)
    assert chair.submit(page, "/advance", {}).status_code == 303  # start
    state = one.get(f"/groups/{group_id}/phase.json").get_json()
    assert state["key"] == "phase-0" and state["phase_index"] == 0
    assert state["seconds_left"] > 0 and state["ends_at"].endswith("Z")
    assert one.page(url).by_id("exercise-round").attrs["data-phase-key"] == "phase-0"  # type: ignore[union-attr]
    page = chair.page(url)
    chair.submit(page, "/advance", {})
    # The same press again (a second tab, a double click): one press, one phase.
    assert chair.submit(page, "/advance", {}).status_code == 409
    state = bringer.get(f"/groups/{group_id}/phase.json").get_json()
    assert state["key"] == "phase-1"
    assert instructor.get(f"/groups/{group_id}/phase.json").get_json()["key"] == "phase-1"


def test_another_courses_learner_cannot_open_the_group(app: Flask, launch_as: LaunchAs) -> None:
    _, _people, group_id = group_of_four(app, launch_as)
    stranger = member(app, launch_as, "instructor", "other-teacher", context_id="course-99")
    assert stranger.get(f"/groups/{group_id}/").status_code == 404
    assert stranger.get(f"/groups/{group_id}/phase.json").status_code == 404


def test_posting_is_rate_limited_per_person(app: Flask, launch_as: LaunchAs) -> None:
    app.config["EXERCISE_POST_RATE_LIMIT"] = "3 per minute"
    _, (bringer, _chair, one, two), group_id = group_of_four(app, launch_as)
    at_phase(app, group_id, 0)
    assert submit_case(bringer, group_id).status_code == 303
    at_phase(app, group_id, 1)
    codes = [question(one, group_id, f"Question {n}?").status_code for n in range(4)]
    assert codes[:3] != [429] * 3 and codes[3] == 429
    response = question(one, group_id, "Again?")
    assert "wait a minute" in response.get_data(as_text=True)
    assert question(two, group_id, "Mine?").status_code != 429  # per person


def test_the_help_page_is_reachable_from_the_exercise(app: Flask, launch_as: LaunchAs) -> None:
    _, (bringer, *_), group_id = group_of_four(app, launch_as)
    page = bringer.page(f"/groups/{group_id}/")
    links = [e.attrs["href"] for e in page.with_attr("href") if e.attrs["href"].endswith("/help")]
    assert links
    help_page = bringer.page("/help")
    assert help_page.by_id("phases") is not None and "anonymisation" in help_page.text


def test_the_ground_rules_are_asked_again_when_they_change(app: Flask, launch_as: LaunchAs) -> None:
    _, (bringer, *_), group_id = group_of_four(app, launch_as)
    assert bringer.get(f"/groups/{group_id}/").status_code == 200
    app.config["EXERCISE_GROUND_RULES_VERSION"] = 2
    assert bringer.get(f"/groups/{group_id}/").status_code == 409
    response = bringer.get("/")
    assert response.headers["Location"].endswith("/exercises/ground-rules")
    page = bringer.page("/ground-rules")
    assert "Version 2" in page.text
    # A form showing version 1 does not accept version 2.
    stale = bringer.submit(page, "/ground-rules", {"accept": "y", "version": "1"})
    assert bringer.follow(stale).by_id("ground-rules") is not None
    bringer.follow(bringer.submit(bringer.page("/ground-rules"), "/ground-rules", {"accept": "y"}))
    assert bringer.get(f"/groups/{group_id}/").status_code == 200


def test_another_tenants_instructor_cannot_open_the_group(
    app: Flask, launch_as: LaunchAs, key_server: KeySetServer
) -> None:
    _, _people, group_id = group_of_four(app, launch_as)
    other = registered_platform(app, key_server, client_id="another-tenant")
    stranger = member(app, launch_as, "instructor", "teacher", platform=other)
    assert stranger.launched.launch.tenant.id != _people[0].launched.launch.tenant.id
    assert stranger.get(f"/groups/{group_id}/").status_code == 404
    assert stranger.get(f"/groups/{group_id}/phase.json").status_code == 404


def test_a_live_troika_without_a_moderator(app: Flask, launch_as: LaunchAs) -> None:
    """Troika has no moderator role: a self-formed group of three chooses only the
    case-bringer, a fourth learner finds the group full, and any member moves it on."""
    instructor = member(app, launch_as, "instructor", "teacher")
    configure(
        instructor,
        method_slug="troika-consulting",
        mode="live",
        size_min="3",
        size_max="3",
    )
    people = [member(app, launch_as, "learner", f"troika-{n}") for n in range(4)]
    for person in people:
        accept_rules(person)
    first = people[0].open("/")
    landed = people[0].follow(people[0].submit(first, "/groups/join", {"group_id": ""}))
    group_id = int(landed.by_id("exercise-round").attrs["data-group"])  # type: ignore[union-attr]
    for person in people[1:3]:
        person.follow(person.submit(person.open("/"), "/groups/join", {"group_id": str(group_id)}))
    full = people[3].open("/")
    assert "(full)" in full.text  # only "Start a new group" is offered
    refused = people[3].post("/groups/join", {"group_id": str(group_id)})
    assert "This group is full" in people[3].follow(refused).text
    page = people[1].page(f"/groups/{group_id}/")
    assert page.by_id("roles") is not None and page.by_id("moderator") is None
    people[1].follow(
        people[1].submit(
            page, f"/groups/{group_id}/roles", {"case_bringer": str(people[0].user_id)}
        )
    )
    consultant = people[2]
    page = consultant.page(f"/groups/{group_id}/")
    assert page.by_id("roles") is None
    assert consultant.submit(page, "/advance", {}).status_code == 303
    assert consultant.get(f"/groups/{group_id}/phase.json").get_json()["key"] == "phase-0"


def test_hybrid_the_chair_moves_on_before_the_deadline(app: Flask, launch_as: LaunchAs) -> None:
    _, (bringer, chair, one, _two), group_id = group_of_four(app, launch_as, mode="hybrid")
    at_phase(app, group_id, 0)
    assert submit_case(bringer, group_id).status_code == 303
    assert one.get(f"/groups/{group_id}/phase.json").get_json()["key"] == "phase-0"
    page = chair.page(f"/groups/{group_id}/")
    assert chair.submit(page, "/advance", {}).status_code == 303
    state = one.get(f"/groups/{group_id}/phase.json").get_json()
    assert state["key"] == "phase-1" and state["seconds_left"] > 0
    assert one.page(f"/groups/{group_id}/").has_form(f"/groups/{group_id}/posts/question")
