"""Prerequisites must name existing modules and must not go round in a circle."""

from __future__ import annotations

from site_builder.course.errors import ContentError
from site_builder.course.model import Module


def check_prerequisites(
    modules: dict[str, Module], file_slugs: set[str], errors: list[ContentError]
) -> None:
    """`modules` loaded cleanly; `file_slugs` exist (a module with a bad field still exists)."""
    for module in modules.values():
        for slug in module.prerequisites:
            if slug == module.slug:
                errors.append(_error(module, "a module cannot be its own prerequisite"))
            elif slug not in file_slugs:
                known = ", ".join(sorted(file_slugs))
                errors.append(_error(module, f"unknown module {slug!r}", f"use one of: {known}"))
    for cycle in _cycles(modules):
        first = modules[cycle[0]]
        errors.append(
            _error(
                first,
                "prerequisites go round in a circle: " + " -> ".join([*cycle, cycle[0]]),
                "remove one of these prerequisites so the chain has a start",
            )
        )


def _error(module: Module, message: str, hint: str = "") -> ContentError:
    line = module.line_of("prerequisites")
    return ContentError(module.path, line, "prerequisites", message, hint)


def _cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Each distinct cycle once (depth-first search with an explicit path)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    found: list[list[str]] = []

    def visit(slug: str, path: list[str]) -> None:
        state[slug] = 1
        path.append(slug)
        for nxt in modules[slug].prerequisites:
            if nxt == slug or nxt not in modules:
                continue
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt) :])
            elif nxt not in state:
                visit(nxt, path)
        path.pop()
        state[slug] = 2

    for slug in modules:
        if slug not in state:
            visit(slug, [])
    return found
