"""The course in content/ as shipped: it passes every author check of `intervision check`
(study time, self-check cueing, citations, mirror links) and keeps the safety rule in the
worked examples the content review flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.course.citations import CITATION, MIRROR_DOMAINS, URL, is_mirror, source_entries
from site_builder.course.content_warnings import course_warnings
from site_builder.course.loader import load_course
from site_builder.course.model import Course

CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(CONTENT)


def test_every_module_passes_the_author_checks(course: Course) -> None:
    assert [str(warning) for warning in course_warnings(course)] == []


def test_every_module_states_self_study_and_group_minutes_that_add_up(course: Course) -> None:
    for module in course.modules:
        assert module.self_study_minutes is not None, module.slug
        assert module.group_session_minutes is not None, module.slug
        total = module.self_study_minutes + module.group_session_minutes
        assert total == module.duration_minutes, module.slug


def test_every_citation_names_authors_year_and_title(course: Course) -> None:
    entries = [entry for module in course.modules for _, entry in source_entries(module)]
    titles = [source.title for method in course.methods.values() for source in method.sources]
    assert len(entries) >= 40 and len(titles) >= 25  # the checks really read the sources
    for text in [*entries, *titles]:
        match = CITATION.match(text.replace("*", ""))
        assert match, text
        assert match.group("authors").strip() and match.group("title").strip(), text


def test_no_link_in_the_content_goes_to_a_mirror_site() -> None:
    files = [*CONTENT.rglob("*.md"), *CONTENT.rglob("*.yml")]
    urls = [url for path in files for url in URL.findall(path.read_text(encoding="utf-8"))]
    assert len(urls) > 50
    assert [url for url in urls if is_mirror(url)] == []
    assert is_mirror("https://www.yumpu.com/nl/document/view/1") and "docksci.com" in MIRROR_DOMAINS


def test_the_sources_the_review_corrected(course: Course) -> None:
    balint = CONTENT / "modules" / "11-balint-groups.md"
    text = balint.read_text(encoding="utf-8")
    assert "How would you like your Balint?" in text and "bronze, silver and gold" not in text
    assert "doi.org/10.1016/j.pec.2015.01.014" in text
    assert "Pigors" in (CONTENT / "modules" / "08-incident-method.md").read_text(encoding="utf-8")
    assert any("Pigors" in source.title for source in course.methods["incident-method"].sources)


@pytest.mark.parametrize(
    ("module", "must_say"),
    [
        ("07-collegial-counselling.md", "He made the report and spoke to the safeguarding lead"),
        ("08-incident-method.md", "It is a reporting matter, and it goes to the team leader"),
        ("12-socratic-intervision.md", "the report\ncomes first"),
    ],
)
def test_the_worked_examples_follow_the_escalation_rule(module: str, must_say: str) -> None:
    assert must_say in (CONTENT / "modules" / module).read_text(encoding="utf-8")


def test_the_evidence_comes_after_the_methods_it_weighs(course: Course) -> None:
    """Content review P3 item 20: history early (02), evidence after the six method modules."""
    origins = course.module("origins-and-evidence")
    evidence = course.module("what-the-evidence-says")
    assert origins is not None and evidence is not None
    assert "| Claim |" not in origins.body and "| Claim |" in evidence.body
    methods = [m for m in course.modules if m.method is not None]
    assert len(methods) >= 6
    assert all(m.number < evidence.number for m in methods)
    assert {m.slug for m in methods} <= set(evidence.prerequisites)
    assert [m.number for m in course.modules] == list(range(1, len(course.modules) + 1))
