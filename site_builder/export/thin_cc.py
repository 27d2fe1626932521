"""Thin Common Cartridge 1.3 (Canvas): LTI links only. Each module is a link that opens its
page in the tool (kind `module`, lti_app/web/modules.py), where "Mark as done" reaches the
gradebook; each activity follows its module. No files: the tool serves every page."""

from __future__ import annotations

from site_builder.course.model import Course
from site_builder.export.common_cartridge import MANIFEST, THIN_CC_1_3, link_files, manifest
from site_builder.export.lti_descriptor import ToolLaunch
from site_builder.export.package_outline import thin_outline


def thin_cartridge_entries(course: Course, tool: ToolLaunch) -> dict[str, bytes]:
    outline = thin_outline(course)
    entries = link_files(outline, tool, THIN_CC_1_3)
    entries[MANIFEST] = manifest(course, THIN_CC_1_3, outline)
    return entries
