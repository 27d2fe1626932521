"""Where translations live and which source version they record (docs/authoring.md,
"Translating the course"): `content/translations/<lang>/` mirrors the English paths, and every
translation names the first 12 hex digits of the sha256 of the English file it was made from.

No parsing of the translated text here: this module only pairs files and compares versions,
so `intervision translations status` stays fast and works on a half-written translation.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from site_builder.course.model import Course

TRANSLATIONS_DIR = "translations"
LANGUAGE_FOLDER = re.compile(r"^[a-z]{2}$")
VERSION = re.compile(r"^[0-9a-f]{12}$")
VERSION_KEY = "source_version"
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "de": "Deutsch"}
"""Each language named in itself, as the language switcher shows it."""


def translations_root(content_dir: Path) -> Path:
    return content_dir / TRANSLATIONS_DIR


def translation_languages(content_dir: Path) -> list[str]:
    """Languages with a `content/translations/<lang>/` folder, sorted."""
    root = translations_root(content_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and LANGUAGE_FOLDER.match(p.name))


def source_version(path: Path) -> str:
    """What `sha256sum <file> | cut -c1-12` prints: the version a translation records."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def translation_path(content_dir: Path, language: str, source: Path) -> Path:
    """content/modules/x.md -> content/translations/<lang>/modules/x.md"""
    return translations_root(content_dir) / language / source.relative_to(content_dir)


def source_files(course: Course) -> list[Path]:
    """Every English file a translation can translate: course.yml, modules (drafts too, so a
    translator can start early), methods, then the trainer kit's authored pages (optional)."""
    content_dir = course.content_dir
    assert content_dir is not None, "a loaded course knows its folder"
    files = [content_dir / "course.yml"]
    files += sorted(module.path for module in (*course.modules, *course.drafts))
    files += sorted(m.path for m in course.methods.values() if m.path is not None)
    return files + kit_pages(content_dir)


def kit_pages(content_dir: Path) -> list[Path]:
    kit = content_dir / "kit"
    return sorted(kit.rglob("*.md")) if kit.is_dir() else []


def is_optional(content_dir: Path, source: Path) -> bool:
    """Kit pages may stay English; modules, methods and course.yml are the course itself."""
    return source.relative_to(content_dir).parts[0] == "kit"


class State(Enum):
    UP_TO_DATE = "up to date"
    OUT_OF_DATE = "out of date"
    MISSING = "missing"
    NO_VERSION = "no source_version"


@dataclass(frozen=True)
class FileStatus:
    source: Path
    translation: Path
    current: str
    """The source_version a translation of the English file as it is now must record."""
    recorded: str | None
    state: State
    optional: bool


def file_status(content_dir: Path, language: str, source: Path) -> FileStatus:
    target = translation_path(content_dir, language, source)
    current = source_version(source)
    optional = is_optional(content_dir, source)
    if not target.is_file():
        return FileStatus(source, target, current, None, State.MISSING, optional)
    recorded = recorded_version(target)
    if recorded is None:
        state = State.NO_VERSION
    else:
        state = State.UP_TO_DATE if recorded == current else State.OUT_OF_DATE
    return FileStatus(source, target, current, recorded, state, optional)


def language_status(course: Course, language: str) -> list[FileStatus]:
    content_dir = course.content_dir
    assert content_dir is not None
    return [file_status(content_dir, language, source) for source in source_files(course)]


def recorded_version(path: Path) -> str | None:
    """The `source_version` a translation records (front matter or top-level YAML key), or
    None when it records none that reads as 12 hex digits."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if path.suffix == ".md":
        text = _front_matter(text)
    match = re.search(rf"^{VERSION_KEY}:\s*['\"]?([0-9a-fA-F]+)['\"]?\s*$", text, re.MULTILINE)
    if match is None:
        return None
    version = match.group(1).lower()
    return version if VERSION.match(version) else None


def _front_matter(text: str) -> str:
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return ""
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index])
    return ""


def extra_files(content_dir: Path, language: str, sources: list[Path]) -> list[Path]:
    """Files in a translation folder that translate no English file (a typo in a name)."""
    folder = translations_root(content_dir) / language
    expected = {translation_path(content_dir, language, s) for s in sources}
    found = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".md", ".yml")]
    return sorted(p for p in found if p not in expected)


def version_is_readable(value: object) -> bool:
    return isinstance(value, str) and bool(VERSION.match(value))


__all__ = [
    "LANGUAGE_NAMES",
    "FileStatus",
    "State",
    "file_status",
    "language_status",
    "source_version",
    "translation_languages",
    "translation_path",
]
