"""Markdown for generated pages: the course overview and one page per method.

The plugin (or a Zensical pre-build step) writes these strings as pages; they are ordinary
Markdown using attr_list and the `:::` blocks, so they render like authored pages. Module links
are relative to the docs root: the overview is meant to be the site's `index.md`, and method
pages live one folder down (e.g. `methods/<slug>.md`).
"""

from __future__ import annotations

from site_builder.model import Course, Method, Module

LEVEL_LABELS = {
    "introductory": "Introductory",
    "intermediate": "Intermediate",
    "advanced": "Advanced",
}


def format_minutes(minutes: int) -> str:
    """'45 minutes', '1 hour', '14 hours 30 minutes': durations read aloud naturally."""
    hours, rest = divmod(minutes, 60)
    parts: list[str] = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours != 1 else ""))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("s" if rest != 1 else ""))
    return " ".join(parts)


def overview_markdown(course: Course) -> str:
    """The course home page: intro, total time, progress and every module with what it offers."""
    count = len(course.modules)
    lines = [
        f"# {course.title}",
        "",
        course.description.strip(),
        "",
        f"**{count} modules, about {format_minutes(course.total_minutes)} of study in total.** "
        "Take them in order, or start where the prerequisites allow.",
        "",
        _progress_html(count),
        "",
        "## Modules",
        "",
    ]
    for module in course.modules:
        lines.extend(_module_entry(course, module))
    return "\n".join(lines).rstrip() + "\n"


def _progress_html(count: int) -> str:
    # Filled by courseware.js from localStorage; hidden when scripts do not run.
    return (
        f'<div class="iv-progress" data-iv-progress data-iv-total="{count}" hidden>\n'
        f'<p class="iv-progress__text" role="status">0 of {count} modules done</p>\n'
        f'<progress class="iv-progress__bar" max="{count}" value="0" '
        f'aria-label="Modules done"></progress>\n'
        f"</div>"
    )


def _module_entry(course: Course, module: Module) -> list[str]:
    heading = (
        f"### {module.number}. [{module.title}]({module.src_uri}) "
        f'{{: #module-{module.slug} .iv-module-entry data-iv-module="{module.src_uri}" }}'
    )
    lines = [
        heading,
        "",
        f"*{LEVEL_LABELS.get(module.level, module.level)} · "
        f"about {format_minutes(module.duration_minutes)}*",
        "",
        module.summary.strip(),
        "",
        "After this module you can:",
        "",
        *(f"- {objective}" for objective in module.objectives),
        "",
        f"Take first: {_prerequisites(course, module)}",
        "",
    ]
    return lines


def _prerequisites(course: Course, module: Module) -> str:
    if not module.prerequisites:
        return "nothing; a good place to start."
    links = []
    for slug in module.prerequisites:
        required = course.module(slug)
        links.append(f"[{required.title}]({required.src_uri})" if required else slug)
    return ", ".join(links) + "."


def method_markdown(method: Method) -> str:
    """A method's reference page; its phases come from the same data the LTI tool uses."""
    lines = [f"# {method.name}", ""]
    if method.also_known_as:
        lines += [f"*Also known as: {', '.join(method.also_known_as)}*", ""]
    lines += [
        method.summary.strip(),
        "",
        f"**Group size:** {method.group_size_min} to {method.group_size_max} people · "
        f"**Duration:** about {format_minutes(method.total_minutes)}",
        "",
        "## Roles",
        "",
        *(f"- **{role.name}**: {role.description.strip()}" for role in method.roles),
        "",
        "## Phases",
        "",
        f"::: method-timeline {method.slug}",
        ":::",
        "",
        "## What is known about its effects",
        "",
        method.evidence.strip(),
        "",
        "## Sources",
        "",
    ]
    for source in method.sources:
        lines.append(f"- [{source.title}]({source.url})" if source.url else f"- {source.title}")
    return "\n".join(lines).rstrip() + "\n"
