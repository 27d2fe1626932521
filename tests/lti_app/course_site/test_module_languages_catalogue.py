"""Each language's catalogue beside the English one: ``get_catalogue(language=...)`` falls back
to English for a language the site was not built in, and ``method_in_language`` gives a
method's phases by id in a language, English where the translation lacks one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask

from lti_app import catalogue
from lti_app.catalogue import (
    get_catalogue,
    language_root,
    method_in_language,
    site_languages,
)
from lti_app.catalogue.method_texts import method_text
from lti_app.catalogue.reader import parse_catalogue
from lti_app.domain.methods import Contribution, PhaseSpec, RoleSpec
from tests.support.language_sites import translated_catalogue, write_language_site
from tests.support.sites import catalogue_data, validated_catalogue_json

CASE = Contribution("case")


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """Only the catalogue part of the tool (no database): what these functions read."""
    bare = Flask(__name__)
    bare.config["SITE_DIR"] = str(write_language_site(tmp_path / "site"))
    catalogue.init_app(bare)
    return bare


def test_each_language_has_its_catalogue_and_english_stays_the_default(app: Flask) -> None:
    with app.app_context():
        assert get_catalogue().course_title == "Intervision 101"
        assert get_catalogue(language="nl").course_title == "Intervisie 101"
        assert get_catalogue(language="de").module("troika").title == "Troika <in der Praxis>"
        assert get_catalogue(language="NL-be").language == "nl"  # a locale is its language
        assert site_languages() == ("en", "de", "nl")


def test_a_language_the_site_lacks_gives_english(app: Flask) -> None:
    with app.app_context():
        for asked in ("fr", "en", "en_001", "../nl", "nl/../de", "", "assets"):
            found = get_catalogue(language=asked)
            assert (found.language, found.course_title) == ("en", "Intervision 101"), asked


def test_a_folder_without_its_catalogue_is_not_a_language(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "site" / "de" / "catalogue.json").unlink()
    (tmp_path / "site" / "assets" / "catalogue.json").write_text("{}", encoding="utf-8")
    with app.app_context():
        assert site_languages() == ("en", "nl")
        assert language_root("de") is None
        assert get_catalogue(language="de").language == "en"


def test_a_rebuilt_language_is_read_again(app: Flask, tmp_path: Path) -> None:
    data = translated_catalogue("nl")
    data["course"]["title"] = "Intervisie 102"
    with app.app_context():
        assert get_catalogue(language="nl").course_title == "Intervisie 101"
        (tmp_path / "site" / "nl" / "catalogue.json").write_text(
            validated_catalogue_json(data) + "\n", encoding="utf-8"
        )
        assert get_catalogue(language="nl").course_title == "Intervisie 102"


def test_method_phases_by_id_in_each_language(app: Flask) -> None:
    with app.app_context():
        dutch = method_in_language("troika-consulting", "nl")
        english = method_in_language("troika-consulting", "fr")
        assert method_in_language("no-such-method", "nl") is None
    assert dutch is not None and english is not None
    case, role, fallback = dutch.phase("case"), dutch.role("case-bringer"), english.phase("case")
    assert case is not None and role is not None and fallback is not None
    assert (case.language, case.name, case.goal, case.prompts) == (
        "nl",
        "Casus",
        "Vertel.",
        ("nl?",),
    )
    assert (dutch.language, dutch.name, role.name) == ("nl", "Troika (nl)", "Casusinbrenger")
    assert (english.language, fallback.language, fallback.name) == ("en", "en", "Case")


def test_a_phase_or_role_the_translation_lacks_stays_english(tmp_path: Path) -> None:
    english = parse_catalogue(catalogue_data(), tmp_path / "catalogue.json").methods[0]
    dutch = parse_catalogue(translated_catalogue("nl"), tmp_path / "nl").methods[0]
    extra_phase = PhaseSpec("reflect", "Reflect", 5, "Look back.", ("all",), False, CASE)
    extra_role = RoleSpec("moderator", "Moderator", "Keeps time.")
    longer = replace(
        english,
        phases=(*english.phases, extra_phase),
        roles=(*english.roles, extra_role),
    )
    text = method_text(longer, "en", dutch, "nl")
    assert [(p.id, p.language, p.name) for p in text.phases.values()] == [
        ("case", "nl", "Casus"),
        ("reflect", "en", "Reflect"),
    ]
    assert [(r.id, r.language, r.name) for r in text.roles.values()] == [
        ("case-bringer", "nl", "Casusinbrenger"),
        ("moderator", "en", "Moderator"),
    ]
