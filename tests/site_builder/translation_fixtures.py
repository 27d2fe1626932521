"""A tiny Dutch translation of the course in course_fixtures: module 01, the method and
course.yml are translated, module 02 is not (it falls back to English with a notice)."""

from __future__ import annotations

import hashlib

from tests.site_builder.course_fixtures import CourseTree

NL_PROSE = (
    "Collega's van gelijke positie brengen echte casussen uit hun werk in en helpen elkaar "
    "die te doordenken met open vragen, voorzichtige hypothesen en adviezen zonder te duwen. "
)

NL_SELF_CHECK = """\
::: self-check
? Welke uitspraak beschrijft intervisie?

- [ ] Een ervaren collega beoordeelt je werk.
  > Dat is supervisie.
- [x] Gelijkwaardige collega's raadplegen elkaar.
  > Juist: gelijkwaardigheid bepaalt het.
:::
"""


def version_of(tree: CourseTree, relative: str) -> str:
    return hashlib.sha256((tree.content / relative).read_bytes()).hexdigest()[:12]


def nl_module_text(version: str, extra_front_matter: str = "", body_extra: str = "") -> str:
    front = (
        "---\n"
        f"source_version: {version}\n"
        "title: Eerste stappen\n"
        "summary: Waarom collega's elkaar raadplegen.\n"
        "objectives:\n"
        "  - Uitleggen wat intervisie is.\n"
        "  - Intervisie onderscheiden van supervisie.\n"
        f"{extra_front_matter}"
        "---\n"
    )
    body = (
        "# Eerste stappen\n\n"
        "## Waarom collega's\n\n"
        + NL_PROSE * 5
        + "\n\n"
        + NL_SELF_CHECK
        + "\n"
        + NL_PROSE * 5
        + "\n\n"
        + NL_SELF_CHECK
        + "\n::: reflection\nWelke casus houdt je bezig?\n:::\n\n"
        "## Groepsoefening\n\n" + NL_PROSE * 5 + "\n\n" + body_extra
    )
    return front + body


def nl_method_text(version: str) -> str:
    return f"""\
source_version: {version}
name: Demomethode
also_known_as: [Demo]
summary: Een korte methode voor tests.
evidence: Er is niets over bekend; het is een test.
roles:
  case-bringer: {{name: Inbrenger, description: Brengt de casus in.}}
  consultant: {{name: Adviseur, description: Stelt vragen.}}
phases:
  case: {{name: Casus, goal: Vertel de casus.}}
  questions:
    name: Vragen
    goal: Stel open vragen.
    prompts: ["Wat wil je beter begrijpen?"]
  advice: {{name: Adviezen, goal: Geef adviezen terwijl de inbrenger luistert.}}
"""


def nl_course_text(version: str) -> str:
    return f"""\
source_version: {version}
title: Testcursus
description: Een kleine cursus voor tests.
activities:
  practice-round: {{title: Oefenronde, description: Schrijf je in voor een oefenronde.}}
  written-round: {{title: Schriftelijke ronde, description: Een schriftelijke ronde.}}
"""


def write_nl_translation(tree: CourseTree) -> None:
    """Module 01, the method and course.yml in Dutch, each recording the current source."""
    tree.write(
        "translations/nl/modules/01-first-steps.md",
        nl_module_text(version_of(tree, "modules/01-first-steps.md")),
    )
    tree.write(
        "translations/nl/methods/demo-method.yml",
        nl_method_text(version_of(tree, "methods/demo-method.yml")),
    )
    tree.write("translations/nl/course.yml", nl_course_text(version_of(tree, "course.yml")))
