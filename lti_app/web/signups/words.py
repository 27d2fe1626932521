"""The sign-up words people see for the domain's values (refusals, roles, statuses), as
``lazy_gettext`` tables: the domain keeps its English and stays free of gettext; these are
translated when shown (docs/translating.md, "Domain values")."""

from __future__ import annotations

import re

from flask_babel import lazy_pgettext
from flask_babel.speaklater import LazyString

from lti_app.domain.signups.booking import REFUSAL_MESSAGES, Decision, Intent, Refusal
from lti_app.i18n import gettext, lazy_gettext
from lti_app.i18n.marking import N_
from lti_app.i18n.rewording import reworded

INTENT_LABELS: dict[Intent, LazyString] = {
    Intent.CASE_BRINGER: lazy_gettext("case-bringer"),
    Intent.CONSULTANT: lazy_gettext("consultant"),
}
"""The role inside a sentence ("You have a seat as consultant.")."""

REFUSALS: dict[Refusal, LazyString] = {
    Refusal.NOT_OPEN_YET: lazy_gettext(
        "Sign-up for this session has not opened yet. Come back when it opens."
    ),
    Refusal.CLOSED: lazy_gettext(
        "Sign-up for this session has closed. Ask your trainer if you still need a place."
    ),
    Refusal.STARTED: lazy_gettext(
        "This session has already started, so bookings can no longer change."
    ),
    Refusal.SESSION_CANCELLED: lazy_gettext("This session was cancelled. Choose another session."),
    Refusal.NO_PLACES_FOR_INTENT: lazy_gettext(
        "This session has no places for that role. Sign up in the other role, or choose "
        "another session."
    ),
    Refusal.ALREADY_SEATED_OTHER_INTENT: lazy_gettext(
        "You already have a place in this session in the other role. Cancel it first if you "
        "want to change role."
    ),
    Refusal.NOT_BOOKED: lazy_gettext("You have no booking for this session."),
    Refusal.PAST_CANCEL_DEADLINE: lazy_gettext(
        "The cancellation deadline has passed. Ask your trainer if you cannot come."
    ),
    Refusal.REASON_REQUIRED: lazy_gettext("Say why, so the log shows it: a reason is required."),
    Refusal.SAME_SESSION: lazy_gettext(
        "The person is already in that session; choose another one."
    ),
    Refusal.NOT_STARTED: lazy_gettext("Attendance can be marked once the session has started."),
    Refusal.NOT_IN_GROUP: lazy_gettext(
        "This session is for the members of its intervision group. Choose a session of your "
        "own group, or ask your trainer."
    ),
}
"""Every :class:`Refusal`, in the same English as the domain's ``REFUSAL_MESSAGES``."""


def refusal_text(decision: Decision) -> str:
    """Why a decision changed nothing, in the reader's language ("" when it did not refuse)."""
    return refusal_words(decision.refusal) if decision.refusal is not None else ""


def refusal_words(refusal: Refusal) -> str:
    """One refusal, in the reader's language."""
    text = REFUSALS.get(refusal)
    return str(text) if text is not None else REFUSAL_MESSAGES[refusal]


