"""What a package shows in the LMS, in order: one outline, shared by the Common Cartridge and
SCORM writers, taken from the course model the site is built from (the site's own nav order:
overview, modules (in parts on a large course), methods).

Activities (sign-up sheets, peer-feedback exercises) follow the module that embeds them; the
ones no module embeds come last, in their own folder. They are LTI links, so only packages that
can carry links (Common Cartridge) get them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from site_builder.build_steps.sections import module_sections
from site_builder.course.loader import OVERVIEW_PAGE, method_page
from site_builder.course.model import Activity, Course, Module

MODULE_KIND = "module"
"""The `kind` custom parameter of a module page link (lti_app/lti/dispatch.py routes on it)."""


@dataclass(frozen=True)
class LtiLink:
    """One link to the tool: launched with `kind` and `intervision_ref` as custom parameters,
    the same pair the tool's deep linking writes (lti_app/lti/deep_linking.py)."""

    kind: str
    ref: str
    title: str
    description: str

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.ref}"


@dataclass(frozen=True)
class PageNode:
    title: str
    src_uri: str
    module: Module | None = None


@dataclass(frozen=True)
class LinkNode:
    link: LtiLink


@dataclass(frozen=True)
class FolderNode:
    title: str
    children: tuple[Node, ...]


Node = PageNode | LinkNode | FolderNode
_ModuleNodes = Callable[[Module], list[Node]]


def activity_link(activity: Activity) -> LtiLink:
    return LtiLink(activity.type, activity.id, activity.title, activity.description)


def module_link(module: Module) -> LtiLink:
    return LtiLink(MODULE_KIND, module.slug, module.title, module.summary)


def web_outline(course: Course, with_links: bool) -> tuple[Node, ...]:
    """Overview, modules as pages (each followed by its activities), methods as pages."""
    nodes: list[Node] = [PageNode("Overview", OVERVIEW_PAGE)]

    def module_nodes(module: Module) -> list[Node]:
        page: list[Node] = [PageNode(module.title, module.src_uri, module)]
        return page + (_embedded_links(course, module) if with_links else [])

    nodes.append(FolderNode("Modules", _grouped(course, module_nodes)))
    if with_links:
        nodes.extend(_unembedded(course))
    methods = sorted(course.methods.values(), key=lambda method: method.name.lower())
    if methods:
        pages = tuple(PageNode(method.name, method_page(method.slug)) for method in methods)
        nodes.append(FolderNode("Methods", pages))
    return tuple(nodes)


def thin_outline(course: Course) -> tuple[Node, ...]:
    """Links only: each module as its page in the tool, each activity after its module."""

    def module_nodes(module: Module) -> list[Node]:
        return [LinkNode(module_link(module)), *_embedded_links(course, module)]

    return (FolderNode("Modules", _grouped(course, module_nodes)), *_unembedded(course))


def walk(nodes: tuple[Node, ...]) -> list[Node]:
    """Every node, depth first, in outline order."""
    found: list[Node] = []
    for node in nodes:
        found.append(node)
        if isinstance(node, FolderNode):
            found.extend(walk(node.children))
    return found


def links_of(nodes: tuple[Node, ...]) -> list[LtiLink]:
    """Each distinct link once, in outline order (an activity may follow several modules)."""
    seen: dict[str, LtiLink] = {}
    for node in walk(nodes):
        if isinstance(node, LinkNode):
            seen.setdefault(node.link.key, node.link)
    return list(seen.values())


def _grouped(course: Course, module_nodes: _ModuleNodes) -> tuple[Node, ...]:
    sections = module_sections(course)
    if not sections:
        return tuple(node for module in course.modules for node in module_nodes(module))
    return tuple(
        FolderNode(
            section.title,
            tuple(node for module in section.modules for node in module_nodes(module)),
        )
        for section in sections
    )


def _embedded_links(course: Course, module: Module) -> list[Node]:
    return [
        LinkNode(activity_link(course.activities[activity_id]))
        for activity_id in module.activities
        if activity_id in course.activities
    ]


def _unembedded(course: Course) -> list[Node]:
    embedded = {activity_id for module in course.modules for activity_id in module.activities}
    rest = tuple(
        LinkNode(activity_link(activity))
        for activity in course.activities.values()
        if activity.id not in embedded
    )
    return [FolderNode("Activities", rest)] if rest else []
