"""What each package carries: every reference resolves inside it, identifiers are unique, pages
work offline, LTI links launch the tool with the activity, SCOs are the modules."""

from __future__ import annotations

import pytest
from lxml import etree

from site_builder.export.package_files import SCORM_BRIDGE
from tests.support.lms_packages import (
    TOOL_BASE_URL,
    CoursePackages,
    duplicate_identifiers,
    unresolved_manifest_refs,
    unresolved_page_links,
)

ALL = ["cc11", "cc13", "thin-cc13", "scorm12", "scorm2004"]
WEB = ["cc11", "cc13", "scorm12", "scorm2004"]
BLTI = "{http://www.imsglobal.org/xsd/imsbasiclti_v1p0}"
LTICM = "{http://www.imsglobal.org/xsd/imslticm_v1p0}"


@pytest.mark.parametrize("name", ALL)
def test_every_manifest_reference_resolves_and_identifiers_are_unique(
    course_packages: CoursePackages, name: str
) -> None:
    package = course_packages.archive(name)
    assert unresolved_manifest_refs(package) == []
    assert duplicate_identifiers(package) == []
    assert package.order[0] == "imsmanifest.xml"
    listed = {f.get("href") for f in package.manifest_elements("file")}
    assert listed == set(package.entries) - {"imsmanifest.xml"}, "a file the manifest omits"


@pytest.mark.parametrize("name", WEB)
def test_every_page_link_stays_inside_the_package(
    course_packages: CoursePackages, name: str
) -> None:
    package = course_packages.archive(name)
    pages = dict(package.html_pages())
    assert len(pages) >= len(course_packages.course.modules) + len(course_packages.course.methods)
    # A folder link of the site ('../02-x/') would resolve to no file: each became index.html.
    assert unresolved_page_links(package) == []


def test_web_cartridges_hold_the_course_pages_and_link_its_activities(
    course_packages: CoursePackages,
) -> None:
    course = course_packages.course
    for name in ("cc11", "cc13"):
        package = course_packages.archive(name)
        titles = [t.text for t in package.manifest_elements("title")]
        for module in course.modules:
            assert module.title in titles
        for method in course.methods.values():
            assert method.name in titles
        for activity in course.activities.values():
            assert activity.title in titles
        webcontent = [
            r for r in package.manifest_elements("resource") if r.get("type") == "webcontent"
        ]
        page_hrefs = {r.get("href") for r in webcontent if r.get("href")}
        for module in course.modules:
            assert f"web_resources/modules/{module.path.stem}/index.html" in page_hrefs
        assert not any(SCORM_BRIDGE in html for _, html in package.html_pages())


def _links(course_packages: CoursePackages, name: str) -> dict[tuple[str, str], etree._Element]:
    package = course_packages.archive(name)
    found = {}
    for entry, data in package.entries.items():
        if entry.startswith("lti_links/"):
            root = etree.fromstring(data)
            custom = {p.get("name"): p.text for p in root.iter(f"{LTICM}property")}
            found[(custom["kind"], custom["intervision_ref"])] = root
    return found


def test_lti_links_launch_the_tool_with_the_activity_in_custom_parameters(
    course_packages: CoursePackages,
) -> None:
    course = course_packages.course
    expected = {(a.type, a.id) for a in course.activities.values()}
    for name in ("cc11", "cc13"):
        links = _links(course_packages, name)
        assert set(links) == expected
        for (kind, ref), root in links.items():
            # the activity rides in the query too: Moodle's CC 1.1 import drops custom ones
            url = f"{TOOL_BASE_URL}/lti/launch?kind={kind}&intervision_ref={ref}"
            assert root.findtext(f"{BLTI}launch_url") == url
            assert root.findtext(f"{BLTI}secure_launch_url") == url
            assert root.findtext(f"{BLTI}title") == course.activities[ref].title


def test_thin_cartridge_is_links_only_one_per_module_and_activity(
    course_packages: CoursePackages,
) -> None:
    course = course_packages.course
    package = course_packages.archive("thin-cc13")
    assert all(
        name == "imsmanifest.xml" or name.startswith("lti_links/") for name in package.entries
    )
    assert {r.get("type") for r in package.manifest_elements("resource")} == {"imsbasiclti_xmlv1p3"}
    links = _links(course_packages, "thin-cc13")
    modules = {("module", m.slug) for m in course.modules}
    activities = {(a.type, a.id) for a in course.activities.values()}
    assert set(links) == modules | activities
    schema = package.manifest.find(".//{*}metadata/{*}schema")
    assert schema is not None and schema.text == "IMS Thin Common Cartridge"


@pytest.mark.parametrize(
    ("name", "attribute"), [("scorm12", "scormtype"), ("scorm2004", "scormType")]
)
def test_scorm_modules_are_scos_and_other_pages_assets(
    course_packages: CoursePackages, name: str, attribute: str
) -> None:
    course = course_packages.course
    package = course_packages.archive(name)
    adlcp = package.manifest.nsmap["adlcp"]
    kinds = {
        r.get("href"): r.get(f"{{{adlcp}}}{attribute}")
        for r in package.manifest_elements("resource")
    }
    scos = {href for href, kind in kinds.items() if kind == "sco"}
    assert scos == {f"modules/{m.path.stem}/index.html" for m in course.modules}
    assert kinds["index.html"] == "asset"
    for sco in scos:
        html = package.entries[sco].decode("utf-8")
        assert f'src="../../{SCORM_BRIDGE}" data-iv-scorm-scores="true"' in html, sco
    # Assets (overview, methods) must not talk to the runtime: no bridge there.
    for page, html in package.html_pages():
        assert (SCORM_BRIDGE in html) == (page in scos), page
    assert package.entries[SCORM_BRIDGE].startswith(b"/* Intervision courseware in a SCORM")


@pytest.mark.parametrize("name", ALL)
def test_zip_entries_carry_no_build_time_or_local_mode(
    course_packages: CoursePackages, name: str
) -> None:
    import zipfile

    with zipfile.ZipFile(course_packages.by_format[name]) as archive:
        infos = archive.infolist()
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o644}
    names = [info.filename for info in infos]
    assert names[1:] == sorted(names[1:])
