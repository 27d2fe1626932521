"""The official IMS and ADL schemas for LMS packages, compiled once, and checks with them.

They are read from `../shared/schemas/` beside the checkout (see its README) when it is there,
else from the verbatim copy in `tests/package_schemas/` (a clean clone elsewhere, as CI makes
one, has no `../shared`); `test_vendored_schemas_are_the_shared_ones` keeps the copy identical
to the shared folder. INTERVISION_PACKAGE_SCHEMAS points elsewhere. A missing folder fails the
tests that need it: a package gate that skips is no gate.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from lxml import etree, isoschematron

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_SCHEMAS = REPO_ROOT.parent / "shared" / "schemas"
VENDORED_SCHEMAS = REPO_ROOT / "tests" / "package_schemas"
ROOT_FILE = Path("cc11") / "ccv1p1_imscp_v1p2_v1p0.xsd"
DEFAULT_SCHEMAS = SHARED_SCHEMAS if (SHARED_SCHEMAS / ROOT_FILE).is_file() else VENDORED_SCHEMAS

CC11_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CC13_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
SCORM12_NS = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
SCORM2004_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
LTI_LINK_V1P0 = "http://www.imsglobal.org/xsd/imslticc_v1p0"
LTI_LINK_V1P3 = "http://www.imsglobal.org/xsd/imslticc_v1p3"


class SchemasMissing(RuntimeError):
    """The schema folder is not where the tests look; the message says where to put it."""


def schemas_dir() -> Path:
    folder = Path(os.environ.get("INTERVISION_PACKAGE_SCHEMAS", DEFAULT_SCHEMAS))
    if not (folder / ROOT_FILE).is_file():
        raise SchemasMissing(
            f"the official package schemas are not in {folder}: put the shared schemas folder "
            "(cc11/, cc13/, scorm12edition/, scorm20044thedition/) there, or set "
            "INTERVISION_PACKAGE_SCHEMAS to its path"
        )
    return folder


def _xsd(relative: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schemas_dir() / relative)))


def _driver(folder: str, imports: list[tuple[str, str]]) -> etree.XMLSchema:
    """A wrapper importing several namespaces of one folder (SCORM manifests mix them)."""
    body = "".join(f'<xs:import namespace="{ns}" schemaLocation="{loc}"/>' for ns, loc in imports)
    wrapper = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:driver">'
        f"{body}</xs:schema>"
    )
    base = (schemas_dir() / folder).as_uri() + "/"
    return etree.XMLSchema(etree.ElementTree(etree.fromstring(wrapper, base_url=base)))


@functools.cache
def manifest_schema(namespace: str) -> etree.XMLSchema:
    """The schema for an imsmanifest.xml, chosen by its root namespace (README of the folder)."""
    if namespace == CC11_NS:
        return _xsd("cc11/ccv1p1_imscp_v1p2_v1p0.xsd")
    if namespace == CC13_NS:
        return _xsd("cc13/ccv1p3_imscp_v1p2_v1p0.xsd")
    if namespace == SCORM12_NS:
        return _driver(
            "scorm12edition",
            [
                (SCORM12_NS, "imscp_rootv1p1p2.xsd"),
                ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"),
            ],
        )
    if namespace == SCORM2004_NS:
        return _driver(
            "scorm20044thedition",
            [
                (SCORM2004_NS, "imscp_v1p1.xsd"),
                ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
                ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
                ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
                ("http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd"),
            ],
        )
    raise AssertionError(f"no schema for manifest namespace {namespace}")


@functools.cache
def moodle_driver_schema() -> etree.XMLSchema:
    """Moodle's own libxml2 driver for CC 1.1 (backup/cc/schemas11), as its restore uses it."""
    return _xsd("cc11/cc11libxml2validator.xsd")


@functools.cache
def lti_link_schema() -> etree.XMLSchema:
    """CC 1.1 `imsbasiclti_xmlv1p0` link files (imslticc_v1p0p1.xsd)."""
    return _xsd("cc11/imslticc_v1p0p1.xsd")


@functools.cache
def _schematron(relative: str) -> isoschematron.Schematron:
    return isoschematron.Schematron(
        etree.parse(str(schemas_dir() / relative)), store_report=True, validate_schema=False
    )


SCHEMATRON = {
    CC11_NS: "cc11/ccv1p1_imscp_v1p2_v1p0.xsd",
    CC13_NS: "cc13/ccv1p3_imscp_v1p2_v1p0.xsd",
}


@dataclass(frozen=True)
class Verdict:
    namespace: str
    errors: tuple[str, ...]


def xsd_errors(schema: etree.XMLSchema, document: bytes) -> list[str]:
    root = etree.fromstring(document)
    if schema.validate(root):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def check_manifest(document: bytes) -> Verdict:
    """XSD errors, and for cartridges the IMS Schematron rules embedded in the CP schema."""
    root = etree.fromstring(document)
    namespace = etree.QName(root).namespace or ""
    errors = xsd_errors(manifest_schema(namespace), document)
    if namespace in SCHEMATRON:
        rules = _schematron(SCHEMATRON[namespace])
        if not rules.validate(root):
            report = rules.validation_report
            failed = report.findall(".//{http://purl.oclc.org/dsdl/svrl}failed-assert")
            errors += [" ".join("".join(f.itertext()).split()) for f in failed]
    return Verdict(namespace, tuple(errors))
