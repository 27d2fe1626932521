"""Admin-issued dynamic registration links: single use, expiring, optionally for one issuer.

Why: dynamic registration creates a platform that may launch the tool, so open registration
lets anyone on the internet become "a registered platform". By default the tool accepts it
only through a link made by ``intervision platform invite`` (``/lti/register/<secret>``);
``INTERVISION_OPEN_REGISTRATION=1`` turns plain ``/lti/register`` back on. Either way an issuer
the tool already knows may be registered again only through a link that names it.

An issuer is compared as a URL, scheme, host and port included: ``https://lms:8443`` is another
platform than ``https://lms`` (another service, perhaps another owner, on the same host).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask

from lti_app.i18n import gettext
from lti_app.lti.dynamic_registration import (
    MAX_ISSUER_LENGTH,
    DynamicRegistrationError,
    PlatformConfiguration,
    RegistrationResult,
    platform_registration,
)
from lti_app.storage import db, invites_repo, registrations_repo
from lti_app.storage.invites_repo import InviteRecord

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
DEFAULT_LIFETIME = "7d"
MAX_LIFETIME = timedelta(days=90)
LIFETIME_PATTERN = re.compile(r"^\s*(\d{1,5})\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_DEFAULT_PORTS = {"https": 443, "http": 80}
INVITE_COMMAND = "intervision platform invite"


class RegistrationRefused(DynamicRegistrationError):
    """A refusal about who may register (not about the platform's answers)."""

    status = 403
    title = "Registration needs a link from the administrator"
    hint = (  # a literal, so the catalogue finds it (lti_app/i18n/extract.py)
        "Ask the administrator of this tool for a registration link "
        "(`intervision platform invite`), then start the registration again from your LMS."
    )


class InviteUnknown(RegistrationRefused):
    status = 404
    title = "This registration link is not known"


class InviteSpent(RegistrationRefused):
    status = 410
    title = "This registration link can no longer be used"


@dataclass(frozen=True)
class IssuedInvite:
    token: str
    url: str
    record: InviteRecord


def parse_lifetime(text: str) -> timedelta:
    """``30m``, ``12h``, ``7d``: at least a minute, at most 90 days."""
    match = LIFETIME_PATTERN.match(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a duration; write it like 30m, 12h or 7d.")
    lifetime = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if lifetime < timedelta(minutes=1) or lifetime > MAX_LIFETIME:
        raise ValueError(f"{text!r} must be between 1 minute and 90 days.")
    return lifetime


def canonical_issuer(issuer: str) -> str:
    """The issuer as a URL for comparisons: scheme and host lower case, the default port
    dropped, any other port kept, no trailing slash. ValueError when it is not an http(s) URL."""
    parts = urlsplit(issuer.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"{issuer!r} is not an http(s) URL without query or fragment.")
    port = parts.port  # ValueError for a port that is not a number
    netloc = parts.hostname.lower()
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def same_issuer(one: str, other: str) -> bool:
    try:
        return canonical_issuer(one) == canonical_issuer(other)
    except ValueError:
        return one == other


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def invite_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/lti/register/{token}"


def issue_invite(
    app: Flask, *, issuer: str | None, lifetime: timedelta, now: datetime
) -> IssuedInvite:
    """Store a new invite; the returned token is shown once and never stored."""
    if issuer is not None:
        canonical_issuer(issuer)  # ValueError before anything is stored
        if len(issuer) > MAX_ISSUER_LENGTH:
            raise ValueError(f"an issuer has at most {MAX_ISSUER_LENGTH} characters.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with db.write_transaction(app) as session:
        record = invites_repo.add_invite(
            session,
            token_hash=hash_token(token),
            issuer=issuer,
            created_at=now,
            expires_at=now + lifetime,
        )
    return IssuedInvite(token, invite_url(app.config["BASE_URL"], token), record)


def usable_invite(token: str, now: datetime, app: Flask | None = None) -> InviteRecord:
    """The invite behind a link, or the refusal that says what is wrong with the link."""
    found = None
    if TOKEN_PATTERN.match(token):
        with db.transaction(app) as session:
            found = invites_repo.find_invite(session, hash_token(token))
    if found is None:  # unknown, mistyped or made up: the same answer for all three
        raise InviteUnknown(
            gettext(
                "This registration link is not one the tool issued (check that it was copied "
                "whole). Ask the administrator of this tool for a new one."
            )
        )
    if found.used_at is not None:
        raise InviteSpent(
            gettext(
                "This registration link has already been used; each link registers one "
                "platform once. Ask the administrator of this tool for a new one."
            )
        )
    if found.is_expired(now):
        raise InviteSpent(
            gettext(
                "This registration link expired on %(expired)s UTC. Ask the administrator of "
                "this tool for a new one.",
                expired=found.expires_at.strftime("%Y-%m-%d %H:%M"),
            )
        )
    return found


def needs_invite() -> RegistrationRefused:
    return RegistrationRefused(
        gettext(
            "This tool accepts dynamic registration only through a registration link from its "
            "administrator, made with `%(command)s` on the tool's server. Enter that link "
            "in your LMS as the tool's registration URL.",
            command=INVITE_COMMAND,
        )
    )


def _issuer_refusal(issuer: str, client_ids: list[str]) -> RegistrationRefused:
    return RegistrationRefused(
        gettext(
            "The platform %(issuer)s is already registered with this tool (client id "
            "%(client_ids)s). Registering it again needs a link that names it: "
            "`%(command)s --issuer %(issuer)s`.",
            issuer=issuer,
            client_ids=", ".join(client_ids),
            command=INVITE_COMMAND,
        )
    )


def check_may_register(
    invite: InviteRecord | None,
    platform: PlatformConfiguration,
    app: Flask | None = None,
) -> None:
    """Before the tool asks the platform for a client id: the link fits this platform, and a
    known issuer comes with a link that names it (the platform would otherwise create a
    registration on its side that the tool then refuses)."""
    if invite is not None and invite.issuer is not None:
        if not same_issuer(invite.issuer, platform.issuer):
            raise RegistrationRefused(
                gettext(
                    "This registration link is for the platform %(invited)s, but the LMS "
                    "presented itself as %(issuer)s. Ask the administrator of this tool "
                    "for a link for this platform.",
                    invited=invite.issuer,
                    issuer=platform.issuer,
                )
            )
        return
    with db.transaction(app) as session:
        known = invites_repo.registered_issuers(session)
    client_ids = [client for issuer, client in known if same_issuer(issuer, platform.issuer)]
    if client_ids:
        raise _issuer_refusal(platform.issuer, client_ids)


def claim(invite: InviteRecord, now: datetime, app: Flask | None = None) -> None:
    with db.write_transaction(app) as session:
        claimed = invites_repo.claim_invite(session, invite.id, now)
    if not claimed:
        raise InviteSpent(
            gettext(
                "This registration link was used by another registration a moment ago. Ask "
                "the administrator of this tool for a new one."
            )
        )


def release(invite: InviteRecord, app: Flask | None = None) -> None:
    with db.write_transaction(app) as session:
        invites_repo.release_invite(session, invite.id)


def save_registration(
    platform: PlatformConfiguration,
    result: RegistrationResult,
    invite: InviteRecord | None,
    app: Flask | None = None,
) -> list[str]:
    """Store the registration; in the same transaction, an issuer already registered under
    another client id is accepted only with a link naming it (the check before the platform
    call may have raced with another registration)."""
    with db.write_transaction(app) as session:
        if invite is None or invite.issuer is None:
            others = [
                client
                for issuer, client in invites_repo.registered_issuers(session)
                if same_issuer(issuer, platform.issuer) and client != result.client_id
            ]
            if others:
                raise _issuer_refusal(platform.issuer, others)
        record = registrations_repo.upsert_registration(
            session, platform_registration(platform, result), when_known="add_deployments"
        )
        if invite is not None:
            invites_repo.record_use(session, invite.id, platform.issuer, result.client_id)
    return list(record.deployment_ids)


def list_invites(app: Flask | None = None) -> list[InviteRecord]:
    with db.transaction(app) as session:
        return invites_repo.list_invites(session)
