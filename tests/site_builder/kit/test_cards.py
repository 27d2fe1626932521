"""Phase and role cards come from the method data alone: every phase with its minutes, who
speaks, the silent marker and the moderator's cues; a role card per role."""

from __future__ import annotations

from pathlib import Path

from site_builder.course.loader import load_methods
from site_builder.kit.cards import card_markdown, cards_list_markdown, phases_of, speakers_text
from site_builder.kit.navigation import kit_nav
from site_builder.kit.pdf import card_document
from site_builder.kit.pdf_cache import PdfCache, cache_key

CONTENT = Path(__file__).resolve().parents[3] / "content"
METHODS = load_methods(CONTENT)


def test_the_phase_card_lists_every_phase_with_minutes_speakers_and_cues() -> None:
    method = METHODS["collegial-counselling"]
    card = card_markdown(method)
    assert card.count('<th scope="row">') == len(method.phases)
    clock = 0
    for phase in method.phases:
        assert f"{clock}′–{clock + phase.minutes}′</span> {phase.name}" in card
        clock += phase.minutes
        for prompt in phase.prompts:
            assert prompt.replace("'", "&#x27;").replace('"', "&quot;") in card
    assert f"about {clock} minutes" in card
    assert card.count("Case-bringer silent</strong>") == sum(
        phase.case_bringer_silent for phase in method.phases
    )


def test_who_speaks_uses_role_names_in_the_methods_order() -> None:
    method = METHODS["collegial-counselling"]
    consultation = next(phase for phase in method.phases if phase.id == "consultation")
    assert speakers_text(method, consultation) == "Moderator, Consultant"
    casting = method.phases[0]
    assert speakers_text(method, casting) == "Everyone"


def test_every_role_gets_a_card_and_the_case_bringer_learns_when_to_listen() -> None:
    method = METHODS["troika-consulting"]
    card = card_markdown(method)
    assert card.count('class="iv-role-card"') == len(method.roles)
    client = method.roles[0]
    assert client.id == "case-bringer"
    silent = [phase.name for phase in method.phases if phase.case_bringer_silent]
    listen = "; ".join(silent).replace("'", "&#x27;")
    assert f"<strong>Listen only in:</strong> {listen}." in card
    assert all(phase.name not in silent for phase in phases_of(method, client))


def test_text_from_the_data_is_escaped() -> None:
    method = METHODS["gossip-method"]
    tricky = method.__class__(**{**method.__dict__, "name": "<script>x</script>"})
    card = card_markdown(tricky)
    assert "<script>" not in card.split("\n", 1)[1] and "&lt;script&gt;" in card


def test_the_kit_index_lists_a_card_and_a_pdf_per_method() -> None:
    listing = cards_list_markdown(list(METHODS.values()))
    for slug in METHODS:
        assert f"(cards/{slug}.md)" in listing and f'href="pdf/{slug}.pdf"' in listing


def test_the_kit_navigation_has_cards_guides_and_the_authored_pages() -> None:
    section = kit_nav(CONTENT, METHODS.values())["Trainer kit"]
    labels = [next(iter(entry)) for entry in section]
    assert labels[:3] == ["Overview", "Phase and role cards", "Facilitator guide"]
    assert {"Escalation flowchart", "Distress protocol", "Templates", "Glossary"} <= set(labels)
    cards = section[1]["Phase and role cards"]
    assert len(cards) == len(METHODS)


def test_the_pdf_document_drops_site_links_but_keeps_their_text() -> None:
    html = (
        '<p>See <a href="../../escalation/">the flowchart</a> and '
        '<a href="https://doi.org/x">a DOI</a>.</p>'
    )
    document = card_document("Card", html)
    assert "the flowchart" in document and "../../escalation/" not in document
    assert '<a href="https://doi.org/x">a DOI</a>' in document


def test_the_cache_key_changes_with_the_document_and_the_inputs(tmp_path: Path) -> None:
    css = tmp_path / "kit.css"
    css.write_text("a {}", encoding="utf-8")
    key = cache_key("<p>1</p>", [css], "weasyprint 1")
    assert key == cache_key("<p>1</p>", [css], "weasyprint 1")
    assert key != cache_key("<p>2</p>", [css], "weasyprint 1")
    assert key != cache_key("<p>1</p>", [css], "weasyprint 2")
    css.write_text("a { color: red }", encoding="utf-8")
    assert key != cache_key("<p>1</p>", [css], "weasyprint 1")
    cache = PdfCache(tmp_path / "cache")
    assert not cache.fetch(key, tmp_path / "out.pdf")
    (tmp_path / "made.pdf").write_bytes(b"%PDF-1.7 test")
    cache.store(key, tmp_path / "made.pdf")
    assert cache.fetch(key, tmp_path / "out.pdf")
    assert (tmp_path / "out.pdf").read_bytes() == b"%PDF-1.7 test"
