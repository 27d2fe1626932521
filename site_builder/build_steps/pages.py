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
from site_builder.ui_text import format_minutes, t

__all__ = ["format_minutes", "generated_pages", "method_markdown", "overview_markdown"]


def generated_pages(course: Course) -> dict[str, str]:
    """Every generated page by docs-relative path: overview, module sections, methods."""
    pages = {OVERVIEW_PAGE: overview_markdown(course)}
    for section in module_sections(course):
        pages[section.src_uri] = section_markdown(course, section)
    for slug, method in course.methods.items():
        pages[method_page(slug)] = method_markdown(method, course.language)
    return pages


def overview_markdown(course: Course) -> str:
    """The course home page: intro, total time, progress and every module with what it offers.

    A large course lists its sections instead (one row each); their pages list the modules.
    """
    count = len(course.modules)
    sections = module_sections(course)
    lang = course.language
    total = t(
        lang,
        "overview.total",
        count=count,
        time=format_minutes(course.total_minutes, lang),
        split=_course_split(course),
    )
    lines = [
        f"# {course.title}",
        "",
        course.description.strip(),
        "",
        total,
        "",
        _progress_html(count, lang, scope="modules/" if sections else None, tools=True),
        "",
        f"## {t(lang, 'overview.modules')}",
        "",
    ]
    if sections:
        lines.extend(_section_table(sections, lang))
    else:
        for module in course.modules:
            lines.extend(_module_entry(course, module))
    return "\n".join(lines).rstrip() + "\n"


def section_markdown(course: Course, section: ModuleSection) -> str:
    """A section's index page: its modules with duration, objectives and their own progress."""
    count = len(section.modules)
    lang = course.language
    time = format_minutes(section.total_minutes, lang)
    lines = [
        f"# {section.title_in(lang)}",
        "",
        t(lang, "section.total", count=count, course=course.title, time=time),
        "",
        _progress_html(count, lang),
        "",
    ]
    for module in section.modules:
        lines.extend(_module_entry(course, module, level="##", link_base="../../"))
    return "\n".join(lines).rstrip() + "\n"


def _section_table(sections: list[ModuleSection], lang: str) -> list[str]:
    rows = [t(lang, "section.intro"), "", t(lang, "section.table"), "|---|---|---|"]
    for section in sections:
        time = t(lang, "about", time=format_minutes(section.total_minutes, lang))
        rows.append(
            f"| [{section.title_in(lang)}]({section.src_uri}) | "
            f"{_cell(section.modules[0].title)} | {time} |"
        )
    return [*rows, ""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _progress_html(count: int, lang: str, scope: str | None = None, tools: bool = False) -> str:
    # Filled by iv-progress.js from localStorage; hidden when scripts do not run. Without the
    # module entries on the page (a sectioned overview), `scope` tells the script which saved
    # "done" pages to count. `tools`: the overview's export and reset of the learner's data.
    scope_attr = f' data-iv-scope="{scope}"' if scope else ""
    return (
        f'<div class="iv-progress" data-iv-progress data-iv-total="{count}"{scope_attr} hidden>\n'
        f'<p class="iv-progress__text" role="status">{t(lang, "progress.text", count=count)}'
        "</p>\n"
        f'<progress class="iv-progress__bar" max="{count}" value="0" '
        f'aria-label="{t(lang, "progress.label")}"></progress>\n'
        f"{_progress_tools(lang) if tools else ''}"
        f"</div>"
    )


def _progress_tools(lang: str) -> str:
    # One line of HTML per element: Markdown must not read an indented line as a code block.
    return (
        '<div class="iv-progress__tools" hidden>\n'
        '<button type="button" class="iv-button" data-iv-action="export-progress">'
        f"{t(lang, 'progress.export')}</button>\n"
        '<button type="button" class="iv-button iv-button--quiet" '
        'data-iv-action="reset-progress" aria-expanded="false" aria-controls="iv-reset-confirm">'
        f"{t(lang, 'progress.reset')}</button>\n"
        '<div class="iv-reset-confirm" id="iv-reset-confirm" role="group" '
        'aria-labelledby="iv-reset-question" hidden>\n'
        f'<p id="iv-reset-question">{t(lang, "progress.reset_question")}</p>\n'
        '<button type="button" class="iv-button iv-button--danger" '
        f'data-iv-action="reset-confirm">{t(lang, "progress.reset_confirm")}</button>\n'
        '<button type="button" class="iv-button iv-button--quiet" '
        f'data-iv-action="reset-cancel">{t(lang, "progress.reset_cancel")}</button>\n'
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
    lang = course.language
    level = t(lang, f"level.{module.level}")
    time = format_minutes(module.duration_minutes, lang)
    lines = [
        heading,
        "",
        f"*{level} · {t(lang, 'about', time=time)}{_module_split(module, lang)}*",
        "",
        module.summary.strip(),
        "",
        t(lang, "after_module"),
        "",
        *(f"- {objective}" for objective in module.objectives),
        "",
        t(lang, "take_first", modules=_prerequisites(course, module, link_base)),
        "",
    ]
    return lines


def _split(self_study: int, group: int, lang: str) -> str:
    alone, together = format_minutes(self_study, lang), format_minutes(group, lang)
    return t(lang, "split", alone=alone, together=together)


def _module_split(module: Module, lang: str) -> str:
    """': 25 minutes of self-study, 40 minutes in a group' when the module states both."""
    if module.self_study_minutes is None or module.group_session_minutes is None:
        return ""
    return ": " + _split(module.self_study_minutes, module.group_session_minutes, lang)


def _course_split(course: Course) -> str:
    """The same split for the course, only when every module states it (else it would lie)."""
    modules = course.modules
    if not modules or any(
        m.self_study_minutes is None or m.group_session_minutes is None for m in modules
    ):
        return ""
    alone = sum(m.self_study_minutes or 0 for m in modules)
    together = sum(m.group_session_minutes or 0 for m in modules)
    return ": " + _split(alone, together, course.language)


def _prerequisites(course: Course, module: Module, link_base: str = "") -> str:
    if not module.prerequisites:
        return t(course.language, "take_first.none")
    links = []
    for slug in module.prerequisites:
        required = course.module(slug)
        links.append(f"[{required.title}]({link_base}{required.src_uri})" if required else slug)
    return ", ".join(links) + "."


def method_markdown(method: Method, lang: str = "en") -> str:
    """A method's reference page; its phases come from the same data the LTI tool uses."""
    lines = [f"# {method.name}", ""]
    if method.also_known_as:
        names = ", ".join(method.also_known_as)
        lines += [f"*{t(lang, 'method.also_known_as', names=names)}*", ""]
    facts = t(
        lang,
        "method.facts",
        low=method.group_size_min,
        high=method.group_size_max,
        time=format_minutes(method.total_minutes, lang),
    )
    lines += [
        method.summary.strip(),
        "",
        facts,
        "",
        f"## {t(lang, 'method.roles')}",
        "",
        *(f"- **{role.name}**: {role.description.strip()}" for role in method.roles),
        "",
        f"## {t(lang, 'method.phases')}",
        "",
        f"::: method-timeline {method.slug} searchable",
        ":::",
        "",
        f"## {t(lang, 'method.evidence')}",
        "",
        method.evidence.strip(),
        "",
        f"## {t(lang, 'method.sources')}",
        "",
    ]
    for source in method.sources:
        lines.append(f"- [{source.title}]({source.url})" if source.url else f"- {source.title}")
    return "\n".join(lines).rstrip() + "\n"
