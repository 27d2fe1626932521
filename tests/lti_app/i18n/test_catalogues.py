"""The catalogues are complete: every message the sources use has a Dutch and a German
translation (not fuzzy) in its area's catalogue, and no catalogue keeps a message nothing uses.
A failure names the area, the .po file and the msgid (fix: `intervision i18n update --area
NAME`, translate, run again; docs/translating.md)."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from lti_app.i18n import maintenance
from lti_app.i18n.areas import AREAS, PACKAGE, area_named, area_of


@pytest.fixture(scope="module")
def templates() -> dict[str, Catalog]:
    return maintenance.templates()


@pytest.mark.parametrize("area_name", [area.name for area in AREAS])
def test_every_area_catalogue_is_complete_and_has_nothing_stale(
    templates: dict[str, Catalog], area_name: str
) -> None:
    problems = maintenance.check(area_named(area_name), templates[area_name])
    assert not problems, "\n".join(str(p) for p in problems)


def test_the_check_names_area_file_and_msgid_of_a_missing_and_a_stale_message(
    templates: dict[str, Catalog],
) -> None:
    core = area_named("core")
    changed = Catalog(locale=None)
    for message in templates["core"]:
        if message.id and message.id != "Not found":
            changed.add(message.id, None, list(message.locations), context=message.context)
    changed.add("A message only this test uses", None, [("web/example.py", 1)])
    problems = {(p.area, p.file, p.msgid, p.kind) for p in maintenance.check(core, changed)}
    po = "lti_app/translations/nl/LC_MESSAGES/messages.po"
    assert ("core", po, "A message only this test uses", "missing") in problems
    assert ("core", po, "Not found", "obsolete") in problems


def test_each_source_file_belongs_to_one_area_and_the_cli_and_demo_lms_to_none() -> None:
    assert area_of("web/signups/learner_views.py") is area_named("signups")
    assert area_of("services/calendar.py") is area_named("signups")
    assert area_of("web/exercises/templates/exercises/round.html") is area_named("exercises")
    assert area_of("web/course_home.py") is area_named("core")
    assert area_of("templates/lti/layout.html") is area_named("core")
    assert area_of("demo_lms/views.py") is None
    assert area_of("cli_commands.py") is None
    for area in AREAS:
        assert area.po_path("nl").is_relative_to(PACKAGE)


def test_refusal_words_written_as_literals_state_the_limits_the_code_applies() -> None:
    """Class-level refusal words must be literals to reach the catalogue (an f-string is not
    extracted), so the numbers they name are checked against the code's limits here."""
    from lti_app.web.learner_text import MAX_LEARNER_TEXT, LearnerTextTooLong

    assert f"at most {MAX_LEARNER_TEXT:,} characters" in LearnerTextTooLong.message
