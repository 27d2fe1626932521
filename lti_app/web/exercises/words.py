"""The exercise domain's problem messages and refusals in the reader's language.

The domain (``check_settings``, ``assign_roles``, the phase schedule) keeps its English and
stays free of gettext; its constant messages are marked here for the catalogue, and the ones
with values in them are recognised by pattern and said again with the same values
(docs/translating.md, "Domain values"). Any other message is shown as it came.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from babel.lists import format_list

from lti_app.domain.exercises.phases import LABELS
from lti_app.domain.signups.problems import Problem
from lti_app.i18n import gettext, locale_now, ngettext
from lti_app.i18n.marking import N_
from lti_app.i18n.rewording import reworded
from lti_app.web.exercises.inline_names import TIMEKEEPER_WORD, inline_name

CONSTANT = (
    N_("This method is not in the course catalogue. Choose another one."),
    N_("Choose the sign-up session whose groups take part."),
    N_("Choose the stable group that takes part."),
    N_("A size range applies to self-formed groups only; leave it empty."),
    N_("Say how many people a self-formed group may have (from, to)."),
    N_("A group has at least 2 people and 'to' is not below 'from'."),
    N_("An announcement date applies only when instructors always read case text."),
    N_(
        "Announce to the course that instructors read case text, and record when, before "
        "learners open the exercise."
    ),
    N_(
        "Learners opened this exercise before the announcement, so instructors cannot read "
        "their case text: choose 'with consent' or 'never'."
    ),
    N_("Someone is listed twice in this group."),
    N_("The case-bringer must be in the group."),
    N_("Choose who moderates this group."),
    N_("The moderator must be in the group."),
    N_("The case-bringer cannot also moderate; choose someone else."),
    N_(
        "The process observer stays out of the consultation, which the moderator leads; choose "
        "someone other than the moderator as observer."
    ),
    N_("The process observer takes no other duty; give the other duty to someone else."),
    N_("Keep at least one phase."),
    N_("Remove the empty prompt, or write it."),
)
"""The domain's constant problem messages, marked for the catalogue."""

