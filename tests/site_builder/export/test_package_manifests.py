"""Every package validates against the official IMS / ADL schemas, and the gates bite."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.support.lms_packages import CoursePackages, moodle_detects_cc11
from tests.support.package_schemas import (
    CC11_NS,
    CC13_NS,
    LTI_LINK_V1P0,
    LTI_LINK_V1P3,
    SCORM12_NS,
    SCORM2004_NS,
    check_manifest,
    lti_link_schema,
    moodle_driver_schema,
    xsd_errors,
)

NAMESPACES = {
    "cc11": CC11_NS,
    "cc13": CC13_NS,
    "thin-cc13": CC13_NS,
    "scorm12": SCORM12_NS,
    "scorm2004": SCORM2004_NS,
}


@pytest.mark.parametrize("name", sorted(NAMESPACES))
def test_manifest_is_valid_against_the_official_schemas(
    course_packages: CoursePackages, name: str
) -> None:
    verdict = check_manifest(course_packages.archive(name).manifest_bytes)
    assert verdict.namespace == NAMESPACES[name]
    assert verdict.errors == ()


def test_cc11_passes_moodles_own_validator_and_namespace_sniff(
    course_packages: CoursePackages,
) -> None:
    manifest = course_packages.archive("cc11").manifest_bytes
    assert xsd_errors(moodle_driver_schema(), manifest) == []
    assert moodle_detects_cc11(manifest)
    # The 1.3 cartridges are for Canvas: Moodle must not take them for 1.1 ones.
    assert not moodle_detects_cc11(course_packages.archive("cc13").manifest_bytes)


def test_cc11_link_files_are_valid_basic_lti_links(course_packages: CoursePackages) -> None:
    package = course_packages.archive("cc11")
    links = [name for name in package.entries if name.startswith("lti_links/")]
    assert len(links) == len(course_packages.course.activities)
    for name in links:
        assert etree.QName(etree.fromstring(package.entries[name])).namespace == LTI_LINK_V1P0
        assert xsd_errors(lti_link_schema(), package.entries[name]) == [], name


@pytest.mark.parametrize("name", ["cc13", "thin-cc13"])
def test_cc13_link_files_have_the_basic_lti_content_model(
    course_packages: CoursePackages, name: str
) -> None:
    """The official imslticc_v1p3 schema is not in the shared folder; its blti/lticm/lticp
    content is the 1.0 one, so the file is checked against imslticc_v1p0p1 with only the
    root element's namespace swapped back."""
    package = course_packages.archive(name)
    links = [entry for entry in package.entries if entry.startswith("lti_links/")]
    assert links
    for entry in links:
        root = etree.fromstring(package.entries[entry])
        assert etree.QName(root).namespace == LTI_LINK_V1P3
        as_v1p0 = package.entries[entry].replace(LTI_LINK_V1P3.encode(), LTI_LINK_V1P0.encode())
        assert xsd_errors(lti_link_schema(), as_v1p0) == [], entry


def _mutated(manifest: bytes, old: bytes, new: bytes) -> bytes:
    assert old in manifest, old
    return manifest.replace(old, new, 1)


def test_the_schema_gates_catch_planted_mistakes(course_packages: CoursePackages) -> None:
    cc11 = course_packages.archive("cc11").manifest_bytes
    titled_root = _mutated(
        cc11, b'<item identifier="I_root">', b'<item identifier="I_root"><title>x</title>'
    )
    wrong_structure = _mutated(cc11, b'structure="rooted-hierarchy"', b'structure="hierarchical"')
    duplicate_id = _mutated(cc11, b'identifier="I_00002"', b'identifier="I_00001"')
    for broken in (titled_root, wrong_structure, duplicate_id):
        assert check_manifest(broken).errors, broken[:200]
    scorm12 = course_packages.archive("scorm12").manifest_bytes
    assert check_manifest(_mutated(scorm12, b"adlcp:scormtype=", b"adlcp:scormType=")).errors
    scorm2004 = course_packages.archive("scorm2004").manifest_bytes
    unknown_type = _mutated(scorm2004, b'adlcp:scormType="sco"', b'adlcp:scormType="page"')
    assert check_manifest(unknown_type).errors
