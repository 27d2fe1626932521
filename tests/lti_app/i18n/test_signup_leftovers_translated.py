"""The sign-up messages that still showed English in Dutch and German (issue 13): the domain's
problems with values in them (series length, rule details, group moves, rotation roles, place,
link and seat limits), said again in the reader's language with the values kept, and the
attendance comment sent to the gradebook, in the learner's own language.

Each message is made by the domain function that writes it, so a changed English sentence
fails here instead of showing English on a Dutch page."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from lti_app.domain.signups.booking import Intent
from lti_app.domain.signups.groups import move_member
from lti_app.domain.signups.plan import MAX_PLACE, MAX_SEATS, MAX_URL, SessionPlan, check_plan
from lti_app.domain.signups.recurrence import (
    MAX_OCCURRENCES,
    RRULE_EXAMPLE,
    Repeat,
    SeriesPlan,
    expand,
)
from lti_app.domain.signups.rotation import choose_roles
from lti_app.i18n import use_locale
from lti_app.services import signups
from lti_app.storage import db
from lti_app.storage.models import LtiUser
from lti_app.storage.outbox_models import ScoreOutboxEntry
from lti_app.storage.signups_repo import SheetLink
from lti_app.web.signups.words import problem_text
from tests.support.signup_world import NOW, STARTS, build_world, new_session

FIRST = datetime(2027, 1, 5, 19, 0)


def _plan_messages() -> list[str]:
    plan = SessionPlan(
        title="Intervision",
        method=None,
        starts_at=NOW + timedelta(days=7),
        duration=timedelta(minutes=90),
        timezone="Europe/Amsterdam",
        place="x" * (MAX_PLACE + 1),
        seats_max=MAX_SEATS + 1,
        case_bringer_places=0,
    )
    long_link = check_plan(
        SessionPlan(
            title="Intervision",
            method=None,
            starts_at=NOW + timedelta(days=7),
            duration=timedelta(minutes=90),
            timezone="Europe/Amsterdam",
            online_url="https://meet.example.org/" + "x" * MAX_URL,
        ),
        NOW,
    )
    return [p.message for p in (*check_plan(plan, NOW), *long_link)]


def _series_message(**fields: object) -> str:
    series = SeriesPlan(first_local=FIRST, timezone="Europe/Amsterdam", **fields)  # type: ignore[arg-type]
    (problem,) = expand(series).problems
    return problem.message


def _messages() -> dict[str, str]:
    place, seats, link = _plan_messages()
    fewer, more = move_member(((1, 2, 3), (4, 5, 6)), 1, 1, 3, 3).problems
    (stranger,) = choose_roles([1, 2, 3], ["moderator"], [], {"moderator": 9}).problems
    (nobody,) = choose_roles(
        [1, 2], ["moderator", "timekeeper"], [], {"moderator": 1, "case-bringer": 2}
    ).problems
    fixed = {"moderator": 1, "timekeeper": 1}
    (twice,) = choose_roles([1, 2, 3], ["moderator", "timekeeper"], [], fixed).problems
    return {
        "place": place,
        "seats": seats,
        "link": link,
        "count": _series_message(repeat=Repeat.WEEKLY, count=MAX_OCCURRENCES + 1),
        "too_many": _series_message(rrule=f"FREQ=DAILY;COUNT={MAX_OCCURRENCES + 5}"),
        "rule_only": _series_message(rrule="DTSTART:20270105T190000\nFREQ=WEEKLY;COUNT=3"),
        "never_ends": _series_message(rrule="FREQ=WEEKLY;BYDAY=TU"),
        "unreadable": _series_message(rrule="FREQ=SOMETIMES;COUNT=3"),
        "both": _series_message(repeat=Repeat.WEEKLY, rrule="FREQ=WEEKLY;COUNT=3", count=3),
        "how": _series_message(),
        "fewer": fewer.message,
        "more": more.message,
        "stranger": stranger.message,
        "nobody": nobody.message,
        "twice": twice.message,
    }


EXPECTED = {
    "nl": {
        "place": f"De plaats is {MAX_PLACE + 1} tekens lang; houd het op hoogstens {MAX_PLACE}.",
        "seats": f"Hoogstens {MAX_SEATS} plaatsen; verdeel de bijeenkomst over meerdere.",
        "link": f"De onlinelink is te lang; houd hem op hoogstens {MAX_URL} tekens.",
        "count": f"Een reeks heeft 1 tot {MAX_OCCURRENCES} bijeenkomsten.",
        "too_many": f"De reeks zou meer dan {MAX_OCCURRENCES} bijeenkomsten hebben; maak hem "
        "korter.",
        "rule_only": f"Typ alleen de regel zelf, bijvoorbeeld {RRULE_EXAMPLE} (geen DTSTART of "
        "EXDATE).",
        "never_ends": "De regel houdt nooit op: voeg COUNT=… of UNTIL=… toe, bijvoorbeeld "
        f"{RRULE_EXAMPLE}.",
        "unreadable": "De regel kon niet worden gelezen (",
        "both": "Kies een herhaling uit de lijst of typ een regel, niet allebei.",
        "how": "Kies hoe de reeks zich herhaalt: wekelijks, om de twee weken of maandelijks.",
        "fewer": "Groep 1 zou 2 personen hebben, minder dan het minimum van 3. Verplaats eerst "
        "iemand anders naar deze groep, of voeg de groepen samen.",
        "more": "Groep 2 zou 4 personen hebben, meer dan het maximum van 3. Verplaats eerst "
        "iemand uit deze groep.",
        "stranger": "De persoon die je als gespreksleider hebt gekozen, zit niet in deze "
        "bijeenkomst.",
        "nobody": "Iedereen heeft al een rol; er is niemand meer over voor tijdbewaker.",
        "twice": "De persoon die je als tijdbewaker hebt gekozen, is al gespreksleider; er zijn "
        "genoeg mensen in deze bijeenkomst voor één rol per persoon. Kies iemand anders.",
    },
    "de": {
        "place": f"Der Ort ist {MAX_PLACE + 1} Zeichen lang; bitte höchstens {MAX_PLACE}.",
        "seats": f"Höchstens {MAX_SEATS} Plätze; teilen Sie den Termin auf.",
        "link": f"Der Online-Link ist zu lang; bitte höchstens {MAX_URL} Zeichen.",
        "count": f"Eine Reihe hat 1 bis {MAX_OCCURRENCES} Termine.",
        "too_many": f"Die Reihe hätte mehr als {MAX_OCCURRENCES} Termine; kürzen Sie sie.",
        "rule_only": f"Geben Sie nur die Regel selbst ein, z. B. {RRULE_EXAMPLE} (kein DTSTART "
        "oder EXDATE).",
        "never_ends": "Die Regel endet nie: Fügen Sie COUNT=… oder UNTIL=… hinzu, z. B. "
        f"{RRULE_EXAMPLE}.",
        "unreadable": "Die Regel konnte nicht gelesen werden (",
        "both": "Wählen Sie eine Wiederholung aus der Liste oder geben Sie eine Regel ein, nicht "
        "beides.",
        "how": "Wählen Sie, wie sich die Reihe wiederholt: wöchentlich, alle zwei Wochen oder "
        "monatlich.",
        "fewer": "Gruppe 1 hätte 2 Personen, weniger als das Minimum von 3. Verschieben Sie "
        "zuerst eine andere Person hinein oder legen Sie die Gruppen zusammen.",
        "more": "Gruppe 2 hätte 4 Personen, mehr als das Maximum von 3. Verschieben Sie zuerst "
        "eine Person hinaus.",
        "stranger": "Die für die Rolle „Moderation“ gewählte Person ist nicht in diesem Termin.",
        "nobody": "Alle haben bereits eine Rolle; für die Rolle „Zeitwächter:in“ ist niemand "
        "mehr übrig.",
        "twice": "Die für die Rolle „Zeitwächter:in“ gewählte Person hat bereits die Rolle "
        "„Moderation“; in diesem Termin sind genug Personen für je eine Rolle. Wählen Sie eine "
        "andere Person.",
    },
}


@pytest.mark.parametrize("language", ["nl", "de"])
def test_the_domain_problems_with_values_in_dutch_and_german(app: Flask, language: str) -> None:
    messages = _messages()
    with app.app_context(), use_locale(language):
        shown = {key: problem_text(message) for key, message in messages.items()}
    for key, expected in EXPECTED[language].items():
        if key == "unreadable":  # dateutil's own (English) reason is kept inside, as it came
            assert shown[key].startswith(expected), shown[key]
            assert shown[key].endswith(f"{RRULE_EXAMPLE}."), shown[key]
            reason = messages[key].split("(", 1)[1].rsplit(")", 1)[0]
            assert f"({reason})" in shown[key]
        else:
            assert shown[key] == expected, key
    with app.app_context(), use_locale("en"):
        assert [problem_text(m) for m in messages.values()] == list(messages.values())


def test_the_attendance_comment_is_in_each_learners_own_language(app: Flask) -> None:
    """Marked in one (English) call, each comment speaks its learner's kept language; a learner
    whose launches never named one gets the deployment default. No names in it."""
    world = build_world(app, learners=3)
    dutch, german, plain = world.learners
    lineitem = "https://lms1.test/lineitems/9"
    with app.app_context():
        with db.transaction() as session:
            for user, locale in ((dutch, "nl"), (german, "de")):
                session.execute(update(LtiUser).where(LtiUser.id == user).values(locale=locale))
        sheet = signups.open_sheet(
            world.course, SheetLink("link-9", "Sign-up", lineitem_url=lineitem), NOW
        )
    session_id = new_session(app, world, sheet=sheet.id)
    after = STARTS + timedelta(hours=2)
    with app.app_context():
        for user in world.learners:
            signups.book(
                world.course, sheet_id=sheet.id, session_id=session_id, user_id=user,
                intent=Intent.CONSULTANT, now=NOW,
            )  # fmt: skip
        for user, attended in ((dutch, True), (german, False), (plain, True)):
            signups.mark_attendance(
                world.course, sheet_id=sheet.id, session_id=session_id, user_id=user,
                attended=attended, instructor_id=world.instructor, now=after,
            )  # fmt: skip
        with db.transaction() as session:
            rows = session.execute(
                select(ScoreOutboxEntry.user_sub, ScoreOutboxEntry.comment).order_by(
                    ScoreOutboxEntry.id
                )
            ).all()
    assert [tuple(row) for row in rows] == [
        ("learner-0", "Aanwezig geweest bij de intervisiebijeenkomst"),
        ("learner-1", "Nicht an der Sitzung der Kollegialen Beratung teilgenommen"),
        ("learner-2", "Attended the intervision session"),
    ]
