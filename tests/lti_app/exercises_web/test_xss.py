"""Every known XSS payload (tests/support/xss_payloads.py) through every text field of a round:
the case's three fields, questions, answers, hypotheses, advice, the action plan and
takeaways, flag reasons and moderators' reasons; and shown on every page that shows it, to
the case-bringer, the chair, a consultant and an instructor who may read case text: the HTML
is parsed, the only scripts are the tool's own (with the CSP nonce), no element carries an
on* attribute or a script URL, and each rendered text passes ``markup_problems``. A payload
too long for its field is refused with the form shown again, escaped. The dashboard and CSV
carry none of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask

from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.validation import CASE_LIMITS, LIMITS
from tests.support.exercise_pages import CHECKLIST, Member, Page, at_phase, group_of_four
from tests.support.launches import LaunchAs
from tests.support.xss_payloads import XSS_PAYLOADS, markup_problems

TEXT = re.compile(r'<div class="exercise-text"[^>]*>(.*?)</div>', re.DOTALL)


def fitting(limit: int) -> list[str]:
    """The payloads a field of ``limit`` characters takes (one with a NUL character is refused
    as a character that cannot be saved: see the test of refusals below)."""
    return [
        p.text for p in XSS_PAYLOADS if 0 < len(p.text.strip()) <= limit and "\x00" not in p.text
    ]


def packed(limit: int, texts: list[str]) -> list[str]:
    """The payloads joined into as few texts of at most ``limit`` characters as possible."""
    chunks: list[str] = []
    for text in texts:
        if chunks and len(chunks[-1]) + 2 + len(text) <= limit:
            chunks[-1] += "\n\n" + text
        else:
            chunks.append(text)
    return chunks


def post_all(person: Member, group_id: int, kind: PostType) -> int:
    count = 0
    for text in fitting(LIMITS[kind]):
        response = person.post_form(
            f"/groups/{group_id}/posts/{kind.value}", kind.value, {"text": text}
        )
        assert response.status_code == 303, (kind, text[:80], response.status_code)
        count += 1
    return count


def assert_safe(page: Page) -> list[str]:
    page.assert_no_injected_markup()
    fragments = TEXT.findall(page.html)
    for fragment in fragments:
        assert markup_problems(fragment) == [], fragment[:300]
    return fragments


def test_every_payload_through_every_field_is_shown_sanitised(
    app: Flask, launch_as: LaunchAs
) -> None:
    app.config["EXERCISE_POST_RATE_LIMIT"] = "100000 per minute"
    announced = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    instructor, (bringer, chair, one, two), group_id = group_of_four(
        app, launch_as, case_access="always_announced", announced_at=announced
    )
    url = f"/groups/{group_id}/"
    at_phase(app, group_id, 0)
    situation = packed(CASE_LIMITS["situation"], fitting(CASE_LIMITS["situation"]))
    case = {
        "situation": situation[0],
        "own_role": packed(CASE_LIMITS["own_role"], fitting(CASE_LIMITS["own_role"]))[0],
        "key_question": fitting(CASE_LIMITS["key_question"])[0],
        "checklist": CHECKLIST,
    }
    assert bringer.post_form(f"/groups/{group_id}/case", "case", case).status_code == 303

    at_phase(app, group_id, 1)
    questions = post_all(one, group_id, PostType.QUESTION)
    too_long = one.post_form(
        f"/groups/{group_id}/posts/question", "question", {"text": XSS_PAYLOADS[-1].text}
    )
    assert too_long.status_code == 400
    assert_safe(Page(too_long.get_data(as_text=True)))
    for payload in (p for p in XSS_PAYLOADS if "\x00" in p.text):
        refused = one.post_form(
            f"/groups/{group_id}/posts/question", "question", {"text": payload.text}
        )
        assert refused.status_code == 400  # refused before any view (web/errors.py)
        assert "NUL character" in Page(refused.get_data(as_text=True)).text
        assert_safe(Page(refused.get_data(as_text=True)))

    at_phase(app, group_id, 3)
    question_ids = [int(e.attrs["data-post"]) for e in bringer.page(url).posts("question")]
    assert len(question_ids) == questions
    # Flag reasons (one flag per question) and moderators' reasons (hide, restore, ...).
    reasons = fitting(500)
    for question_id, reason in zip(question_ids, reasons, strict=False):
        response = two.post_form(
            f"/groups/{group_id}/posts/{question_id}/flag",
            f"flag-{question_id}",
            {"reason": reason},
        )
        assert response.status_code == 303
    first = question_ids[0]
    for number, reason in enumerate(reasons[: len(reasons) // 2 * 2]):
        action = "hide" if number % 2 == 0 else "restore"
        response = chair.post_form(
            f"/groups/{group_id}/posts/{first}/{action}", f"{action}-{first}", {"reason": reason}
        )
        assert response.status_code == 303, (action, reason[:60])
    for question_id, text in zip(question_ids, fitting(LIMITS[PostType.ANSWER]), strict=False):
        response = bringer.post_form(
            f"/groups/{group_id}/posts/{question_id}/answer",
            f"answer-{question_id}",
            {"text": text},
        )
        assert response.status_code == 303
    at_phase(app, group_id, 5)
    hypotheses = post_all(one, group_id, PostType.HYPOTHESIS)
    at_phase(app, group_id, 8)
    advice = post_all(two, group_id, PostType.ADVICE)
    at_phase(app, group_id, 9)
    plans = post_all(bringer, group_id, PostType.ACTION_PLAN)
    takeaways = post_all(chair, group_id, PostType.TAKEAWAY)

    for viewer in (chair, instructor):
        shown = viewer.page(url)
        assert len(shown.with_attr("data-log")) == len(reasons) // 2 * 2
        assert_safe(shown)
    for viewer in (bringer, chair, one, instructor):
        page = viewer.page(url)
        fragments = assert_safe(page)
        assert len(page.posts("question")) == questions
        assert len(page.posts("hypothesis")) == hypotheses
        assert len(page.posts("advice")) == advice
        assert len(page.posts("action_plan")) == plans
        assert len(page.posts("takeaway")) == takeaways
        assert len(fragments) >= questions + hypotheses + advice + plans + takeaways + 3
        assert "window.__xss=1" not in " ".join(s.get("src", "") for s in page.scripts)

    board = instructor.page("/dashboard")
    board.assert_no_injected_markup()
    assert "__xss" not in board.html
    csv_text = instructor.get("/dashboard.csv").get_data(as_text=True)
    assert "__xss" not in csv_text and "<" not in csv_text
