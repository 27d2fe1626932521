"""Small lxml helpers shared by the Common Cartridge and SCORM writers."""

from __future__ import annotations

import re

from lxml import etree

XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NOT_NCNAME = re.compile(r"[^A-Za-z0-9_.-]")


def qname(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


def sub(
    parent: etree._Element, tag: str, text: str | None = None, **attributes: str
) -> etree._Element:
    """Append a child element with optional text and attributes (in the given order)."""
    element = etree.SubElement(parent, tag)
    for name, value in attributes.items():
        element.set(name, value)
    if text is not None:
        element.text = text
    return element


def xml_id(prefix: str, name: str) -> str:
    """An xs:ID (an NCName) from a prefix and a slug: '01-intro' -> 'M_01-intro'."""
    return f"{prefix}_{_NOT_NCNAME.sub('_', name)}"


def to_bytes(root: etree._Element) -> bytes:
    """UTF-8 with an XML declaration, indented: readable, and the same bytes every time."""
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
