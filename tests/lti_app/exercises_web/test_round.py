"""A whole asynchronous round of the ten-step method through the pages: an instructor sets the
exercise up, four learners accept the ground rules, form a group, give the roles and go
through case, questions, marks, answers, hypotheses, ratings, advice and reflections; what each
may post is what the domain allows, and the instructor's dashboard counts it all without a
word of it."""

from __future__ import annotations

from flask import Flask

from tests.support.exercise_pages import CASE, CHECKLIST, at_phase, group_of_four, posted
from tests.support.launches import LaunchAs


def test_a_whole_asynchronous_round(app: Flask, launch_as: LaunchAs) -> None:
    instructor, (bringer, chair, one, two), group_id = group_of_four(app, launch_as)
    url = f"/groups/{group_id}/"

    at_phase(app, group_id, 0)
    page = bringer.page(url)
    assert page.by_id("post-case") is not None
    assert not chair.page(url).has_form("/posts/question")
    response = bringer.submit(
        page, f"/groups/{group_id}/case", {**CASE, "case-checklist": CHECKLIST}
    )
    page = bringer.follow(response)
    assert page.by_id("case") is not None and "ignores" in page.by_id("case").text  # type: ignore[union-attr]

    at_phase(app, group_id, 1)
    assert not bringer.page(url).has_form("/posts/question")  # silent
    posted(one, group_id, "question", "What happens right before you propose?")
    posted(two, group_id, "question", "Who else is in the meeting?")
    questions = bringer.page(url).posts("question")
    assert len(questions) == 2

    at_phase(app, group_id, 2)
    page = bringer.page(url)
    first_question = questions[0].attrs["data-post"]
    bringer.follow(
        bringer.submit(
            page, f"/posts/{first_question}/mark", {f"mark-{first_question}-mark": "warm"}
        )
    )
    at_phase(app, group_id, 3)
    page = bringer.page(url)
    bringer.follow(
        bringer.submit(
            page,
            f"/posts/{first_question}/answer",
            {f"answer-{first_question}-text": "Usually a deadline discussion."},
        )
    )
    at_phase(app, group_id, 5)
    posted(one, group_id, "hypothesis", "Maybe the timing makes proposals feel like extra work.")
    page = bringer.page(url)
    (hypothesis,) = page.posts("hypothesis")
    assert not page.has_form("/posts/hypothesis")  # the case-bringer listens here
    assert page.with_attr("data-listening")
    assert not page.has_form(f"/posts/{hypothesis.attrs['data-post']}/rate")  # not while silent

    at_phase(app, group_id, 6)  # redefine the problem: the case-bringer reacts now
    page = bringer.page(url)
    target = hypothesis.attrs["data-post"]
    # The rating is one fieldset: a radio group 1-5 and a checkbox group of tags, each named.
    assert len(page.with_attr("data-rating-form")) == 1
    radios = [e for e in page.with_attr("name", f"rate-{target}-score") if e.tag == "input"]
    assert [(r.attrs["type"], r.attrs["value"]) for r in radios] == [
        ("radio", str(n)) for n in range(1, 6)
    ]
    assert all(page.with_attr("for", r.attrs["id"]) for r in radios)
    tags = page.with_attr("name", f"rate-{target}-tags")
    assert tags and {t.attrs["type"] for t in tags} == {"checkbox"}
    legends = [e.text for e in page.parser.elements if e.tag == "legend"]
    assert any("How helpful was this hypothesis" in t for t in legends)
    assert "What made it helpful (optional)" in legends
    bringer.follow(
        bringer.submit(
            page,
            f"/posts/{target}/rate",
            {f"rate-{target}-score": "4", f"rate-{target}-tags": ["new-perspective"]},
        )
    )
    assert bringer.page(url).with_attr("data-rating", "4")

    at_phase(app, group_id, 8)  # tips: advice, the case-bringer silent
    for person, text in ((one, "Propose in writing first."), (two, "Ask for a slot.")):
        posted(person, group_id, "advice", text)
    assert len(bringer.page(url).posts("advice")) == 2

    at_phase(app, group_id, 9)  # insights: action plan and takeaways
    posted(bringer, group_id, "action_plan", "I will send my proposal a day ahead.")
    posted(one, group_id, "takeaway", "Timing matters in my own team too.")
    posted(two, group_id, "takeaway", "I will ask for slots myself.")
    posted(chair, group_id, "takeaway", "Chairing silence is hard.")
    page = two.page(url)
    assert len(page.posts("takeaway")) == 3 and len(page.posts("action_plan")) == 1

    at_phase(app, group_id, 0, closed=True)
    closed = one.page(url)
    assert closed.by_id("phase-heading").text.strip() == "The round is closed"  # type: ignore[union-attr]
    assert not any(
        "/posts/" in a and a.endswith(("/question", "/advice")) for a in closed.actions()
    )

    board = instructor.page("/dashboard")
    for word in ("ignores", "deadline discussion", "timing", "Propose in writing", "ahead"):
        assert word not in board.html
    (section,) = board.with_attr("data-group", str(group_id))
    assert board.with_attr("data-questions-before-advice")[0].text == "2"
    assert board.with_attr("data-phase-count", "tips")[0].text == "2"
    csv_text = instructor.get("/dashboard.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("group,member,role,posts")
    assert len(csv_text.splitlines()) == 5
    for word in ("ignores", "deadline", "Timing", "Propose", "ahead", "Chairing"):
        assert word not in csv_text
