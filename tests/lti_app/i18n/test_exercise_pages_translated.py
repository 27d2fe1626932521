"""The learner's exercise pages in the pseudo-locale: no English left that did not come through
the catalogue (tests/support/pseudo_locale.py); and a Dutch and a German launch read the round
page in their language, with the method's phase in the catalogue's translation.

What the pages show from people and the course (names, the activity's title, the method's
name, roles, phases, goals and prompts: course content, translated with the course) is named
as data."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from lti_app.i18n import use_locale
from lti_app.web.exercises.words import problem_text
from lti_app.web.signups.forms import COMMON_ZONES
from tests.support.exercise_pages import (
    CASE,
    CHECKLIST,
    SETTINGS,
    Member,
    at_phase,
    exercise_catalogue,
    form_group,
    member,
    method_entry,
    posted,
)
from tests.support.exercise_pages import configure as configure_exercise
from tests.support.launches import LaunchAs
from tests.support.pseudo_locale import PSEUDO_LAUNCH_CLAIMS, assert_lang, assert_translated
from tests.support.sites import write_site

METHOD = "ten-step-method"
QUESTION = "What happens right before you propose?"
HYPOTHESIS = "Maybe the timing."
LINK_TITLE = "Practice round"
"""The resource link's title the test platform sends: the exercise's title."""
ZONES = ("UTC", *(name.replace("_", " ") for name in COMMON_ZONES))
"""The zone choices: IANA names, the same in every language."""
PHASE_NAMES = {"nl": "Probleem beschrijven", "de": "Problem beschreiben"}
"""The first phase's name in the test site's translated catalogues."""


def _translated(language: str) -> dict[str, Any]:
    data = copy.deepcopy(exercise_catalogue(METHOD))
    data["course"]["language"] = language
    (method,) = [m for m in data["methods"] if m["slug"] == METHOD]
    for phase in method["phases"]:
        phase["name"] = f"[{language}] {phase['name']}"
        phase["goal"] = f"[{language}] {phase['goal']}"
    method["phases"][0]["name"] = PHASE_NAMES[language]
    return data


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    site = write_site(tmp_path / "site", exercise_catalogue(METHOD))
    for language in PHASE_NAMES:
        write_site(site / language, _translated(language))
    return {**app_config, "SITE_DIR": str(site)}


def _method_words() -> list[str]:
    entry = method_entry(METHOD)
    words = [m["name"] for m in exercise_catalogue(METHOD)["methods"]]
    words += [role["name"] for role in entry["roles"]]
    for phase in entry["phases"]:
        words += [phase["name"], phase["goal"], *phase["prompts"]]
    return words


def pseudo_member(app: Flask, launch_as: LaunchAs, role: str, user_id: str) -> Member:
    return member(app, launch_as, role, user_id, extra_claims=PSEUDO_LAUNCH_CLAIMS)


def names(people: list[Member]) -> list[str]:
    return [p.launched.launch.user.name or "" for p in people]


def check(html: str, what: str, people: list[Member], *data: str) -> None:
    assert_lang(html, "en-001")
    title = people[0].launched.launch.course
    course = [title.title or "", title.label or ""] if title else []
    assert_translated(
        html, data=[*names(people), *course, LINK_TITLE, *_method_words(), *data], what=what
    )


def test_the_learner_pages_of_a_round_from_the_ground_rules_to_its_close(
    app: Flask, launch_as: LaunchAs
) -> None:
    instructor = pseudo_member(app, launch_as, "instructor", "teacher")
    configure_exercise(instructor)
    people = [pseudo_member(app, launch_as, "learner", f"learner-{n}") for n in range(4)]
    everyone = [instructor, *people]
    bringer, chair, one, _two = people
    rules = bringer.open("/")
    check(rules.html, "ground rules, to accept", everyone)
    for person in people:
        accepted = person.follow(person.submit(person.open("/"), "/ground-rules", {"accept": "y"}))
    check(accepted.html, "groups page after accepting (flash)", everyone)
    check(bringer.page("/ground-rules").html, "ground rules, accepted", everyone)
    group_id = form_group(people)
    url = f"/groups/{group_id}/"
    check(bringer.page(url).html, "round page, not started", everyone)

    at_phase(app, group_id, 0)
    page = bringer.page(url)
    assert page.by_id("post-case") is not None
    check(page.html, "case-bringer, the case form", everyone)
    sent = bringer.submit(page, f"/groups/{group_id}/case", {**CASE, "case-checklist": CHECKLIST})
    case_text = [*CASE.values(), "My team lead", "ignores", "my proposals in meetings."]
    check(bringer.follow(sent).html, "case submitted (flash)", everyone, *case_text)

    at_phase(app, group_id, 1)  # questions; the case-bringer is silent
    posted(one, group_id, "question", QUESTION)
    for who, what in ((bringer, "silent case-bringer"), (chair, "chair"), (one, "consultant")):
        page = who.page(url)
        check(page.html, f"question phase: {what}", everyone, *case_text, QUESTION)
    assert bringer.page(url).with_attr("data-listening")
    page = chair.page(url)
    (question,) = page.posts("question")
    flag = f"/posts/{question.attrs['data-post']}/flag"
    check(
        chair.follow(chair.submit(page, flag, {})).html,
        "flagged (flash)",
        everyone,
        *case_text,
        QUESTION,
    )
    again = chair.submit(page, flag, {})  # the domain's refusal, translated
    assert again.status_code == 409
    refused = again.get_data(as_text=True)
    assert 'data-category="exercise-refused">⟦' in refused
    check(refused, "a refusal", everyone, *case_text, QUESTION)

    at_phase(app, group_id, 5)  # hypotheses, the case-bringer silent
    posted(one, group_id, "hypothesis", HYPOTHESIS)
    at_phase(app, group_id, 6)  # the case-bringer rates
    check(bringer.page(url).html, "rating a hypothesis", everyone, *case_text, QUESTION, HYPOTHESIS)

    at_phase(app, group_id, 0, closed=True)
    check(one.page(url).html, "closed round", everyone, *case_text, QUESTION, HYPOTHESIS)
    check(one.page("/help").html, "the help page", everyone)


CLOSED_HEADINGS = {"nl": "De ronde is gesloten", "de": "Die Runde ist geschlossen"}


def _claims(locale: str) -> dict[str, Any]:
    return {
        "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
            "locale": locale,
            "document_target": "iframe",
        }
    }


def test_a_dutch_and_a_german_launch_read_the_round_page_in_their_language(
    app: Flask, launch_as: LaunchAs
) -> None:
    instructor = member(app, launch_as, "instructor", "teacher")
    configure_exercise(instructor)
    locales = ("nl-NL", "nl-BE", "de-DE", "de-AT")  # one group: two Dutch, two German launches
    people = [
        member(app, launch_as, "learner", f"l-{n}", extra_claims=_claims(locale))
        for n, locale in enumerate(locales)
    ]
    for person in people:
        person.follow(person.submit(person.open("/"), "/ground-rules", {"accept": "y"}))
    group_id = form_group(people)
    url = f"/groups/{group_id}/"
    at_phase(app, group_id, 0)
    readers = {"nl": people[1], "de": people[2]}
    for lang, reader in readers.items():
        page = reader.page(url)
        assert_lang(page.html, lang)
        heading = page.by_id("phase-heading")
        assert heading is not None and PHASE_NAMES[lang] in heading.text, heading
        assert "Describe the problem" not in heading.text
    at_phase(app, group_id, 0, closed=True)
    for lang, reader in readers.items():
        closed = reader.page(url).by_id("phase-heading")
        assert closed is not None and closed.text.strip() == CLOSED_HEADINGS[lang]


def test_the_instructor_settings_schedule_and_dashboard_are_translated(
    app: Flask, launch_as: LaunchAs
) -> None:
    instructor = pseudo_member(app, launch_as, "instructor", "teacher")
    everyone = [instructor]
    settings = instructor.open("/settings")
    check(settings.html, "settings, first time", everyone)
    refused = instructor.submit(
        settings,
        "/exercises/settings",
        {**SETTINGS, "size_min": "2", "size_max": "9", "retention_days": "900"},
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert page.count("⟦") > settings.html.count("⟦")  # the domain's problems, translated
    check(page, "settings with errors", everyone)
    saved = instructor.submit(settings, "/exercises/settings", SETTINGS)
    check(instructor.follow(saved).html, "the schedule after saving (flash)", everyone, *ZONES)
    people = [pseudo_member(app, launch_as, "learner", f"learner-{n}") for n in range(4)]
    for person in people:
        person.follow(person.submit(person.open("/"), "/ground-rules", {"accept": "y"}))
    group_id = form_group(people)
    at_phase(app, group_id, 1)
    check(instructor.page("/dashboard").html, "dashboard, a round running", [*everyone, *people])
    check(instructor.page("/schedule").html, "the schedule", everyone, *ZONES)
    check(instructor.page(f"/methods/{METHOD}").html, "adapting the method", everyone)
    header = instructor.get("/dashboard.csv").get_data(as_text=True).splitlines()[0]
    assert header.count("⟦") == 9, header  # every column name from the catalogue


def test_the_domains_messages_with_values_are_said_again_in_dutch_and_german(app: Flask) -> None:
    with app.test_request_context(), use_locale("nl"):
        assert problem_text("Only the case-bringer posts the action plan.") == (
            "Alleen de inbrenger plaatst het actieplan."
        )
        assert problem_text(
            "Keep the situation to 4000 characters; it has 4100. Shorten it and post again."
        ) == (
            "Houd de situatie op 4000 tekens; het zijn er 4100. Maak het korter en plaats het "
            "opnieuw."
        )
        assert problem_text("Something the catalogue does not know.") == (
            "Something the catalogue does not know."
        )
    with app.test_request_context(), use_locale("de"):
        assert (
            problem_text("The situation contains a character that cannot be saved; retype it.")
            == "Die Situation enthält ein Zeichen, das nicht gespeichert werden kann; tippen Sie "
            "es neu."
        )
        assert problem_text("Keep case text between 1 and 365 days after the round ends.") == (
            "Bewahren Sie den Falltext zwischen 1 und 365 Tagen nach dem Ende der Runde auf."
        )
