"""Choosing the roles of a stable group's round by hand (collegial counselling, a group of six):
the form offers the group's members only and starts with the fair rotation's proposal; a bad
choice (a role left empty, one person in two roles, someone outside the group, the observer
moderating, no CSRF token) is refused with its message on the field and nothing saved; another
course's or tenant's group is not found; sent twice, the round starts once. Then the process
observer's round page: what is left to them, and a crafted question refused."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from lti_app.services import exercises
from lti_app.services.exercises import stable_start as service
from tests.support.exercise_pages import CASE, CHECKLIST, Member, Page, accept_rules, member
from tests.support.launches import LaunchAs
from tests.support.platforms import KeySetServer
from tests.support.stable_start_world import StableStart, foreign_groups, stable_start

METHOD = "collegial-counselling"


def selected(page: Page, name: str) -> tuple[str, list[str]]:
    """The chosen value of the select ``name`` and all its option values, in order."""
    elements = page.parser.elements
    start = next(
        i for i, e in enumerate(elements) if e.tag == "select" and e.attrs.get("name") == name
    )
    options = []
    for element in elements[start + 1 :]:
        if element.tag != "option":
            break
        options.append(element)
    chosen = next((o.attrs["value"] for o in options if "selected" in o.attrs), "")
    return chosen, [o.attrs["value"] for o in options]


def _groups(app: Flask, world: StableStart) -> tuple[exercises.GroupRecord, ...]:
    link = world.instructor.launched.launch.resource_link
    assert link is not None
    with app.app_context():
        here = exercises.open_exercise(
            world.scope, exercises.ExerciseLink(link.id, link.title), now=datetime.now(UTC)
        )
        return exercises.groups(world.scope, here.id)


def _roles_page(world: StableStart) -> tuple[str, Page]:
    board = world.instructor.page("/dashboard")
    (link,) = board.with_attr("data-roles-by-hand")
    assert link.attrs["data-roles-by-hand"] == str(world.group_id)
    path = link.attrs["href"].split("/exercises", 1)[1].split("?", 1)[0]
    return path, world.instructor.page(path)


def _refused(world: StableStart, page: Page, path: str, values: dict[str, str]) -> Page:
    response = world.instructor.submit(page, path, values)
    assert response.status_code == 400, response.status_code
    return Page(response.get_data(as_text=True))


def test_roles_by_hand_start_the_round_once_with_the_choice(
    app: Flask, launch_as: LaunchAs
) -> None:
    world = stable_start(app, launch_as, size=6, method=METHOD)
    people = [str(p.user_id) for p in world.learners]
    outsider = member(app, launch_as, "learner", "not-in-the-group")
    path, page = _roles_page(world)
    assert page.by_id("case_bringer") is not None and page.has_form(path)
    with app.app_context():
        proposal = service.group_at_start(
            world.scope, _exercise_id(app, world), world.group_id
        ).proposal
    chosen, offered = selected(page, "case_bringer")
    assert chosen == str(proposal["case-bringer"])  # the fair rotation's proposal
    assert selected(page, "moderator")[0] == str(proposal["moderator"])
    assert sorted(offered) == sorted(["", *people])  # the group's members only
    for duty in ("duty_scribe", "duty_observer", "duty_timekeeper"):
        assert selected(page, duty) == ("", ["", *people])

    cases = [
        ({"case_bringer": ""}, "Choose who brings the case."),
        ({"case_bringer": people[0], "moderator": ""}, "Choose who moderates this group."),
        ({"case_bringer": people[0], "moderator": people[0]}, "cannot also moderate"),
        ({"case_bringer": str(outsider.user_id)}, "The case-bringer must be in the group."),
        ({"case_bringer": "two"}, "Choose one of the group's members."),
        ({"duty_observer": people[1], "moderator": people[1]}, "other than the moderator"),
        ({"duty_scribe": people[0], "case_bringer": people[0]}, "The case-bringer takes no"),
    ]
    for values, message in cases:
        base = {"case_bringer": people[5], "moderator": people[1]}
        refused = _refused(world, page, path, {**base, **values})
        assert message in refused.text, (values, refused.text[:1500])
        assert refused.with_attr("aria-invalid", "true"), values  # on its field
    no_csrf = world.instructor.submit(page, path, {"csrf_token": ""})
    assert no_csrf.status_code == 400
    assert _groups(app, world) == ()  # nothing saved

    choice = {
        "case_bringer": people[3],
        "moderator": people[4],
        "duty_observer": people[0],
        "duty_scribe": people[1],
    }
    first = world.instructor.submit(page, path, choice)
    second = world.instructor.submit(page, path, choice)  # the same form sent again
    assert first.status_code == second.status_code == 303
    assert "already made" in world.instructor.follow(second).text
    (group,) = _groups(app, world)
    assert group.assignment.case_bringer == int(people[3])
    assert group.assignment.role_of(int(people[4])) == "moderator"
    assert group.assignment.duties == {"observer": int(people[0]), "scribe": int(people[1])}
    board = world.instructor.page("/dashboard")
    assert not board.with_attr("data-roles-by-hand") and board.with_attr("data-started")

    observer = world.learners[0]
    _observer_round(world, observer, group.id)


def _exercise_id(app: Flask, world: StableStart) -> int:
    link = world.instructor.launched.launch.resource_link
    assert link is not None
    with app.app_context():
        return exercises.open_exercise(
            world.scope, exercises.ExerciseLink(link.id, link.title), now=datetime.now(UTC)
        ).id


def _observer_round(world: StableStart, observer: Member, group_id: int) -> None:
    """In the comprehension questions the observer is told what is left to them, gets no
    question form (a consultant does), and a crafted question is refused, nothing saved."""
    round_path = f"/groups/{group_id}/"

    def advance(times: int) -> None:
        for _ in range(times):
            page = world.instructor.page(round_path)
            world.instructor.follow(world.instructor.submit(page, f"{round_path}advance", {}))

    advance(2)  # start, then 2a, the spontaneous account: the case
    bringer = world.learners[3]
    accept_rules(bringer)
    page = bringer.page(round_path)
    case = {**CASE, "case-checklist": CHECKLIST}
    bringer.follow(bringer.submit(page, f"{round_path}case", case))
    advance(1)  # 2b, the comprehension questions
    accept_rules(observer)
    page = observer.page(round_path)
    note = page.by_id("observer")
    assert note is not None and "stay out of the consultation" in note.text
    (posts,) = page.with_attr("data-observer-posts")
    assert posts.text == "6. Closing: what you take away"
    assert page.with_attr("data-listening") and "you observe" in page.text
    assert not page.has_form(f"{round_path}posts/question")
    consultant = world.learners[2]
    accept_rules(consultant)
    assert consultant.page(round_path).has_form(f"{round_path}posts/question")
    crafted = observer.post_form(f"{round_path}posts/question", "question", {"text": "Why?"})
    assert crafted.status_code in (400, 403, 409), crafted.status_code
    assert "As process observer you stay out" in crafted.get_data(as_text=True)
    assert observer.page(round_path).posts("question") == []


def test_another_course_or_tenant_group_is_not_found(
    app: Flask, launch_as: LaunchAs, key_server: KeySetServer
) -> None:
    world = stable_start(app, launch_as, size=5, method=METHOD)
    away = foreign_groups(app, launch_as, key_server, 5, world.scope)
    foreign, people, theirs = away.other_course, away.other_course_people, away.other_tenant
    path, page = _roles_page(world)
    for group_id in (foreign, theirs):
        other = path.replace(f"/{world.group_id}/", f"/{group_id}/")
        assert world.instructor.get(other).status_code == 404
        refused = world.instructor.submit(page, path, {"case_bringer": str(people[0].user_id)})
        assert refused.status_code == 400  # a foreign person on this group's form: not a member
        posted = world.instructor.post(other, {"case_bringer": str(people[0].user_id)})
        assert posted.status_code == 404
    learner = world.learners[0]
    assert learner.get(path).status_code in (401, 403)  # instructors only
    assert _groups(app, world) == ()
