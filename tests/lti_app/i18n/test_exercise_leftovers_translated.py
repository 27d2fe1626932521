"""The exercise messages that still showed English in Dutch and German (issue 13): problems
joined into one flash, the process observer's refusal (built from parts), the method's phase
and role names inside a message, and the viewer's duties on the round page, by name.

The test course runs collegial counselling with the shipped Dutch and German words of
``content/translations``; a name the course kept is translated, another stays as it is."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from lti_app.catalogue.languages import root_catalogue
from lti_app.domain.exercises.observer import may_member_post
from lti_app.domain.exercises.outcomes import Refused
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.roles import RoleAssignment
from lti_app.i18n import use_locale
from lti_app.services import exercises
from lti_app.web.exercises.words import problem_text
from tests.support.exercise_pages import CASE, CHECKLIST, accept_rules, exercise_catalogue, member
from tests.support.launches import LaunchAs
from tests.support.sites import write_site
from tests.support.stable_start_world import stable_start

METHOD = "collegial-counselling"
TRANSLATIONS = Path(__file__).resolve().parents[3] / "content" / "translations"
LANGUAGE_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"


def _translated(language: str) -> dict[str, Any]:
    """The test course's catalogue with the method in the shipped ``language`` words."""
    data = copy.deepcopy(exercise_catalogue(METHOD))
    data["course"]["language"] = language
    words = yaml.safe_load(
        (TRANSLATIONS / language / "methods" / f"{METHOD}.yml").read_text(encoding="utf-8")
    )
    (method,) = [m for m in data["methods"] if m["slug"] == METHOD]
    method["name"] = words["name"]
    for role in method["roles"]:
        role["name"] = words["roles"][role["id"]]["name"]
    for phase in method["phases"]:
        theirs = words["phases"][phase["id"]]
        phase["name"] = theirs["name"]
        phase["goal"] = " ".join(str(theirs["goal"]).split())
        phase["prompts"] = list(theirs.get("prompts") or [])
    return data


