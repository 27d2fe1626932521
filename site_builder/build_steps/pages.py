"""Markdown for generated pages: the course overview and one page per method.

The plugin (or a Zensical pre-build step) writes these strings as pages; they are ordinary
Markdown using attr_list and the `:::` blocks, so they render like authored pages. Module links
are relative to the docs root: the overview is meant to be the site's `index.md`, and method
pages live one folder down (e.g. `methods/<slug>.md`).
"""

from __future__ import annotations

from site_builder.build_steps.sections import ModuleSection, module_sections
from site_builder.course.loader import OVERVIEW_PAGE, method_page
from site_builder.course.model import Course, Method, Module

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


def generated_pages(course: Course) -> dict[str, str]:
    """Every generated page by docs-relative path: overview, module sections, methods."""
    pages = {OVERVIEW_PAGE: overview_markdown(course)}
    for section in module_sections(course):
        pages[section.src_uri] = section_markdown(course, section)
    for slug, method in course.methods.items():
        pages[method_page(slug)] = method_markdown(method)
    return pages


def overview_markdown(course: Course) -> str:
    """The course home page: intro, total time, progress and every module with what it offers.

    A large course lists its sections instead (one row each); their pages list the modules.
    """
    count = len(course.modules)
    sections = module_sections(course)
    lines = [
        f"# {course.title}",
        "",
        course.description.strip(),
        "",
        f"**{count} modules, about {format_minutes(course.total_minutes)} of study in total"
        f"{_course_split(course)}.** "
        "Take them in order, or start where the prerequisites allow.",
        "",
        _progress_html(count, scope="modules/" if sections else None, tools=True),
        "",
        "## Modules",
        "",
    ]
    if sections:
        lines.extend(_section_table(sections))
    else:
        for module in course.modules:
            lines.extend(_module_entry(course, module))
    return "\n".join(lines).rstrip() + "\n"


def section_markdown(course: Course, section: ModuleSection) -> str:
    """A section's index page: its modules with duration, objectives and their own progress."""
    count = len(section.modules)
    lines = [
        f"# {section.title}",
        "",
        f"**{count} modules of *{course.title}*, about "
        f"{format_minutes(section.total_minutes)} of study.**",
        "",
        _progress_html(count),
        "",
    ]
    for module in section.modules:
        lines.extend(_module_entry(course, module, level="##", link_base="../../"))
    return "\n".join(lines).rstrip() + "\n"


def _section_table(sections: list[ModuleSection]) -> list[str]:
    rows = [
        "The modules are grouped in parts; each part's page lists its modules with what you "
        "will be able to do afterwards and your progress.",
        "",
        "| Part | First module | Study time |",
        "|---|---|---|",
    ]
    for section in sections:
        rows.append(
            f"| [{section.title}]({section.src_uri}) | {_cell(section.modules[0].title)} | "
            f"about {format_minutes(section.total_minutes)} |"
        )
    return [*rows, ""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _progress_html(count: int, scope: str | None = None, tools: bool = False) -> str:
    # Filled by iv-progress.js from localStorage; hidden when scripts do not run. Without the
    # module entries on the page (a sectioned overview), `scope` tells the script which saved
    # "done" pages to count. `tools`: the overview's export and reset of the learner's data.
    scope_attr = f' data-iv-scope="{scope}"' if scope else ""
    return (
        f'<div class="iv-progress" data-iv-progress data-iv-total="{count}"{scope_attr} hidden>\n'
        f'<p class="iv-progress__text" role="status">0 of {count} modules done</p>\n'
        f'<progress class="iv-progress__bar" max="{count}" value="0" '
        f'aria-label="Modules done"></progress>\n'
        f"{_PROGRESS_TOOLS if tools else ''}"
        f"</div>"
    )


# One line of HTML per element: Markdown must not read an indented line as a code block.
_PROGRESS_TOOLS = (
    '<div class="iv-progress__tools" hidden>\n'
    '<button type="button" class="iv-button" data-iv-action="export-progress">'
    "Download my progress and reflections (JSON)</button>\n"
    '<button type="button" class="iv-button iv-button--quiet" data-iv-action="reset-progress" '
    'aria-expanded="false" aria-controls="iv-reset-confirm">Reset my progress…</button>\n'
    '<div class="iv-reset-confirm" id="iv-reset-confirm" role="group" '
    'aria-labelledby="iv-reset-question" hidden>\n'
    '<p id="iv-reset-question">Delete your done marks, self-check answers and reflections for '
    "this course from this browser? This cannot be undone: download them first to keep "
    "them.</p>\n"
    '<button type="button" class="iv-button iv-button--danger" data-iv-action="reset-confirm">'
    "Yes, delete them</button>\n"
    '<button type="button" class="iv-button iv-button--quiet" data-iv-action="reset-cancel">'
    "Cancel</button>\n"
    "</div>\n"
    '<p class="iv-progress__tools-status" role="status"></p>\n'
    "</div>\n"
)


def _module_entry(
    course: Course, module: Module, level: str = "###", link_base: str = ""
) -> list[str]:
    heading = (
        f"{level} {module.number}. [{module.title}]({link_base}{module.src_uri}) "
        f'{{: #module-{module.slug} .iv-module-entry data-iv-module="{module.src_uri}" }}'
    )
    lines = [
        heading,
        "",
        f"*{LEVEL_LABELS.get(module.level, module.level)} · "
        f"about {format_minutes(module.duration_minutes)}{_module_split(module)}*",
        "",
        module.summary.strip(),
        "",
        "After this module you can:",
        "",
        *(f"- {objective}" for objective in module.objectives),
        "",
        f"Take first: {_prerequisites(course, module, link_base)}",
        "",
    ]
    return lines


def _split(self_study: int, group: int) -> str:
    return f"{format_minutes(self_study)} of self-study, {format_minutes(group)} in a group"


def _module_split(module: Module) -> str:
    """': 25 minutes of self-study, 40 minutes in a group' when the module states both."""
    if module.self_study_minutes is None or module.group_session_minutes is None:
        return ""
    return ": " + _split(module.self_study_minutes, module.group_session_minutes)


def _course_split(course: Course) -> str:
    """The same split for the course, only when every module states it (else it would lie)."""
    modules = course.modules
    if not modules or any(
        m.self_study_minutes is None or m.group_session_minutes is None for m in modules
    ):
        return ""
    alone = sum(m.self_study_minutes or 0 for m in modules)
    together = sum(m.group_session_minutes or 0 for m in modules)
    return ": " + _split(alone, together)


def _prerequisites(course: Course, module: Module, link_base: str = "") -> str:
    if not module.prerequisites:
        return "nothing; a good place to start."
    links = []
    for slug in module.prerequisites:
        required = course.module(slug)
        links.append(f"[{required.title}]({link_base}{required.src_uri})" if required else slug)
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
        f"::: method-timeline {method.slug} searchable",
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
