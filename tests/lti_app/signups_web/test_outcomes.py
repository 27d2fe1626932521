"""A sign-up's outcome in the redirect's query: every decision a learner can meet comes back
as the message it used to flash, and a query that names an outcome wrongly shows nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from lti_app.domain.signups.booking import Decision, Intent, Outcome, Refusal
from lti_app.web.signups import outcomes
from lti_app.web.signups.outcomes import OK, REFUSED, outcome_arguments, outcome_messages

SEATED = Decision(Outcome.CONFIRMED)
WAITING = Decision(Outcome.WAITLISTED, position=3)
WAITING_OTHER_FREE = Decision(Outcome.WAITLISTED, position=1, alternative=Intent.CONSULTANT)


@pytest.mark.parametrize(
    ("decision", "intent", "expected"),
    [
        (SEATED, Intent.CONSULTANT, [(OK, "You have a seat as consultant.")]),
        (SEATED, Intent.CASE_BRINGER, [(OK, "You have a seat as case-bringer.")]),
        (
            WAITING,
            Intent.CONSULTANT,
            [
                (
                    OK,
                    "The consultant places are taken: you are number 3 on the waitlist for "
                    "consultants. You get a seat automatically if one frees up in time.",
                )
            ],
        ),
        (
            WAITING_OTHER_FREE,
            Intent.CASE_BRINGER,
            [
                (
                    OK,
                    "The case-bringer places are taken: you are number 1 on the waitlist for "
                    "case-bringers. You get a seat automatically if one frees up in time.",
                ),
                (OK, "A consultant seat is still free: you can sign up as consultant instead."),
            ],
        ),  # fmt: skip
        (Decision(Outcome.CANCELLED), None, [(OK, "Your booking is cancelled.")]),
        (
            Decision(Outcome.REFUSED, refusal=Refusal.CLOSED),
            Intent.CONSULTANT,
            [
                (
                    REFUSED,
                    "Sign-up for this session has closed. Ask your trainer if you still "
                    "need a place.",
                )
            ],
        ),  # fmt: skip
        (
            Decision(Outcome.REFUSED, refusal=Refusal.PAST_CANCEL_DEADLINE),
            None,
            [
                (
                    REFUSED,
                    "The cancellation deadline has passed. Ask your trainer if you cannot come.",
                )
            ],
        ),  # fmt: skip
    ],
)
def test_each_decision_comes_back_as_its_message(
    app: Flask, decision: Decision, intent: Intent | None, expected: list[tuple[str, str]]
) -> None:
    arguments = outcome_arguments(decision, intent)
    assert all(value.replace("_", "").replace("-", "").isalnum() for value in arguments.values())
    with app.test_request_context("/"):
        assert outcome_messages(arguments) == expected


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"done": "seat"},  # no intent
        {"done": "seat", "as": "observer"},
        {"done": "party", "as": "consultant"},
        {"done": "waitlist", "as": "consultant"},  # no position
        {"done": "waitlist", "as": "consultant", "position": "0"},
        {"done": "waitlist", "as": "consultant", "position": "-2"},
        {"done": "waitlist", "as": "consultant", "position": "9" * 40},
        {"done": "waitlist", "as": "consultant", "position": "３"},  # a non-ASCII digit
        {"done": "refused", "refused": "<script>alert(1)</script>"},
        {"done": "refused"},
    ],
)
def test_a_query_naming_no_outcome_or_a_wrong_one_shows_nothing(
    app: Flask, query: dict[str, str]
) -> None:
    with app.test_request_context("/"):
        assert outcome_messages(query) == []


def test_signups_js_takes_off_exactly_the_outcome_parameters() -> None:
    """The script's list is the module's: a parameter added on one side only would stay in
    the address (and be said again on reload) or take off one the page needs."""
    script = (Path(outcomes.__file__).parent / "static" / "signups.js").read_text()
    listed = re.search(r"var OUTCOME_PARAMETERS = \[([^\]]*)\];", script)
    assert listed is not None
    assert tuple(re.findall(r'"([^"]+)"', listed.group(1))) == outcomes.OUTCOME_PARAMETERS
