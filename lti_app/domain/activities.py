"""The kinds of things an instructor adds to a course: one table every screen reads.

A kind's ``id`` is the catalogue's activity ``type`` (``module`` for module pages, which the
catalogue lists in ``modules[]`` instead), the first half of a deep-linking choice
(``signup:kick-off``) and of a gradebook column's resource id. ``launch_kind`` is what the
deep-link item writes into the ``kind`` custom parameter, so it is what the launch dispatcher
routes on. Adding a kind is one line in :data:`ACTIVITY_KINDS`: the catalogue then keeps its
activities, the deep-linking picker offers them, the course home and the placeholder name them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class ActivityKind:
    id: str
    label: str
    """Capitalised, for headings and status badges: "Session sign-up sheet"."""
    name: str
    """Lower case, for running text: "this session sign-up sheet is coming soon"."""
    grade_label: str
    """What a gradebook column of this kind records: "attendance"."""
    launch_kind: str
    """The ``kind`` custom parameter of its course links (see lti/dispatch.py)."""
    is_activity: bool = True
    """Listed in catalogue ``activities[]``; False for module pages (``modules[]``)."""


ACTIVITY_KINDS: tuple[ActivityKind, ...] = (
    ActivityKind("module", "Module page", "module page", "completion", "module", False),
    ActivityKind(
        "signup", "Session sign-up sheet", "session sign-up sheet", "attendance", "signup"
    ),
    ActivityKind(
        "peer-feedback",
        "Peer-feedback exercise",
        "peer-feedback exercise",
        "exercise",
        "peer-feedback",
    ),
)
"""In the order the deep-linking picker shows them."""

KINDS: Mapping[str, ActivityKind] = MappingProxyType({kind.id: kind for kind in ACTIVITY_KINDS})
CATALOGUE_ACTIVITY_KINDS: tuple[ActivityKind, ...] = tuple(
    k for k in ACTIVITY_KINDS if k.is_activity
)
"""The kinds listed in catalogue ``activities[]`` (everything but module pages)."""
CATALOGUE_ACTIVITY_TYPES: frozenset[str] = frozenset(k.id for k in CATALOGUE_ACTIVITY_KINDS)
"""The catalogue ``activities[].type`` values this tool runs; other types are skipped."""
UNKNOWN_KIND_NAME = "activity"


def find_kind(kind_id: str) -> ActivityKind | None:
    return KINDS.get(kind_id)


def kind_name(kind_id: str) -> str:
    """The kind's name for running text, or plain "activity" for a kind this tool lacks."""
    kind = KINDS.get(kind_id)
    return kind.name if kind is not None else UNKNOWN_KIND_NAME
