"""What can be checked of the sign-up pages without a browser (axe-core runs in the e2e
gate): unique ids, a label for every control, errors and hints linked by aria-describedby,
tables with headers, the status region, and no inline script or style (the CSP allows none)."""

from __future__ import annotations

from flask import Flask

from tests.support.launches import LaunchAs
from tests.support.page_structure import check
from tests.support.signup_people import Person, person, session_fields


def test_every_sign_up_page_state_is_well_formed(app: Flask, launch_as: LaunchAs) -> None:
    trainer = person(app, launch_as, "instructor", "trainer")
    check(trainer.page("/"))  # empty sheet
    first = trainer.create(seats_max="1", case_bringer_places="1")
    trainer.create(title="Second", seats_max="2")
    ann, bob = (person(app, launch_as, "learner", f"learner-{n}") for n in range(2))
    check(ann.page("/"))
    ann.book(first, "case_bringer")
    bob.book(first, "case_bringer")  # waitlisted
    for page in (
        ann.page("/"),
        ann.page(f"/sessions/{first}/"),
        bob.page(f"/sessions/{first}/"),
        trainer.page("/"),
        trainer.page(f"/sessions/{first}/"),
        trainer.page("/sessions/new"),
        trainer.page(f"/sessions/{first}/edit"),
    ):
        check(page)
    bad = trainer.post("/sessions/new", session_fields(seats_max="0", title=""))
    assert bad.status_code == 400
    structure = check(bad.get_data(as_text=True))
    assert {"seats_max-error", "title-error"} <= set(structure.described)


def test_outcomes_are_announced_in_the_status_region(app: Flask, launch_as: LaunchAs) -> None:
    trainer = person(app, launch_as, "instructor", "trainer")
    session_id = trainer.create()
    ann: Person = person(app, launch_as, "learner", "learner-1")
    page = ann.follow(ann.book(session_id))
    region = page.split('role="status" aria-live="polite">', 1)[1].split("</div>", 1)[0]
    assert "You have a seat as consultant" in region
