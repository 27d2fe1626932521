"""IMS Common Cartridge 1.1 (Moodle) and 1.3 (Canvas): the course's pages as web content with
their assets, and its activities as LTI links to the tool. Thin CC 1.3 (thin_cc.py) shares
the manifest code with links only.

Moodle's restore recognises a CC 1.1 cartridge by the default namespace on the `<manifest>`
start tag within the first 500 bytes of imsmanifest.xml, then validates it against the 1.1
schemas, so the tag comes first and carries the namespace (research/courseware.md §7).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from site_builder.course.model import Course
from site_builder.export.lti_descriptor import ToolLaunch, lti_descriptor
from site_builder.export.manifest_xml import qname, sub, to_bytes, xml_id
from site_builder.export.package_files import PackagedSite
from site_builder.export.package_outline import (
    FolderNode,
    LinkNode,
    LtiLink,
    Node,
    PageNode,
    links_of,
    web_outline,
)

MANIFEST = "imsmanifest.xml"
WEB_ROOT = "web_resources/"
"""Course files live here; Canvas files them as the course's Files, Moodle as file resources."""
LINKS_ROOT = "lti_links/"
SITE_RESOURCE = "S_site"
"""Page resources are R_<path>; this prefix keeps the shared one apart from any page."""


@dataclass(frozen=True)
class CartridgeVersion:
    name: str
    schema: str
    schemaversion: str
    cp_namespace: str
    lom_namespace: str
    link_namespace: str
    link_type: str


CC_1_1 = CartridgeVersion(
    name="cc11",
    schema="IMS Common Cartridge",
    schemaversion="1.1.0",
    cp_namespace="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
    lom_namespace="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest",
    link_namespace="http://www.imsglobal.org/xsd/imslticc_v1p0",
    link_type="imsbasiclti_xmlv1p0",
)
CC_1_3 = CartridgeVersion(
    name="cc13",
    schema="IMS Common Cartridge",
    schemaversion="1.3.0",
    cp_namespace="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1",
    lom_namespace="http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest",
    link_namespace="http://www.imsglobal.org/xsd/imslticc_v1p3",
    link_type="imsbasiclti_xmlv1p3",
)
THIN_CC_1_3 = CartridgeVersion(
    name="thin-cc13",
    schema="IMS Thin Common Cartridge",
    schemaversion="1.3.0",
    cp_namespace=CC_1_3.cp_namespace,
    lom_namespace=CC_1_3.lom_namespace,
    link_namespace=CC_1_3.link_namespace,
    link_type=CC_1_3.link_type,
)


def cartridge_entries(
    course: Course, site: PackagedSite, tool: ToolLaunch, version: CartridgeVersion
) -> dict[str, bytes]:
    """Every archive entry of a full cartridge: manifest, web content, LTI link files."""
    outline = web_outline(course, with_links=True)
    entries = {WEB_ROOT + path: data for path, data in site.entries().items()}
    entries.update(link_files(outline, tool, version))
    entries[MANIFEST] = manifest(course, version, outline, site)
    return entries


def link_files(
    outline: tuple[Node, ...], tool: ToolLaunch, version: CartridgeVersion
) -> dict[str, bytes]:
    return {
        link_file(link): lti_descriptor(link, tool, version.link_namespace)
        for link in links_of(outline)
    }


def link_file(link: LtiLink) -> str:
    return f"{LINKS_ROOT}{link_resource(link)}.xml"


def link_resource(link: LtiLink) -> str:
    return xml_id("L", link.key)


def manifest(
    course: Course,
    version: CartridgeVersion,
    outline: tuple[Node, ...],
    site: PackagedSite | None = None,
) -> bytes:
    """imsmanifest.xml: metadata, one rooted organisation, then the resources it names."""
    cp = version.cp_namespace
    root = etree.Element(qname(cp, "manifest"), nsmap={None: cp, "lomimscc": version.lom_namespace})
    root.set("identifier", xml_id("intervision", course_slug(course)))
    _metadata(root, course, version)
    organization = sub(
        sub(root, qname(cp, "organizations")),
        qname(cp, "organization"),
        identifier="O_1",
        structure="rooted-hierarchy",
    )
    top = sub(organization, qname(cp, "item"), identifier="I_root")
    pages = _Resources(site) if site is not None else None
    _items(top, outline, cp, pages, counter=[0])
    resources = sub(root, qname(cp, "resources"))
    if pages is not None:
        pages.write(resources, cp)
    for link in links_of(outline):
        resource = sub(
            resources,
            qname(cp, "resource"),
            identifier=link_resource(link),
            type=version.link_type,
        )
        sub(resource, qname(cp, "file"), href=link_file(link))
    return to_bytes(root)


def _metadata(root: etree._Element, course: Course, version: CartridgeVersion) -> None:
    cp, lom = version.cp_namespace, version.lom_namespace
    metadata = sub(root, qname(cp, "metadata"))
    sub(metadata, qname(cp, "schema"), version.schema)
    sub(metadata, qname(cp, "schemaversion"), version.schemaversion)
    general = sub(sub(metadata, qname(lom, "lom")), qname(lom, "general"))
    title = sub(general, qname(lom, "title"))
    sub(title, qname(lom, "string"), course.title, language=course.language)
    sub(general, qname(lom, "language"), course.language)
    if course.description.strip():
        description = sub(general, qname(lom, "description"))
        sub(description, qname(lom, "string"), course.description.strip(), language=course.language)


def _items(
    parent: etree._Element,
    nodes: tuple[Node, ...],
    cp: str,
    pages: _Resources | None,
    counter: list[int],
) -> None:
    for node in nodes:
        counter[0] += 1
        item = sub(parent, qname(cp, "item"), identifier=f"I_{counter[0]:05d}")
        if isinstance(node, FolderNode):
            sub(item, qname(cp, "title"), node.title)
            _items(item, node.children, cp, pages, counter)
        elif isinstance(node, LinkNode):
            item.set("identifierref", link_resource(node.link))
            sub(item, qname(cp, "title"), node.link.title)
        else:
            if pages is None:
                raise ValueError(f"page {node.src_uri} in an outline without the site's pages")
            item.set("identifierref", pages.page_resource(node))
            sub(item, qname(cp, "title"), node.title)


class _Resources:
    """One web content resource per page in the outline; every other file of the site in one
    shared resource the pages depend on (stylesheets, scripts, images, pages only linked)."""

    def __init__(self, site: PackagedSite) -> None:
        self.site = site
        self.by_page: dict[str, str] = {}

    def page_resource(self, node: PageNode) -> str:
        path = self.site.page_path(node.src_uri)
        return self.by_page.setdefault(path, xml_id("R", path.removesuffix(".html")))

    def write(self, resources: etree._Element, cp: str) -> None:
        for path, identifier in sorted(self.by_page.items(), key=lambda pair: pair[1]):
            href = WEB_ROOT + path
            resource = sub(
                resources, qname(cp, "resource"), identifier=identifier, type="webcontent"
            )
            resource.set("href", href)
            sub(resource, qname(cp, "file"), href=href)
            sub(resource, qname(cp, "dependency"), identifierref=SITE_RESOURCE)
        shared = sub(resources, qname(cp, "resource"), identifier=SITE_RESOURCE, type="webcontent")
        for path in self.site.all_paths():
            if path not in self.by_page:
                sub(shared, qname(cp, "file"), href=WEB_ROOT + path)


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split()) or "course"


def course_slug(course: Course) -> str:
    """The packages' file-name stem: 'Intervision in practice' -> 'intervision-in-practice'."""
    return _slug(course.title)
