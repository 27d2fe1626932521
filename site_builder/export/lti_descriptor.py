"""The LTI link descriptor of a Common Cartridge (`cartridge_basiclti_link`): one file per link
to the tool, with the tool's launch URL and the activity in custom parameters."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from lxml import etree

from site_builder.export.manifest_xml import qname, sub, to_bytes
from site_builder.export.package_outline import LtiLink

BLTI = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
LTICM = "http://www.imsglobal.org/xsd/imslticm_v1p0"
LTICP = "http://www.imsglobal.org/xsd/imslticp_v1p0"
KIND_PARAMETER = "kind"
REF_PARAMETER = "intervision_ref"
"""Custom parameter names the tool routes launches on (lti_app/lti/claims.py)."""
VENDOR_CODE = "intervision"
VENDOR_NAME = "Intervision"


@dataclass(frozen=True)
class ToolLaunch:
    """Where links launch: the tool's base URL (validated) and its launch endpoint."""

    base_url: str

    @property
    def launch_url(self) -> str:
        return f"{self.base_url}/lti/launch"

    def link_url(self, link: LtiLink) -> str:
        """The launch URL naming the activity in its query too: Moodle's CC 1.1 import drops
        custom parameters, and the tool reads the activity from the target link's query when
        they are missing."""
        query = urlencode({KIND_PARAMETER: link.kind, REF_PARAMETER: link.ref})
        return f"{self.launch_url}?{query}"

    @property
    def secure(self) -> bool:
        return self.base_url.startswith("https://")


def lti_descriptor(link: LtiLink, tool: ToolLaunch, link_namespace: str) -> bytes:
    """The descriptor for CC 1.1 (`imslticc_v1p0`) or CC 1.3 (`imslticc_v1p3`)."""
    nsmap = {None: link_namespace, "blti": BLTI, "lticm": LTICM, "lticp": LTICP}
    root = etree.Element(qname(link_namespace, "cartridge_basiclti_link"), nsmap=nsmap)
    sub(root, qname(BLTI, "title"), link.title)
    if link.description:
        sub(root, qname(BLTI, "description"), link.description)
    custom = sub(root, qname(BLTI, "custom"))
    sub(custom, qname(LTICM, "property"), link.kind, name=KIND_PARAMETER)
    sub(custom, qname(LTICM, "property"), link.ref, name=REF_PARAMETER)
    sub(root, qname(BLTI, "launch_url"), tool.link_url(link))
    if tool.secure:
        sub(root, qname(BLTI, "secure_launch_url"), tool.link_url(link))
    vendor = sub(root, qname(BLTI, "vendor"))
    sub(vendor, qname(LTICP, "code"), VENDOR_CODE)
    sub(vendor, qname(LTICP, "name"), VENDOR_NAME)
    return to_bytes(root)
