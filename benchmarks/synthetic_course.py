"""A synthetic course of N modules, written the way trainers write ours (docs/authoring.md).

Every page is a real module (front matter, two self-checks, a reflection, a method timeline),
so the plugin sees a course of N modules. Deterministic (seeded): runs compare like with like.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

WORDS = (
    "case colleague question hypothesis advice peer group session phase role moderator "
    "consultant listen silence feedback practice reflect ownership trust confidential round "
    "client team school ward manager nurse teacher social worker doubt dilemma pattern "
    "assumption curiosity open closed respect equal standing time structure method goal "
    "learning insight perspective story facts feelings values decision next step small "
    "concrete honest careful experience situation example week month meeting workplace"
).split()


def _paragraph(rng: random.Random, words: int = 110) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _self_check(rng: random.Random, number: int) -> str:
    right = rng.randrange(3)
    options = []
    for index in range(3):
        mark = "x" if index == right else " "
        options.append(
            f"- [{mark}] Option {index + 1}: {_paragraph(rng, 8)}\n"
            f"  > {'Right' if index == right else 'Not quite'}: {_paragraph(rng, 14)}"
        )
    return (
        f"::: self-check\n? Question {number}: {_paragraph(rng, 12)}\n\n"
        + "\n".join(options)
        + "\n:::"
    )


def page_body(rng: random.Random, method_slug: str) -> str:
    """About 800 words of prose plus two self-checks, a reflection and a method timeline."""
    parts = [_paragraph(rng), _paragraph(rng), "## Why it matters", _paragraph(rng)]
    parts += [_self_check(rng, 1), _paragraph(rng), "## How it works", _paragraph(rng)]
    parts += [f"::: method-timeline {method_slug}\n:::", _paragraph(rng), _self_check(rng, 2)]
    parts += [f"::: reflection\n{_paragraph(rng, 30)}\n:::"]
    parts += ["## Group exercise", _paragraph(rng), _paragraph(rng, 60)]
    return "\n\n".join(parts) + "\n"


def _module_text(rng: random.Random, number: int, method_slug: str) -> str:
    front = {
        "title": f"Synthetic module {number}",
        "summary": f"Module {number} of a generated benchmark course.",
        "duration_minutes": 45,
        "level": "intermediate",
        "objectives": ["Recognise the phases of a method.", "Ask an open question."],
        "prerequisites": [],
        "method": method_slug,
        "tags": ["benchmark"],
    }
    return f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n\n" + page_body(rng, method_slug)


def write_course(content_dir: Path, modules: int, methods_source: Path) -> None:
    """Write a course of `modules` modules (file numbers padded to at least two digits)."""
    method_files = sorted(methods_source.glob("*.yml"))
    if not method_files:
        raise FileNotFoundError(f"no method files in {methods_source} to build timelines from")
    (content_dir / "methods").mkdir(parents=True)
    (content_dir / "modules").mkdir()
    for method_file in method_files:
        shutil.copy(method_file, content_dir / "methods" / method_file.name)
    method_slugs = [path.stem for path in method_files]
    rng = random.Random(20261126)  # noqa: S311 - reproducible text, not security

    width = max(2, len(str(modules)))
    slugs: list[str] = []
    for number in range(1, modules + 1):
        slug = f"synthetic-module-{number}"
        text = _module_text(rng, number, method_slugs[number % len(method_slugs)])
        (content_dir / f"modules/{number:0{width}d}-{slug}.md").write_text(text, encoding="utf-8")
        slugs.append(slug)

    course = {
        "title": "Benchmark course",
        "language": "en",
        "description": "Generated modules for build benchmarks.",
        "modules": slugs,
        "activities": [],
    }
    (content_dir / "course.yml").write_text(yaml.safe_dump(course, sort_keys=False), "utf-8")
