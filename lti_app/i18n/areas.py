"""The catalogue areas: each part of the tool has its own ``.po`` files, so the people
translating sign-ups, exercises and the core never edit the same file.

A source file belongs to the first area (in ``AREAS`` order) one of whose patterns matches its
path relative to ``lti_app/``; ``core`` takes everything else. The CLI, the demo LMS and the
migrations are not translated (``EXCLUDED``). At run time all areas' catalogues are merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
"""``lti_app/``: area paths are relative to it."""

EXCLUDED: tuple[str, ...] = (
    "demo_lms/*",  # a stand-in LMS, not the tool
    "demo.py",
    "cli*.py",  # the admin command line stays English
    "lti/cli.py",
    "services/outbox_cli.py",
    "storage/migrations/*",
    "i18n/[!w]*",  # the machinery; i18n/words.py holds words people see
    "*/translations/*",
)


@dataclass(frozen=True)
class Area:
    """One catalogue: the sources it covers and where its ``<locale>/LC_MESSAGES`` live."""

    name: str
    patterns: tuple[str, ...]
    translations: str

    @property
    def directory(self) -> Path:
        return PACKAGE / self.translations

    def po_path(self, locale: str) -> Path:
        return self.directory / locale / "LC_MESSAGES" / "messages.po"


AREAS: tuple[Area, ...] = (
    Area(
        "signups",
        (
            "web/signups/*",
            "services/signups/*",
            "services/calendar.py",
            "services/notifications.py",
            "services/signup_*.py",
            "services/sheet_settings.py",
            "domain/signups/*",
            "storage/signups_repo/*",
            "storage/signup_models.py",
            "storage/roster_repo.py",
        ),
        "web/signups/translations",
    ),
    Area(
        "exercises",
        (
            "web/exercises/*",
            "services/exercises/*",
            "domain/exercises/*",
            "storage/exercise*.py",
            "storage/stable_group_rounds_repo.py",
        ),
        "web/exercises/translations",
    ),
    Area("core", ("*",), "translations"),
)

TRANSLATED_LOCALES: tuple[str, ...] = ("nl", "de")
"""Every area has a complete catalogue for each of these; English is the source."""


def area_named(name: str) -> Area:
    for area in AREAS:
        if area.name == name:
            return area
    raise KeyError(f"no catalogue area {name!r}; areas: {', '.join(a.name for a in AREAS)}")


def area_of(relative: str) -> Area | None:
    """The area a file (path relative to ``lti_app/``, with ``/``) belongs to; None if it is
    not translated."""
    if any(fnmatch(relative, pattern) for pattern in EXCLUDED):
        return None
    for area in AREAS:
        if any(fnmatch(relative, pattern) for pattern in area.patterns):
            return area
    return None


def source_files(area: Area) -> list[Path]:
    """The ``.py`` and ``.html`` files of an area, sorted (stable catalogue order)."""
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".html") or not path.is_file():
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        if area_of(relative) is area:
            found.append(path)
    return found
