"""The shipped methods, read straight from content/methods/*.yml (the domain does no I/O).

``raw(slug)`` is the YAML as written, so tests can state expectations in terms of the data
itself; ``METHODS`` are the same methods as the ``MethodSpec`` the catalogue reader builds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from lti_app.domain.methods import (
    Contribution,
    GroupSize,
    MethodSpec,
    PhaseSpec,
    RoleSpec,
)

CONTENT = Path(__file__).resolve().parents[2] / "content" / "methods"
FILES = sorted(CONTENT.glob("*.yml"))


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


RAW: dict[str, dict[str, Any]] = {path.stem: _load(path) for path in FILES}


def spec(slug: str) -> MethodSpec:
    data = RAW[slug]
    return MethodSpec(
        slug=slug,
        name=data["name"],
        summary=data["summary"],
        url=f"methods/{slug}/",
        roles=tuple(RoleSpec(r["id"], r["name"], r["description"]) for r in data["roles"]),
        phases=tuple(
            PhaseSpec(
                id=p["id"],
                name=p["name"],
                minutes=p["minutes"],
                goal=p["goal"],
                speakers=tuple(p["speakers"]),
                case_bringer_silent=p["case_bringer_silent"],
                contribution=Contribution(p["contribution"]),
                prompts=tuple(p.get("prompts", ())),
            )
            for p in data["phases"]
        ),
        group_size=GroupSize(data["group_size"]["min"], data["group_size"]["max"]),
        evidence=data["evidence"],
        also_known_as=tuple(data.get("also_known_as", ())),
    )


SLUGS = tuple(sorted(RAW))
METHODS: dict[str, MethodSpec] = {slug: spec(slug) for slug in SLUGS}
assert len(METHODS) >= 7, f"expected the shipped methods in {CONTENT}"
