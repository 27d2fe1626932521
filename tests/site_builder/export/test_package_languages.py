"""Packages per language: `intervision package` writes the source language's packages into
dist/ and each translation's into dist/<lang>/, each from its own site, valid against the
official schemas, with the manifest's language set and nothing of the other languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from site_builder.export.package_cli import package
from tests.site_builder.course_fixtures import CourseTree, write_mkdocs_yml
from tests.site_builder.translation_fixtures import write_nl_translation
from tests.support.lms_packages import Package, unresolved_manifest_refs, unresolved_page_links
from tests.support.package_schemas import check_manifest

FORMATS = ("cc11", "scorm2004")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = CourseTree(tmp_path_factory.mktemp("packaged"))
    tree.write_valid_course()
    write_nl_translation(tree)
    out = tree.root / "dist"
    args = ["-f", str(write_mkdocs_yml(tree)), "--content-dir", str(tree.content), "-o", str(out)]
    args += ["--base-url", "https://tool.example.edu"]
    for name in FORMATS:
        args += ["--format", name]
    result = CliRunner().invoke(package, args)
    assert result.exit_code == 0, result.output
    return out


def test_each_language_has_its_packages(dist: Path) -> None:
    names = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file())
    assert names == [
        "nl/test-course-nl-cc11.imscc",
        "nl/test-course-nl-scorm2004.zip",
        "test-course-cc11.imscc",
        "test-course-scorm2004.zip",
    ]


@pytest.mark.parametrize(
    "name", ["nl/test-course-nl-cc11.imscc", "nl/test-course-nl-scorm2004.zip"]
)
def test_translated_packages_are_valid_and_whole(dist: Path, name: str) -> None:
    archive = Package.read(dist / name)
    assert check_manifest(archive.manifest_bytes).errors == ()
    assert unresolved_manifest_refs(archive) == []
    # The fixture course has no assets folder: its stylesheet and scripts are missing in
    # every package alike; a translated package breaks no other link.
    english = Package.read(dist / name.replace("nl/", "").replace("-nl-", "-"))
    assert unresolved_page_links(archive) == unresolved_page_links(english)
    assert all("assets/intervision/" in problem for problem in unresolved_page_links(archive))
    pages = {path.removeprefix("web_resources/"): html for path, html in archive.html_pages()}
    assert '<html lang="nl"' in pages["index.html"]
    assert "Eerste stappen" in pages["modules/01-first-steps/index.html"]


def test_cartridge_metadata_names_the_language(dist: Path) -> None:
    for name, language, title in (
        ("nl/test-course-nl-cc11.imscc", "nl", "Testcursus"),
        ("test-course-cc11.imscc", "en", "Test course"),
    ):
        archive = Package.read(dist / name)
        general = archive.manifest_elements("general")[0]
        languages = [e.text for e in general.iter() if etree.QName(e).localname == "language"]
        strings = [e for e in general.iter() if etree.QName(e).localname == "string"]
        assert languages == [language] and strings[0].text == title
        assert strings[0].get("language") == language


def test_source_packages_carry_no_other_language(dist: Path) -> None:
    archive = Package.read(dist / "test-course-scorm2004.zip")
    assert not [name for name in archive.entries if name.startswith("nl/")]
    for _, html in archive.html_pages():
        assert 'rel="alternate" href' not in html and "iv-languages" not in html
        assert "md-select__link" not in html


def test_an_unknown_language_is_named(tmp_path: Path, course_tree: CourseTree) -> None:
    args = ["--content-dir", str(course_tree.content), "-o", str(tmp_path), "--format", "scorm12"]
    result = CliRunner().invoke(package, [*args, "--language", "de"])
    assert result.exit_code == 1
    assert "No translation for de: the languages of this course are en" in result.output
