"""The small test site (tests/support/sites.py) built in three languages, as `intervision build`
lays them out: English at the root, Dutch in ``nl/`` and German in ``de/``, each with its own
catalogue.json (checked against the schema) and pages whose ``<html lang>`` is the language."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from tests.support.sites import PAGE, catalogue_data, write_site

TITLES = {
    "nl": {
        "course": "Intervisie 101",
        "what-is-intervision": "Wat is intervisie",
        "troika": "Troika <in de praktijk>",
        "phase": "Casus",
        "goal": "Vertel.",
        "role": "Casusinbrenger",
    },
    "de": {
        "course": "Kollegiale Beratung 101",
        "what-is-intervision": "Was ist Kollegiale Beratung",
        "troika": "Troika <in der Praxis>",
        "phase": "Fall",
        "goal": "Erzählen.",
        "role": "Fallgeber*in",
    },
}


def translated_catalogue(language: str) -> dict[str, Any]:
    """The test catalogue with the course, module, activity and method words translated."""
    words = TITLES[language]
    data = copy.deepcopy(catalogue_data())
    data["course"]["title"] = words["course"]
    data["course"]["language"] = language
    for module in data["modules"]:
        module["title"] = words[module["slug"]]
        module["summary"] = f"[{language}] {module['slug']}."
    for activity in data["activities"]:
        activity["title"] = f"[{language}] {activity['title']}"
    method = data["methods"][0]
    method["name"] = f"Troika ({language})"
    method["phases"][0].update(name=words["phase"], goal=words["goal"], prompts=[f"{language}?"])
    method["roles"][0]["name"] = words["role"]
    return data


def write_language_site(site_dir: Path, languages: tuple[str, ...] = ("nl", "de")) -> Path:
    """English at ``site_dir``, each of ``languages`` in ``site_dir/<lang>/``."""
    write_site(site_dir)
    for language in languages:
        folder = write_site(site_dir / language, translated_catalogue(language))
        for page in folder.rglob("index.html"):
            html = page.read_text(encoding="utf-8")
            page.write_text(html.replace('<html lang="en">', f'<html lang="{language}">'), "utf-8")
    return site_dir


def language_page(title: str, language: str) -> str:
    """A page as the fixture writes it (to compare with what the tool serves)."""
    return PAGE.format(title=title).replace('<html lang="en">', f'<html lang="{language}">')