REFUSALS = (
    N_("Only the case-bringer decides who reads their case."),
    N_("In this exercise instructors' access to case text does not depend on consent."),
    N_("An asynchronous round moves on by its deadlines, not by hand."),
    N_("This round is closed."),
    N_("This round has not opened yet."),
    N_("The group has already moved on to the next phase."),
    N_("Members of the group flag contributions; instructors can hide them directly."),
    N_("There is no such contribution in this group."),
    N_("You have already flagged this contribution."),
    N_("Only the group's moderator or an instructor can hide or restore."),
    N_("Only the case-bringer can withdraw their case."),
    N_("This case has already been withdrawn."),
    N_("There is no submitted case to withdraw."),
    N_("Instructors follow the process but do not post in a group's consultation."),
    N_("Only members of this group can move it on."),
    N_("This round has already started."),
    N_("Only the case-bringer answers this."),
    N_("Only members of this group answer here."),
    N_("This round is closed; the follow-up can no longer change."),
    N_("There is no open follow-up of that plan for you here (it may be answered already)."),
    N_("The ground rules changed while you were reading them. Read the new version and accept it."),
    N_("You have already accepted these ground rules."),
    N_("You are not a member of this group."),
    N_("This exercise is closed; nothing more can be posted in it."),
    N_("This round has not started yet."),
    N_("The case-bringer withdrew this case; the round has ended."),
    N_("The case-bringer has not submitted the case yet."),
    N_("The case has the situation, your own role and the key question; nothing else."),
    N_("Go through the anonymisation checklist and confirm every item before submitting."),
    N_("Choose tags from the list offered."),
    N_("Groups of this exercise are given."),
    N_("You are already in this group."),
    N_("This group has already begun; join another one."),
    N_("This group is full; join or start another one."),
    N_("The case is already submitted for this round."),
    N_("An asynchronous round opens by its schedule, not by hand."),
    N_("You have answered this follow-up already."),
    N_("This exercise takes no stable group."),
)
"""The domain's and the services' constant refusals (``Refused``), marked for the catalogue."""

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"Keep case text between (?P<low>\d+) and (?P<high>\d+) days after the round ends\."
        ),
        N_("Keep case text between %(low)s and %(high)s days after the round ends."),
    ),
    (
        re.compile(
            r"Learners have already opened this exercise, so its method can no longer change\. "
            r"Place a new exercise instead\."
        ),
        N_(
            "Learners have already opened this exercise, so its method can no longer change. "
            "Place a new exercise instead."
        ),
    ),
    (
        re.compile(
            r"Learners have already opened this exercise, so its mode can no longer change\. "
            r"Place a new exercise instead\."
        ),
        N_(
            "Learners have already opened this exercise, so its mode can no longer change. "
            "Place a new exercise instead."
        ),
    ),
    (
        re.compile(
            r"Learners have already opened this exercise, so its anonymity can no longer "
            r"change\. Place a new exercise instead\."
        ),
        N_(
            "Learners have already opened this exercise, so its anonymity can no longer change. "
            "Place a new exercise instead."
        ),
    ),
    (
        re.compile(
            r"(?P<method>.+) is meant for groups of (?P<low>\d+) to (?P<high>\d+); keep the "
            r"range inside that\."
        ),
        N_("%(method)s is meant for groups of %(low)s to %(high)s; keep the range inside that."),
    ),
    (
        re.compile(
            r"(?P<method>.+) needs at least (?P<needed>\d+) people to fill its roles; this group "
            r"has (?P<has>\d+)\."
        ),
        N_(
            "%(method)s needs at least %(needed)s people to fill its roles; this group has %(has)s."
        ),
    ),
    (
        re.compile(
            r"(?P<method>.+) is meant for (?P<low>\d+) to (?P<high>\d+) people; this group has "
            r"(?P<has>\d+)\. Change the group, or accept the size\."
        ),
        N_(
            "%(method)s is meant for %(low)s to %(high)s people; this group has %(has)s. Change "
            "the group, or accept the size."
        ),
    ),
    (
        re.compile(r"(?P<method>.+) has no moderator role\."),
        N_("%(method)s has no moderator role."),
    ),
    (
        re.compile(r"(?P<method>.+) has no role '(?P<role>.+)'\."),
        N_("%(method)s has no role '%(role)s'."),
    ),
    (
        re.compile(r"The round of (?P<name>.+) in this exercise is already made; see below\."),
        N_("The round of %(name)s in this exercise is already made; see below."),
    ),
    (
        re.compile(r"(?P<method>.+) has no optional role '(?P<id>.+)'\."),
        N_("%(method)s has no optional role '%(id)s'."),
    ),
    (
        re.compile(r"The person chosen as (?P<duty>.+) is not in the group\."),
        N_("The person chosen as %(duty)s is not in the group."),
    ),
    (
        re.compile(r"The case-bringer takes no other duty; choose another (?P<duty>.+)\."),
        N_("The case-bringer takes no other duty; choose another %(duty)s."),
    ),
    (
        re.compile(r"In '(?P<phase>.+)' the (?P<role>.+) does not post\."),
        N_("In '%(phase)s' the %(role)s does not post."),
    ),
    (
        re.compile(r"The (?P<role>.+) moves the group to the next phase\."),
        N_("The %(role)s moves the group to the next phase."),
    ),
    (
        re.compile(r"Give each of the (?P<count>\d+) phases a deadline\."),
        N_("Give each of the %(count)s phases a deadline."),
    ),
    (
        re.compile(r"'(?P<phase>.+)': that date-time has passed\. Choose one in the future\."),
        N_("'%(phase)s': that date-time has passed. Choose one in the future."),
    ),
    (
        re.compile(
            r"'(?P<phase>.+)': give a duration from 1 minute to 365 days after the round's "
            r"start\."
        ),
        N_("'%(phase)s': give a duration from 1 minute to 365 days after the round's start."),
    ),
    (
        re.compile(
            r"'(?P<phase>.+)' must end after '(?P<before>.+)'\. Give it a later date-time or a "
            r"longer duration\."
        ),
        N_(
            "'%(phase)s' must end after '%(before)s'. Give it a later date-time or a longer "
            "duration."
        ),
    ),
    (
        re.compile(r"'(?P<phase>.+)' takes at most (?P<most>\d+) prompts\."),
        N_("'%(phase)s' takes at most %(most)s prompts."),
    ),
    (
        re.compile(r"Keep the reason to (?P<most>\d+) characters\."),
        N_("Keep the reason to %(most)s characters."),
    ),
    (
        re.compile(r"Rate how helpful it was from (?P<low>\d+) to (?P<high>\d+)\."),
        N_("Rate how helpful it was from %(low)s to %(high)s."),
    ),
    (
        re.compile(r"Keep each prompt to (?P<most>\d+) characters or fewer\."),
        N_("Keep each prompt to %(most)s characters or fewer."),
    ),
)
"""Domain messages with values in them, recognised and said again in the reader's language."""

