"""Who completed which module: trainers see names (pseudonyms where the platform withheld
them, never the platform's ``sub``) per module with dates, for this course only, and can
download it as CSV; learners cannot."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from lti_app.storage import db
from lti_app.storage.models import LtiUser
from tests.support.launches import LaunchAs
from tests.support.module_progress import complete_module


def _learner_does(
    app: Flask, launch_as: LaunchAs, sub: str, slugs: list[str], context_id: str = "course-42"
) -> None:
    client = app.test_client()
    launched = launch_as("learner", client=client, user_id=sub, context_id=context_id)
    assert client.get(launched.url("/course/")).status_code == 200
    for slug in slugs:
        complete_module(client, slug)


def _name_people(app: Flask, names: dict[str, str | None]) -> None:
    """The names the platform shares (None: withheld), as its launches would have set them."""
    with app.app_context(), db.transaction() as session:
        for sub, name in names.items():
            session.execute(update(LtiUser).where(LtiUser.sub == sub).values(name=name))


def _course(app: Flask, launch_as: LaunchAs) -> None:
    _learner_does(app, launch_as, "sub-bram", ["troika", "what-is-intervision"])
    _learner_does(app, launch_as, "sub-hidden", ["troika"])
    _learner_does(app, launch_as, "sub-eve", ["what-is-intervision"])
    _learner_does(app, launch_as, "sub-other-course", ["troika"], context_id="course-43")
    _name_people(
        app,
        {
            "sub-bram": "Bram de Vries",
            "sub-hidden": None,
            "sub-eve": '=HYPERLINK("http://evil.test")',
            "sub-other-course": "Olga Other",
        },
    )


def test_trainers_see_who_completed_which_module_in_this_course(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    _course(app, launch_as)
    launched = launch_as("instructor", user_id="sub-trainer")
    home = client.get(launched.url("/course/")).get_data(as_text=True)
    assert 'id="completions-link"' in home
    page = client.get(launched.url("/course/completions"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = re.findall(r'<tr>\s*<th scope="row">(.*?)</th>(.*?)</tr>', html, re.S)
    by_name = {name: cells for name, cells in rows}
    assert len(by_name) == 3  # the other course's learner is not here, nor the trainer
    assert "Olga Other" not in html and "sub-" not in html
    assert by_name["Bram de Vries"].count("<time datetime=") == 2
    assert "2 of 2" in by_name["Bram de Vries"]
    pseudonyms = [name for name in by_name if name.startswith("Participant ")]
    assert len(pseudonyms) == 1 and "1 of 2" in by_name[pseudonyms[0]]
    assert "=HYPERLINK(&#34;http://evil.test&#34;)" in by_name  # escaped as text


def test_the_csv_has_the_same_table_with_formula_cells_quoted(
    app: Flask, client: FlaskClient, launch_as: LaunchAs
) -> None:
    _course(app, launch_as)
    launched = launch_as("instructor", user_id="sub-trainer")
    response = client.get(launched.url("/course/completions.csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header, rows = table[0], {row[0]: row for row in table[1:]}
    assert header[0] == "Name" and header[-1] == "Modules done" and len(header) == 4
    assert set(rows) >= {"Bram de Vries", '\'=HYPERLINK("http://evil.test")'}
    assert len(rows) == 3 and not any("sub-" in cell for row in table for cell in row)
    bram = rows["Bram de Vries"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", cell) for cell in bram[1:3]) and bram[3] == "2"


def test_learners_cannot_see_the_completions(client: FlaskClient, launch_as: LaunchAs) -> None:
    launched = launch_as("learner", user_id="sub-curious")
    home = client.get(launched.url("/course/")).get_data(as_text=True)
    assert 'id="completions-link"' not in home
    assert client.get(launched.url("/course/completions")).status_code == 403
    assert client.get(launched.url("/course/completions.csv")).status_code == 403


def test_an_empty_course_says_so(client: FlaskClient, launch_as: LaunchAs) -> None:
    launched = launch_as("instructor", user_id="sub-trainer")
    html = client.get(launched.url("/course/completions")).get_data(as_text=True)
    assert 'id="no-completions"' in html and "<table" not in html
