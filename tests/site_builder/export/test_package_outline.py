"""The order a package shows, from the course model: the site's order, activities after the
modules that embed them (once as a resource), the rest in their own folder."""

from __future__ import annotations

from pathlib import Path

from site_builder.course.model import Activity, Course, Module
from site_builder.export.package_outline import (
    FolderNode,
    LinkNode,
    PageNode,
    links_of,
    thin_outline,
    walk,
    web_outline,
)


def _module(number: int, activities: tuple[str, ...] = ()) -> Module:
    slug = f"m{number}"
    return Module(
        slug=slug,
        number=number,
        title=f"Module {number}",
        summary=f"About {number}.",
        duration_minutes=30,
        level="introductory",
        objectives=(),
        prerequisites=(),
        path=Path(f"content/modules/{number:02d}-{slug}.md"),
        body="",
        body_first_line=1,
        activities=activities,
    )


COURSE = Course(
    title="T",
    language="en",
    description="",
    modules=(_module(1, ("round",)), _module(2, ("round", "kick-off")), _module(3)),
    activities={
        "round": Activity("round", "peer-feedback", "Written round", "Give feedback."),
        "kick-off": Activity("kick-off", "signup", "Kick-off", "Sign up."),
        "later": Activity("later", "signup", "Later session", "Not in any module."),
    },
)


def _titles(nodes: list[object]) -> list[str]:
    found = []
    for node in nodes:
        if isinstance(node, LinkNode):
            found.append(f"link:{node.link.title}")
        elif isinstance(node, PageNode | FolderNode):
            found.append(node.title)
    return found


def test_web_outline_follows_the_site_with_activities_after_their_modules() -> None:
    outline = web_outline(COURSE, with_links=True)
    assert _titles(walk(outline)) == [
        "Overview",
        "Modules",
        "Module 1",
        "link:Written round",
        "Module 2",
        "link:Written round",
        "link:Kick-off",
        "Module 3",
        "Activities",
        "link:Later session",
    ]
    # An activity two modules embed is one link (one resource), listed twice.
    assert [link.ref for link in links_of(outline)] == ["round", "kick-off", "later"]


def test_scorm_outline_has_no_links() -> None:
    outline = web_outline(COURSE, with_links=False)
    assert not any(isinstance(node, LinkNode) for node in walk(outline))
    assert [n.module.slug for n in walk(outline) if isinstance(n, PageNode) and n.module] == [
        "m1",
        "m2",
        "m3",
    ]


def test_thin_outline_is_each_module_as_a_tool_link() -> None:
    links = [n.link for n in walk(thin_outline(COURSE)) if isinstance(n, LinkNode)]
    assert [(link.kind, link.ref) for link in links] == [
        ("module", "m1"),
        ("peer-feedback", "round"),
        ("module", "m2"),
        ("peer-feedback", "round"),
        ("signup", "kick-off"),
        ("module", "m3"),
        ("signup", "later"),
    ]
    assert not any(isinstance(n, PageNode) for n in walk(thin_outline(COURSE)))