LABELLED: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"Only the case-bringer posts (?P<label>.+)\."),
        N_("Only the case-bringer posts %(label)s."),
    ),
    (
        re.compile(
            r"As case-bringer you do not post (?P<label>.+); the others offer them to you\."
        ),
        N_("As case-bringer you do not post %(label)s; the others offer them to you."),
    ),
    (
        re.compile(r"(?P<method>.+) has no phase for (?P<label>.+)\."),
        N_("%(method)s has no phase for %(label)s."),
    ),
    (
        re.compile(
            r"In '(?P<phase>.+)' the case-bringer listens and does not post; you can react once "
            r"the phase is over\."
        ),
        N_(
            "In '%(phase)s' the case-bringer listens and does not post; you can react once the "
            "phase is over."
        ),
    ),
    (
        re.compile(r"This is '(?P<phase>.+)'\. (?P<Label>.+) belong in '(?P<where>.+)'\."),
        N_("This is '%(phase)s'. %(Label)s belong in '%(where)s'."),
    ),
    (
        re.compile(r"This is '(?P<phase>.+)'; (?P<label>.+) come later in the round\."),
        N_("This is '%(phase)s'; %(label)s come later in the round."),
    ),
    (
        re.compile(r"(?P<Label>.+) stand alone\."),
        N_("%(Label)s stand alone."),
    ),
    (
        re.compile(r"Choose one of the (?P<label>questions|advice or hypotheses) of this round\."),
        N_("Choose one of the %(label)s of this round."),
    ),
    (
        re.compile(r"Write (?P<label>.+) before posting: it is empty\."),
        N_("Write %(label)s before posting: it is empty."),
    ),
    (
        re.compile(r"(?P<Label>.+) contains a character that cannot be saved; retype it\."),
        N_("%(Label)s contains a character that cannot be saved; retype it."),
    ),
    (
        re.compile(
            r"Keep (?P<label>.+) to (?P<limit>\d+) characters; it has (?P<length>\d+)\. Shorten "
            r"it and post again\."
        ),
        N_("Keep %(label)s to %(limit)s characters; it has %(length)s. Shorten it and post again."),
    ),
)
"""Messages naming a kind of post or a case field (``label``; ``Label`` capitalised): the
name is the domain's English word (``phases.LABELS``, ``validation.CASE_FIELD_LABELS``),
translated in turn (``pages.OBSERVED_LABELS`` and :data:`FIELD_WORDS` hold them)."""

FIELD_WORDS = (
    N_("the situation"),
    N_("your own role"),
    N_("This contribution is already hidden."),
    N_("This contribution is already visible."),
    N_("advice or hypotheses"),
)
"""The case fields' names inside a message, and the moderation refusals without values."""


NAMED = {"phase": "phase", "before": "phase", "where": "phase", "role": "role", "method": "method"}
"""The groups of a pattern that hold a phase's, a role's or the method's name."""

OBSERVER_WHEN = (
    N_(
        "As process observer you stay out of the consultation: you do not post %(label)s in "
        "'%(phase)s'; you note, phase by phase, where the group keeps to its rules."
    ),
    N_(
        "As process observer you stay out of the consultation: you do not post %(label)s in "
        "this round; you note, phase by phase, where the group keeps to its rules."
    ),
)
OBSERVER_POSTS = N_("You post %(posts)s.")
OBSERVER_POST = N_("%(label)s in '%(phase)s'")