PROBLEMS: tuple[str, ...] = (
    N_("That person is in none of the groups."),
    N_("There is no such group."),
    N_("A group has at least 1 person."),
    N_("The largest group size is below the smallest."),
    N_("Give the session a title, e.g. “Intervision, group A”."),
    N_("Choose the method from the list."),
    N_(
        "The online link must be a web address starting with https:// (or http://), e.g. https://meet.example.org/intervision."
    ),
    N_("This time has no time zone; enter it again."),
    N_("The start is in the past; choose a later date."),
    N_("The session must last longer than zero minutes."),
    N_("Sign-up opens after it closes; open it before it closes."),
    N_("Sign-up closes after the session starts; close it at the start or earlier."),
    N_("Sign-up opens after the session starts; open it earlier."),
    N_("The cancellation deadline is after the start; set it at the start or earlier."),
    N_("The minimum-size check is after the start; set it before the session."),
    N_("A session needs at least one seat."),
    N_("The minimum size cannot be negative; use 0 for none."),
    N_("Case-bringer places cannot be negative; use 0."),
    N_("A session lasts at most 24 hours; plan several sessions instead."),
    N_("Say how many sessions the series has, or its last date."),
    N_("Give the number of sessions or the last date, not both."),
    N_("The last date is before the first session; choose a later one."),
    N_("The rule has both COUNT and UNTIL; keep one of them."),
    N_("The rule gives no dates; check COUNT, UNTIL and BYDAY."),
    N_("Nobody is in this session to take a role."),
    N_("Choose a repeat preset or type a rule, not both."),
    N_("Choose how the series repeats: weekly, fortnightly or monthly."),
)
"""The domain's constant problem messages (``check_plan``, ``recurrence``, groups, rotation),
marked for the catalogue: ``forms.attach_problems`` shows them translated."""

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"“(?P<zone>.*)” is not a time zone we know\. Choose one from the list, such as "
            r"Europe/Amsterdam or America/Chicago\."
        ),
        N_(
            "“%(zone)s” is not a time zone we know. Choose one from the list, such as "
            "Europe/Amsterdam or America/Chicago."
        ),
    ),
    (
        re.compile(
            r"(?P<time>\S+ \S+) does not exist in (?P<zone>\S+): the clocks go forward that "
            r"night\. Choose a time outside the skipped hour\."
        ),
        N_(
            "%(time)s does not exist in %(zone)s: the clocks go forward that night. Choose a time "
            "outside the skipped hour."
        ),
    ),
    (
        re.compile(
            r"(?P<people>\d+) people cannot be split into groups of (?P<min>\d+)–(?P<max>\d+)\. "
            r"Try a size range of (?P<ideas>.*)\."
        ),
        N_(
            "%(people)s people cannot be split into groups of %(min)s–%(max)s. Try a size range "
            "of %(ideas)s."
        ),
    ),
    (
        re.compile(r"The title is (?P<length>\d+) characters; keep it to (?P<most>\d+)\."),
        N_("The title is %(length)s characters; keep it to %(most)s."),
    ),
    (
        re.compile(
            r"The minimum size \((?P<min>\d+)\) is above the seats \((?P<seats>\d+)\); lower "
            r"the minimum or add seats\."
        ),
        N_(
            "The minimum size (%(min)s) is above the seats (%(seats)s); lower the minimum or add "
            "seats."
        ),
    ),
    (
        re.compile(
            r"(?P<places>\d+) case-bringer places do not fit in (?P<seats>\d+) seats; lower "
            r"them or add seats\."
        ),
        N_(
            "%(places)s case-bringer places do not fit in %(seats)s seats; lower them or add seats."
        ),
    ),
    (
        re.compile(r"The place is (?P<length>\d+) characters; keep it to (?P<most>\d+)\."),
        N_("The place is %(length)s characters; keep it to %(most)s."),
    ),
    (
        re.compile(r"The online link is too long; keep it to (?P<most>\d+)\."),
        N_("The online link is too long; keep it to %(most)s."),
    ),
    (
        re.compile(r"At most (?P<most>\d+) seats; split the session\."),
        N_("At most %(most)s seats; split the session."),
    ),
    (
        re.compile(r"A series has 1 to (?P<most>\d+) sessions\."),
        N_("A series has 1 to %(most)s sessions."),
    ),
    (
        re.compile(r"The series would have more than (?P<most>\d+) sessions; make it shorter\."),
        N_("The series would have more than %(most)s sessions; make it shorter."),
    ),
    (
        re.compile(
            r"Type only the rule itself, e\.g\. (?P<example>\S+) \(no DTSTART or EXDATE\)\."
        ),
        N_("Type only the rule itself, e.g. %(example)s (no DTSTART or EXDATE)."),
    ),
    (
        re.compile(r"The rule never ends: add COUNT=… or UNTIL=…, e\.g\. (?P<example>\S+)\."),
        N_("The rule never ends: add COUNT=… or UNTIL=…, e.g. %(example)s."),
    ),
    (
        re.compile(
            r"The rule could not be read \((?P<error>.*)\)\. Write it like (?P<example>\S+)\.",
            re.DOTALL,
        ),
        N_("The rule could not be read (%(error)s). Write it like %(example)s."),
    ),
    (
        re.compile(
            r"Group (?P<group>\d+) would have (?P<people>\d+) people, fewer than the minimum "
            r"of (?P<min>\d+)\. Move someone else in first, or merge the groups\."
        ),
        N_(
            "Group %(group)s would have %(people)s people, fewer than the minimum of %(min)s. "
            "Move someone else in first, or merge the groups."
        ),
    ),
    (
        re.compile(
            r"Group (?P<group>\d+) would have (?P<people>\d+) people, more than the maximum "
            r"of (?P<max>\d+)\. Move someone out first\."
        ),
        N_(
            "Group %(group)s would have %(people)s people, more than the maximum of %(max)s. "
            "Move someone out first."
        ),
    ),
    (
        re.compile(r"The person chosen as (?P<role>.+) is not in this session\."),
        N_("The person chosen as %(role)s is not in this session."),
    ),
    (
        re.compile(r"Everyone already has a role; nobody is left for (?P<role>.+)\."),
        N_("Everyone already has a role; nobody is left for %(role)s."),
    ),
    (
        re.compile(
            r"The person chosen as (?P<role>.+) is already (?P<other>.+); there are enough "
            r"people in this session for one role each\. Choose someone else\."
        ),
        N_(
            "The person chosen as %(role)s is already %(other)s; there are enough people in "
            "this session for one role each. Choose someone else."
        ),
    ),
)
"""Domain messages with values in them: the English is recognised and said again in the
reader's language with the same values. Any other message is shown as it came."""

ROLE_WORDS: dict[str, LazyString] = {
    "moderator": lazy_pgettext("rotation role inside a sentence", "moderator"),
    "timekeeper": lazy_pgettext("rotation role inside a sentence", "timekeeper"),
    "case-bringer": lazy_pgettext("rotation role inside a sentence", "case-bringer"),
}
"""A rotation role as a word inside a sentence (lower case, unlike the column headings; the
context keeps it apart from other "moderator"s). A role not listed is kept as it came."""

ROLE_GROUPS = frozenset({"role", "other"})


def _value(name: str, value: str) -> str:
    """A matched value as said again: role names in the reader's words, the rest kept."""
    if name in ROLE_GROUPS and value in ROLE_WORDS:
        return str(ROLE_WORDS[value])
    return value


def problem_text(message: str) -> str:
    """A domain problem's message in the reader's language (as it came when unknown)."""
    return reworded(message, PATTERNS, _value) or str(gettext(message))
