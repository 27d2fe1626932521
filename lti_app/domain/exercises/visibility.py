"""What each person sees of a group's round, when; and the names they see.

:func:`sight` answers for one post (the case is a post of type CASE) and one viewer:

1. Nobody outside the group sees anything, except the course's instructors.
2. A withdrawn case: the case shows as a tombstone, every other post as nothing, for everyone
   (instructors included); process counts stay on the dashboard, which reads no text.
3. Nothing shows before its phase has opened ("advice hidden until its phase"), except to its
   author; this also holds for drafts storage keeps for a later phase.
4. A post hidden by moderation shows only to the group's moderator and to instructors, marked
   hidden (instructors see its text only under rule 5); its author and the others see nothing.
5. Instructors outside the group see process metadata (type, phase, time, author) of every
   post; its text only when the case access setting lets them: WITH_CONSENT after the
   case-bringer consented, ALWAYS_ANNOUNCED when it was announced before the first learner
   access, NEVER not at all.
   Reflections and answers count as case text here (they retell the case); ratings and marks
   carry no text and are metadata. Consent is the case-bringer's alone (``decide_consent``),
   given or taken back at any time; taking it back hides the text from instructors again.
   An instructor who is a member of the group (a Balint leader) sees it as a member does.

Pseudonyms (:func:`pseudonyms`) are stable per exercise and distinct within a group: members
get names from :data:`PSEUDONYMS` at a place a keyed hash of (exercise key, user id) picks,
and a name once given is kept (storage passes the names given so far). In a PSEUDONYMOUS
exercise learners see each other by pseudonym (and themselves as "You"); instructors see real
names in process data, as they must for support and grading.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from lti_app.domain.exercises.outcomes import Actor, Reason, Refused
from lti_app.domain.exercises.phases import PostType
from lti_app.domain.exercises.roles import moderator_role
from lti_app.domain.exercises.settings import Anonymity, CaseAccess, ExerciseSettings
from lti_app.domain.exercises.validation import CaseStatus, Posted, Round
from lti_app.domain.methods import CASE_BRINGER

NO_TEXT_TYPES = frozenset({PostType.MARK, PostType.RATING})


@dataclass(frozen=True, slots=True)
class Sight:
    """How a post shows: at all, with its text, marked hidden, or as a tombstone."""

    visible: bool
    text: bool = False
    marked_hidden: bool = False
    tombstone: bool = False


NOTHING = Sight(False)
FULL = Sight(True, text=True)
METADATA = Sight(True, text=False)
TOMBSTONE = Sight(True, tombstone=True)


@dataclass(frozen=True, slots=True)
class Access:
    """What the instructor access to case text depends on, for one group's case."""

    case_access: CaseAccess = CaseAccess.NEVER
    consent: bool = False
    """The case-bringer consented to instructors reading (WITH_CONSENT)."""
    announced_in_time: bool = False
    """ALWAYS_ANNOUNCED was announced before the first learner access (settings)."""

    @property
    def instructor_reads_text(self) -> bool:
        if self.case_access is CaseAccess.WITH_CONSENT:
            return self.consent
        if self.case_access is CaseAccess.ALWAYS_ANNOUNCED:
            return self.announced_in_time
        return False


@dataclass(frozen=True, slots=True)
class ConsentChange:
    """The case-bringer gives or takes back consent; storage logs it (audit) and applies it."""

    consent: bool
    by_user: int
    at: datetime


def decide_consent(
    round_: Round, actor: Actor, case_access: CaseAccess, consent: bool, now: datetime
) -> ConsentChange | Refused:
    """Only the case-bringer decides, only under WITH_CONSENT, and may take it back any time."""
    if round_.assignment.role_of(actor.user_id) != CASE_BRINGER:
        return Refused(Reason.NOT_ALLOWED, "Only the case-bringer decides who reads their case.")
    if case_access is not CaseAccess.WITH_CONSENT:
        return Refused(
            Reason.NOT_ALLOWED,
            "In this exercise instructors' access to case text does not depend on consent.",
        )
    return ConsentChange(consent, actor.user_id, now)


def sight(round_: Round, viewer: Actor, post: Posted, access: Access) -> Sight:
    role = round_.assignment.role_of(viewer.user_id)
    if role is None and not viewer.instructor:
        return NOTHING
    if round_.case_status is CaseStatus.WITHDRAWN:
        return TOMBSTONE if post.kind is PostType.CASE else NOTHING
    own = post.author == viewer.user_id
    if not own and not _phase_open(round_, post):
        return NOTHING
    if role is None:  # an instructor outside the group
        text = access.instructor_reads_text and post.kind not in NO_TEXT_TYPES
        return Sight(True, text=text, marked_hidden=post.hidden)
    if post.hidden:
        if viewer.instructor or role == moderator_role(round_.method):
            return Sight(True, text=True, marked_hidden=True)
        return NOTHING
    return FULL


def visible_posts(round_: Round, viewer: Actor, access: Access) -> tuple[tuple[Posted, Sight], ...]:
    """Every post the viewer sees, with how, in the round's order."""
    shown = ((post, sight(round_, viewer, post, access)) for post in round_.posts)
    return tuple((post, s) for post, s in shown if s.visible)


def _phase_open(round_: Round, post: Posted) -> bool:
    clock = round_.clock
    if clock.closed:
        return True
    return clock.index is not None and post.phase_index <= clock.index


def access_for(settings: ExerciseSettings, consent: bool, announced_in_time: bool) -> Access:
    return Access(settings.case_access, consent=consent, announced_in_time=announced_in_time)


PSEUDONYMS: tuple[str, ...] = (
    "Alder", "Birch", "Cedar", "Elm", "Fir", "Hazel", "Juniper", "Larch", "Maple", "Oak",
    "Pine", "Rowan", "Spruce", "Willow", "Yew", "Ash", "Beech", "Cherry", "Linden", "Poplar",
)  # fmt: skip


def pseudonyms(
    exercise_key: str, members: Sequence[int], existing: Mapping[int, str] | None = None
) -> dict[int, str]:
    """Distinct names for a group's members in one exercise, stable as members join.

    ``exercise_key`` is a per-exercise secret storage keeps (so names differ across exercises);
    ``existing`` are the names already given, which never change. Newcomers, in keyed-hash
    order, take the first free name from a place the hash picks.
    """
    names = dict(existing or {})

    def digest(user_id: int) -> bytes:
        return hmac.new(exercise_key.encode(), str(user_id).encode(), hashlib.sha256).digest()

    for user_id in sorted(set(members) - set(names), key=digest):
        taken = set(names.values())
        start = int.from_bytes(digest(user_id)[:4], "big")
        cycle = 0
        while True:
            candidates = [
                PSEUDONYMS[(start + step) % len(PSEUDONYMS)] for step in range(len(PSEUDONYMS))
            ]
            if cycle:
                candidates = [f"{name} {cycle + 1}" for name in candidates]
            free = next((name for name in candidates if name not in taken), None)
            if free is not None:
                names[user_id] = free
                break
            cycle += 1
    return names


def display_name(
    viewer: Actor,
    author: int,
    anonymity: Anonymity,
    real_names: Mapping[int, str],
    pseudonym_of: Mapping[int, str],
) -> str:
    """The name ``viewer`` sees for ``author``."""
    if author == viewer.user_id:
        return "You"
    if anonymity is Anonymity.NAMED or viewer.instructor:
        return real_names.get(author, "A former member")
    return pseudonym_of.get(author, "A former member")