@pytest.fixture
def app_config(app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    site = write_site(tmp_path / "site", exercise_catalogue(METHOD))
    for language in ("nl", "de"):
        write_site(site / language, _translated(language))
    return {**app_config, "SITE_DIR": str(site)}


def _observer_refusal(app: Flask) -> str:
    """The domain's refusal of a question from the process observer in the comprehension
    questions (the message the page shows, before translation)."""
    with app.app_context():
        method = root_catalogue().method(METHOD)
    assert method is not None
    phase = next(p for p in method.phases if p.id == "comprehension-questions")
    assignment = RoleAssignment(
        {1: "case-bringer", 2: "moderator", 3: "consultant", 4: "consultant"}, {"observer": 4}
    )
    verdict = may_member_post(method, phase, assignment, 4, PostType.QUESTION)
    assert isinstance(verdict, Refused)
    return verdict.message


def test_the_observers_refusal_and_the_names_in_messages_in_dutch_and_german(app: Flask) -> None:
    refusal = _observer_refusal(app)
    assert refusal.startswith("As process observer you stay out")
    assert "'6. Closing'" in refusal
    with app.test_request_context(), use_locale("nl"):
        assert problem_text(refusal) == (
            "Als procesobservator blijf je buiten het consult: je plaatst geen vragen in deze "
            "ronde; je noteert per fase waar de groep zich aan haar afspraken houdt. Je plaatst "
            "wat je meeneemt in '6. Afronding'."
        )
        assert problem_text(
            "In '5. Consultation' the Process observer (optional) does not post."
        ) == ("In '5. Consultatie' plaatst de rol 'Procesobservator (optioneel)' niets.")
        assert problem_text("The Moderator moves the group to the next phase.") == (
            "De rol 'Gespreksleider' zet de groep door naar de volgende fase."
        )
        assert problem_text("The case-bringer takes no other duty; choose another scribe.") == (
            "De inbrenger neemt geen andere taak op zich; kies iemand anders als notulist."
        )
        assert problem_text("The person chosen as observer is not in the group.") == (
            "De persoon die je als procesobservator koos, zit niet in de groep."
        )
        too_small = (
            "Team A has 1 member; Collegial counselling needs at least 3 to fill its roles. Add "
            "people to the group on its sign-up sheet, then start the round. Nothing was saved."
        )
        assert problem_text(too_small).startswith(
            "Team A heeft 1 lid; Collegiale consultatie heeft er minstens 3 nodig"
        )
        assert problem_text(too_small.replace("1 member;", "2 members;")).startswith(
            "Team A heeft 2 leden;"
        )
        # a phase the course renamed keeps the course's name
        assert problem_text("In 'Our own step' the Moderator does not post.") == (
            "In 'Our own step' plaatst de rol 'Gespreksleider' niets."
        )
    with app.test_request_context(), use_locale("de"):
        assert problem_text(refusal) == (
            "Als Prozessbeobachter:in halten Sie sich aus der Beratung heraus: Sie veröffentlichen "
            "in dieser Runde keine Fragen; Sie notieren Phase für Phase, wo die Gruppe sich an "
            "ihre Regeln hält. Sie veröffentlichen: was Sie mitnehmen in „6. Abschluss“."
        )
        assert problem_text("The round of Team A in this exercise is already made; see below.") == (
            "Die Runde von Team A in dieser Übung ist bereits angelegt; siehe unten."
        )
        assert problem_text("The person chosen as timekeeper is not in the group.") == (
            "Die als Zeitwächter:in gewählte Person ist nicht in der Gruppe."
        )
        assert problem_text("Collegial counselling has no optional role 'juggler'.") == (
            "Kollegiale Beratung nach Tietze hat keine optionale Rolle „juggler“."
        )
        assert problem_text("The Moderator moves the group to the next phase.") == (
            "Die Rolle „Moderator:in“ schaltet die Gruppe zur nächsten Phase weiter."
        )


DUTIES = {"en": "Process observer", "nl": "Procesobservator", "de": "Prozessbeobachter:in"}
"""The observer duty's name on the round page, without the catalogue's "(optional)"."""
REFUSED_START = {
    "en": "As process observer you stay out of the consultation",
    "nl": "Als procesobservator blijf je buiten het consult",
    "de": "Als Prozessbeobachter:in halten Sie sich aus der Beratung heraus",
}


def test_the_observers_page_names_the_duty_and_refuses_in_the_readers_language(
    app: Flask, launch_as: LaunchAs
) -> None:
    world = stable_start(app, launch_as, size=6, method=METHOD)
    board = world.instructor.page("/dashboard")
    (link,) = board.with_attr("data-roles-by-hand")
    path = link.attrs["href"].split("/exercises", 1)[1].split("?", 1)[0]
    people = [str(p.user_id) for p in world.learners]
    choice = {
        "case_bringer": people[3],
        "moderator": people[4],
        "duty_observer": people[0],
        "duty_timekeeper": people[1],
    }
    started = world.instructor.submit(world.instructor.page(path), path, choice)
    assert started.status_code == 303
    link_row = world.instructor.launched.launch.resource_link
    assert link_row is not None
    with app.app_context():
        here = exercises.open_exercise(
            world.scope, exercises.ExerciseLink(link_row.id, link_row.title), now=datetime.now(UTC)
        )
        (group,) = exercises.groups(world.scope, here.id)
    round_path = f"/groups/{group.id}/"
    for _ in range(2):  # start, then 2a: the case
        page = world.instructor.page(round_path)
        world.instructor.follow(world.instructor.submit(page, f"{round_path}advance", {}))
    bringer = world.learners[3]
    accept_rules(bringer)
    page = bringer.page(round_path)
    bringer.follow(bringer.submit(page, f"{round_path}case", {**CASE, "case-checklist": CHECKLIST}))
    page = world.instructor.page(round_path)
    world.instructor.follow(world.instructor.submit(page, f"{round_path}advance", {}))  # 2b

    for language, duty in DUTIES.items():
        claims = {LANGUAGE_CLAIM: {"locale": language}}
        observer = member(app, launch_as, "learner", "learner-0", extra_claims=claims)
        timekeeper = member(app, launch_as, "learner", "learner-1", extra_claims=claims)
        if language == "en":  # the rules once; the later launches are the same people
            accept_rules(observer)
            accept_rules(timekeeper)
        page = observer.page(round_path)
        (shown,) = page.with_attr("data-my-duties")
        assert shown.text == duty, (language, shown.text)
        (kept,) = timekeeper.page(round_path).with_attr("data-my-duties")
        assert (
            kept.text == {"en": "timekeeper", "nl": "tijdbewaker", "de": "Zeitwächter:in"}[language]
        )
        crafted = observer.post_form(f"{round_path}posts/question", "question", {"text": "Why?"})
        assert crafted.status_code in (400, 403, 409), crafted.status_code
        assert REFUSED_START[language] in crafted.get_data(as_text=True), language
