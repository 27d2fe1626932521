"""SCORM 1.2 and SCORM 2004 4th edition: each module a SCO that reports completion (and,
when asked, its self-check score) through the LMS's runtime API; the overview and the method
pages as assets. The pages are the site's own (package_files.py adds the runtime bridge).

Activities are LTI links, which SCORM cannot carry: module pages still mention them, and the
Common Cartridge packages link them.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from site_builder.course.model import Course
from site_builder.export.common_cartridge import MANIFEST, course_slug
from site_builder.export.manifest_xml import qname, sub, to_bytes, xml_id
from site_builder.export.package_files import PackagedSite
from site_builder.export.package_outline import (
    FolderNode,
    LinkNode,
    Node,
    PageNode,
    web_outline,
)

SHARED_RESOURCE = "S_site"  # pages are R_<path>


@dataclass(frozen=True)
class ScormVersion:
    name: str
    schemaversion: str
    cp_namespace: str
    adlcp_namespace: str
    scormtype_attribute: str
    extra_namespaces: tuple[tuple[str, str], ...] = ()


SCORM_1_2 = ScormVersion(
    name="scorm12",
    schemaversion="1.2",
    cp_namespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    adlcp_namespace="http://www.adlnet.org/xsd/adlcp_rootv1p2",
    scormtype_attribute="scormtype",  # lower case in 1.2; validators reject scormType
)
SCORM_2004 = ScormVersion(
    name="scorm2004",
    schemaversion="2004 4th Edition",
    cp_namespace="http://www.imsglobal.org/xsd/imscp_v1p1",
    adlcp_namespace="http://www.adlnet.org/xsd/adlcp_v1p3",
    scormtype_attribute="scormType",
    extra_namespaces=(
        ("adlseq", "http://www.adlnet.org/xsd/adlseq_v1p3"),
        ("adlnav", "http://www.adlnet.org/xsd/adlnav_v1p3"),
        ("imsss", "http://www.imsglobal.org/xsd/imsss"),
    ),
)


def scorm_entries(
    course: Course, site: PackagedSite, version: ScormVersion, scores: bool
) -> dict[str, bytes]:
    scos = frozenset(site.page_path(module.src_uri) for module in course.modules)
    entries = site.entries(scos=scos, scores=scores)
    entries[MANIFEST] = scorm_manifest(course, site, version)
    return entries


def scorm_manifest(course: Course, site: PackagedSite, version: ScormVersion) -> bytes:
    cp, adlcp = version.cp_namespace, version.adlcp_namespace
    nsmap: dict[str | None, str] = {None: cp, "adlcp": adlcp}
    nsmap.update(version.extra_namespaces)
    root = etree.Element(qname(cp, "manifest"), nsmap=nsmap)
    root.set("identifier", xml_id("intervision", course_slug(course)))
    root.set("version", "1")
    metadata = sub(root, qname(cp, "metadata"))
    sub(metadata, qname(cp, "schema"), "ADL SCORM")
    sub(metadata, qname(cp, "schemaversion"), version.schemaversion)
    organizations = sub(root, qname(cp, "organizations"), default="O_1")
    organization = sub(organizations, qname(cp, "organization"), identifier="O_1")
    sub(organization, qname(cp, "title"), course.title)
    resources = _Resources(site, version)
    _items(organization, web_outline(course, with_links=False), cp, resources, counter=[0])
    resources.write(sub(root, qname(cp, "resources")))
    return to_bytes(root)


def _items(
    parent: etree._Element,
    nodes: tuple[Node, ...],
    cp: str,
    resources: _Resources,
    counter: list[int],
) -> None:
    for node in nodes:
        if isinstance(node, LinkNode):
            continue  # SCORM carries no LTI links (web_outline leaves them out anyway)
        counter[0] += 1
        item = sub(parent, qname(cp, "item"), identifier=f"I_{counter[0]:05d}")
        if isinstance(node, PageNode):
            item.set("identifierref", resources.page_resource(node))
        # Title first: SCORM 2004's content model puts it before child items.
        sub(item, qname(cp, "title"), node.title)
        if isinstance(node, FolderNode):
            _items(item, node.children, cp, resources, counter)


class _Resources:
    """A SCO per module page, an asset per other page in the outline, one shared asset with
    every other file; all pages depend on the shared one."""

    def __init__(self, site: PackagedSite, version: ScormVersion) -> None:
        self.site = site
        self.version = version
        self.by_page: dict[str, tuple[str, bool]] = {}

    def page_resource(self, node: PageNode) -> str:
        path = self.site.page_path(node.src_uri)
        identifier = xml_id("R", path.removesuffix(".html"))
        self.by_page.setdefault(path, (identifier, node.module is not None))
        return identifier

    def write(self, resources: etree._Element) -> None:
        cp, adlcp = self.version.cp_namespace, self.version.adlcp_namespace
        scormtype = qname(adlcp, self.version.scormtype_attribute)
        for path, (identifier, is_sco) in sorted(self.by_page.items(), key=lambda p: p[1]):
            resource = sub(resources, qname(cp, "resource"), identifier=identifier)
            resource.set("type", "webcontent")
            resource.set(scormtype, "sco" if is_sco else "asset")
            resource.set("href", path)
            sub(resource, qname(cp, "file"), href=path)
            sub(resource, qname(cp, "dependency"), identifierref=SHARED_RESOURCE)
        shared = sub(resources, qname(cp, "resource"), identifier=SHARED_RESOURCE)
        shared.set("type", "webcontent")
        shared.set(scormtype, "asset")
        for path in self.site.all_paths():
            if path not in self.by_page:
                sub(shared, qname(cp, "file"), href=path)