_OBSERVER = re.compile(
    r"As process observer you stay out of the consultation: you do not post (?P<label>.+?) "
    r"in (?:'(?P<phase>.+)'|this round); you note, phase by phase, where the group keeps to its "
    r"rules\.(?: You post (?P<posts>.+)\.)?"
)
_LABELS = "|".join(re.escape(label) for label in sorted(LABELS.values(), key=len, reverse=True))
_POST = re.compile(rf"(?P<label>{_LABELS}) in '(?P<phase>.+?)'(?: and (?=(?:{_LABELS}) in ')|$)")


def _word(value: str, capital: bool) -> str:
    word = gettext(value[0].lower() + value[1:] if capital else value)
    return word[0].upper() + word[1:] if capital and word else word


DUTY_WORDS = {
    "scribe": N_("scribe"),
    "observer": N_("process observer"),
    "timekeeper": TIMEKEEPER_WORD,
}
"""The shipped methods' duties (optional roles) by id, as a word inside a sentence."""


def _value(name: str, value: str) -> str:
    if name in ("label", "Label"):
        return _word(value, name == "Label")
    if name == "duty":
        return gettext(DUTY_WORDS[value]) if value in DUTY_WORDS else value
    kind = NAMED.get(name)
    return inline_name(kind, value) if kind is not None else value


def _observer_posts(posts: str) -> str | None:
    """The observer's "X in 'phase' and Y in 'phase'" as a list in the reader's language."""
    items, at = [], 0
    for found in _POST.finditer(posts):
        if found.start() != at:
            return None
        items.append(
            gettext(
                OBSERVER_POST,
                label=_word(found["label"], False),
                phase=inline_name("phase", found["phase"]),
            )
        )
        at = found.end()
    if at != len(posts) or not items:
        return None
    return format_list(items, locale=locale_now())


def observer_text(message: str) -> str | None:
    """The process observer's refusal (built from parts in ``domain.exercises.observer``) in
    the reader's language; None when ``message`` is not it."""
    found = _OBSERVER.fullmatch(message)
    if found is None:
        return None
    label = _word(found["label"], False)
    if found["phase"] is not None:
        text = gettext(OBSERVER_WHEN[0], label=label, phase=inline_name("phase", found["phase"]))
    else:
        text = gettext(OBSERVER_WHEN[1], label=label)
    if found["posts"] is None:
        return text
    posts = _observer_posts(found["posts"])
    if posts is None:
        return message
    return f"{text} {gettext(OBSERVER_POSTS, posts=posts)}"


_TOO_SMALL = re.compile(
    r"(?P<name>.+) has (?P<num>\d+) members?; (?P<method>.+) needs at least (?P<needed>\d+) "
    r"to fill its roles\. Add people to the group on its sign-up sheet, then start the round\. "
    r"Nothing was saved\."
)


def _too_small(message: str) -> str | None:
    """A stable group too small for the method's roles (``services.exercises.stable_start``)."""
    found = _TOO_SMALL.fullmatch(message)
    if found is None:
        return None
    return ngettext(
        "%(name)s has %(num)s member; %(method)s needs at least %(needed)s to fill its roles. "
        "Add people to the group on its sign-up sheet, then start the round. Nothing was saved.",
        "%(name)s has %(num)s members; %(method)s needs at least %(needed)s to fill its roles. "
        "Add people to the group on its sign-up sheet, then start the round. Nothing was saved.",
        int(found["num"]),
        name=found["name"],
        method=inline_name("method", found["method"]),
        needed=found["needed"],
    )


def problems_text(problems: Iterable[Problem]) -> str:
    """Several problems as one flash: each said in the reader's language, then joined (the
    joined English would match no pattern)."""
    return " ".join(problem_text(problem.message) for problem in problems)


def problem_text(message: str) -> str:
    """A domain problem's message in the reader's language (as it came when unknown), the
    method's names in it translated where the course kept the shipped ones."""
    special = observer_text(message) or _too_small(message)
    if special is not None:
        return special
    return reworded(message, (*PATTERNS, *LABELLED), _value) or gettext(message)
