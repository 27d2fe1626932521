"""Who takes which of the method's roles in one group, checked against the method.

The method data names roles by id; the exercise reads three kinds out of them (the data has no
kind field, so this is the rule):

- the case-bringer: ``case-bringer`` (every method has it), exactly one person;
- the moderator: the method's role whose id is one of :data:`MODERATOR_ROLE_IDS` (moderator,
  chair, facilitator, leader); exactly one person when the method has one (Troika has none);
- optional roles: a role whose name says "(optional)" (the scribe), plus ``timekeeper``, which
  no method lists but sessions rotate. An optional role is a duty of someone who already has a
  role (not the case-bringer): the person posts as that role, and holds the duty on top;
- except the process observer (:data:`OBSERVER_ROLE_IDS`), an optional role whose holder stays
  out of the consultation: they post as the observer role itself (:func:`posting_role`), so the
  phases' ``speakers`` decide where (``observer.may_member_post``); the observer neither
  moderates nor holds a second duty;
- consultants: the method's remaining role (consultant, member, participant): everyone else,
  at least one.

A group outside the method's ``group_size`` is a problem unless the instructor accepts it
(``accept_size``); too few people to fill the roles is always one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lti_app.domain.methods import CASE_BRINGER, MethodSpec
from lti_app.domain.signups.problems import Problem

MODERATOR_ROLE_IDS = ("moderator", "chair", "facilitator", "leader")
TIMEKEEPER = "timekeeper"
OBSERVER_ROLE_IDS = ("observer",)
"""Optional roles whose holder takes no part in the consultation (collegial counselling's
process observer). The data has no field for it, as it has none for the moderator kind."""


def moderator_role(method: MethodSpec) -> str | None:
    return next((r.id for r in method.roles if r.id in MODERATOR_ROLE_IDS), None)


def optional_roles(method: MethodSpec) -> tuple[str, ...]:
    listed = tuple(r.id for r in method.roles if "(optional)" in r.name.lower())
    return listed if TIMEKEEPER in listed else (*listed, TIMEKEEPER)


def observer_role(method: MethodSpec) -> str | None:
    """The method's optional observer role, if it lists one (collegial counselling)."""
    optional = optional_roles(method)
    found = (r.id for r in method.roles if r.id in OBSERVER_ROLE_IDS and r.id in optional)
    return next(found, None)


def consultant_role(method: MethodSpec) -> str:
    """The role everyone else takes."""
    special = {CASE_BRINGER, moderator_role(method), *optional_roles(method)}
    rest = [r.id for r in method.roles if r.id not in special]
    if not rest:
        raise ValueError(f"method {method.slug!r} has no role for consultants")
    return rest[0]


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    """``roles`` maps each member to their method role id; ``duties`` optional role → member."""

    roles: Mapping[int, str]
    duties: Mapping[str, int] = field(default_factory=dict)

    def role_of(self, user_id: int) -> str | None:
        return self.roles.get(user_id)

    def duties_of(self, user_id: int) -> tuple[str, ...]:
        return tuple(duty for duty, user in self.duties.items() if user == user_id)

    def holders(self, role_id: str) -> tuple[int, ...]:
        return tuple(user for user, role in self.roles.items() if role == role_id)

    @property
    def case_bringer(self) -> int:
        return self.holders(CASE_BRINGER)[0]


def posting_role(method: MethodSpec, assignment: RoleAssignment, user_id: int) -> str | None:
    """The role whose phase rules apply to what ``user_id`` posts: their role, or the observer
    role when they hold that duty (it takes them out of the consultation); None: not a member."""
    role = assignment.role_of(user_id)
    observer = observer_role(method)
    if role is not None and observer is not None and observer in assignment.duties_of(user_id):
        return observer
    return role


def assign_roles(
    method: MethodSpec,
    members: Sequence[int],
    case_bringer: int,
    moderator: int | None = None,
    duties: Mapping[str, int] | None = None,
    *,
    accept_size: bool = False,
) -> RoleAssignment | tuple[Problem, ...]:
    """Everyone's role in the group, or every problem at once (fields: members, case_bringer,
    moderator, and the optional role's id)."""
    duties = dict(duties or {})
    problems: list[Problem] = []
    mod_role = moderator_role(method)
    if len(set(members)) != len(members):
        problems.append(Problem("members", "Someone is listed twice in this group."))
    needed = 2 + (1 if mod_role else 0)
    size = method.group_size
    if len(set(members)) < needed:
        problems.append(
            Problem(
                "members",
                f"{method.name} needs at least {needed} people to fill its roles; this group "
                f"has {len(set(members))}.",
            )
        )
    elif not accept_size and not size.min <= len(set(members)) <= size.max:
        problems.append(
            Problem(
                "members",
                f"{method.name} is meant for {size.min} to {size.max} people; this group has "
                f"{len(set(members))}. Change the group, or accept the size.",
            )
        )
    if case_bringer not in members:
        problems.append(Problem("case_bringer", "The case-bringer must be in the group."))
    if mod_role is None:
        if moderator is not None:
            problems.append(Problem("moderator", f"{method.name} has no moderator role."))
    elif moderator is None:
        problems.append(Problem("moderator", "Choose who moderates this group."))
    elif moderator not in members:
        problems.append(Problem("moderator", "The moderator must be in the group."))
    elif moderator == case_bringer:
        problems.append(
            Problem("moderator", "The case-bringer cannot also moderate; choose someone else.")
        )
    allowed_duties = optional_roles(method)
    for duty, user in duties.items():
        if duty not in allowed_duties:
            problems.append(Problem(duty, f"{method.name} has no optional role '{duty}'."))
        elif user not in members:
            problems.append(Problem(duty, f"The person chosen as {duty} is not in the group."))
        elif user == case_bringer:
            problems.append(
                Problem(duty, f"The case-bringer takes no other duty; choose another {duty}.")
            )
        elif duty in OBSERVER_ROLE_IDS and user == moderator:
            problems.append(
                Problem(
                    duty,
                    "The process observer stays out of the consultation, which the moderator "
                    "leads; choose someone other than the moderator as observer.",
                )
            )
        elif duty in OBSERVER_ROLE_IDS and any(
            other != duty and holder == user for other, holder in duties.items()
        ):
            problems.append(
                Problem(
                    duty,
                    "The process observer takes no other duty; give the other duty to "
                    "someone else.",
                )
            )
    if problems:
        return tuple(problems)
    consultant = consultant_role(method)
    roles = {user: consultant for user in members}
    roles[case_bringer] = CASE_BRINGER
    if mod_role is not None and moderator is not None:
        roles[moderator] = mod_role
    return RoleAssignment(roles=roles, duties=duties)
