"""What the demo LMS knows about itself, the tool it hosts, and its pretend course and people.

One frozen object, built by ``intervision demo`` (or a test), so every URL is derived in one
place and the issuer the tool registers is exactly the origin the LMS serves on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

LIS = "http://purl.imsglobal.org/vocab/lis/v2"
INSTRUCTOR_ROLES = (f"{LIS}/membership#Instructor", f"{LIS}/institution/person#Faculty")
LEARNER_ROLES = (f"{LIS}/membership#Learner", f"{LIS}/institution/person#Student")
COURSE_OFFERING = f"{LIS}/course#CourseOffering"
LAUNCH_LOCALES = ("", "en-GB", "nl-NL", "de-DE")
"""What the course page can send as ``launch_presentation.locale`` ("": none, as before), as
Moodle and Canvas send each person's language."""


@dataclass(frozen=True)
class DemoUser:
    """A person in the demo course; ``sub`` is stable so the tool recognises them again."""

    sub: str
    name: str
    given_name: str
    family_name: str
    email: str
    roles: tuple[str, ...]
    can_launch: bool = True

    @property
    def is_instructor(self) -> bool:
        return INSTRUCTOR_ROLES[0] in self.roles


def _learner(sub: str, given: str, family: str) -> DemoUser:
    email = f"{given}.{family.replace(' ', '')}@example.org".lower().replace("é", "e")
    return DemoUser(f"demo-learner-{sub}", f"{given} {family}", given, family, email, LEARNER_ROLES)


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "demo-instructor-anna",
        "Anna de Vries",
        "Anna",
        "de Vries",
        "anna.devries@example.org",
        INSTRUCTOR_ROLES,
    ),
    # Enough learners to fill a sign-up sheet, form two intervision groups and run an exercise
    # (a case-bringer, a moderator and consultants); the first is "Launch as learner".
    _learner("bram", "Bram", "Jansen"),
    _learner("chloe", "Chloé", "Martin"),
    _learner("daan", "Daan", "Bakker"),
    _learner("elif", "Elif", "Yılmaz"),
    _learner("femke", "Femke", "Visser"),
    _learner("gerrit", "Gerrit", "Smit"),
    _learner("hanna", "Hanna", "Schmidt"),
    _learner("ilias", "Ilias", "El Amrani"),
    # A platform that withholds a person's name and e-mail (a privacy setting in Moodle and
    # Canvas): the tool must show a stable pseudonym, never the raw ``sub``.
    DemoUser("demo-learner-withheld", "", "", "", "", LEARNER_ROLES),
)


@dataclass(frozen=True)
class DemoCourse:
    context_id: str = "intervision-demo-course"
    title: str = "Intervision in practice (demo course)"
    label: str = "INTV-DEMO"
    home_link_id: str = "intervision-home"
    home_link_title: str = "Intervision"


@dataclass(frozen=True)
class DemoLmsSettings:
    """Everything the platform side needs; ``issuer`` is the LMS's own origin (no trailing /)."""

    issuer: str
    tool_base_url: str
    instance_path: Path
    client_id: str = "intervision-demo-client"
    deployment_id: str = "intervision-demo-deployment"
    site_dir: Path | None = None
    course: DemoCourse = field(default_factory=DemoCourse)
    users: tuple[DemoUser, ...] = DEMO_USERS
    # LTI Platform Storage, as Canvas offers it: the login names the course page's window
    # (``lti_storage_target=_parent``) and the page answers lti.put_data / lti.get_data.
    platform_storage: bool = False

    @property
    def tool_origin(self) -> str:
        parts = urlsplit(self.tool_base_url)
        return f"{parts.scheme}://{parts.netloc}"

    # --- the tool's endpoints (what a Moodle admin would paste in) ---
    @property
    def tool_login_url(self) -> str:
        return f"{self.tool_base_url}/lti/login"

    @property
    def tool_launch_url(self) -> str:
        return f"{self.tool_base_url}/lti/launch"

    @property
    def tool_jwks_url(self) -> str:
        return f"{self.tool_base_url}/.well-known/jwks.json"

    @property
    def tool_redirect_uris(self) -> tuple[str, ...]:
        """Exact-match allow-list for ``redirect_uri`` in the authorization request."""
        return (self.tool_launch_url,)

    # --- the LMS's own endpoints (what the tool registers) ---
    @property
    def auth_url(self) -> str:
        return f"{self.issuer}/auth"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/token"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"

    @property
    def course_url(self) -> str:
        return f"{self.issuer}/"

    @property
    def lineitems_url(self) -> str:
        return f"{self.issuer}/api/lineitems"

    def lineitem_url(self, item_id: str) -> str:
        return f"{self.lineitems_url}/{item_id}"

    @property
    def memberships_url(self) -> str:
        return f"{self.issuer}/api/memberships"

    @property
    def deep_link_return_url(self) -> str:
        return f"{self.issuer}/deep-link/return"

    @property
    def store_file(self) -> Path:
        return self.instance_path / "demo_lms.json"

    @property
    def key_file(self) -> Path:
        return self.instance_path / "demo_lms_private_key.pem"

    def user(self, sub: str) -> DemoUser | None:
        return next((user for user in self.users if user.sub == sub), None)

    def launchable_users(self, role: str) -> tuple[DemoUser, ...]:
        """Everyone who can launch as 'instructor' or 'learner', in roster order."""
        want_instructor = role == "instructor"
        return tuple(u for u in self.users if u.can_launch and u.is_instructor == want_instructor)

    def launchable_user(self, role: str, sub: str = "") -> DemoUser | None:
        """The person ``sub`` if they can launch in ``role``; without ``sub``, the first one."""
        people = self.launchable_users(role)
        if not sub:
            return people[0] if people else None
        return next((u for u in people if u.sub == sub), None)
