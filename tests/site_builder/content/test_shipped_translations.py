"""The shipped Dutch and German translations keep the structure of their English sources
(the same self-checks, reflections, directives, links, headings, role and phase ids): loading
them raises every structural problem at once, naming the translated file and line."""

from __future__ import annotations

from site_builder.course.loader import load_course
from site_builder.course.translations import load_translations
from tests.site_builder.course_fixtures import REPO


def test_every_shipped_translation_keeps_its_sources_structure() -> None:
    course = load_course(REPO / "content")
    translations = {t.language: t for t in load_translations(course)}
    assert {"nl", "de"} <= set(translations)
    for translation in translations.values():
        translated = translation.course
        assert translated.language == translation.language
        assert [m.slug for m in translated.modules] == [m.slug for m in course.modules]
        # Each page of the language's site: translated, or the English source with a notice.
        assert {m.src_uri for m in course.modules} <= set(translation.pages)
