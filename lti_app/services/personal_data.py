"""A person's data: what the tool stores about them (the Data Privacy Launch, `intervision
person export`), and erasure on request (`intervision person erase`)."""

from __future__ import annotations

from typing import Any

from lti_app.domain.errors import NotFound
from lti_app.storage import db, personal_data_repo
from lti_app.storage.personal_data_repo import ErasureReport, PersonRef


def find_person(issuer: str, sub: str) -> PersonRef:
    """The tool's row for the platform's (issuer, sub); NotFound names what was looked for."""
    with db.transaction() as session:
        person = personal_data_repo.find_person(session, issuer.strip(), sub.strip())
    if person is None:
        raise NotFound(f"No person with sub {sub!r} from issuer {issuer!r} is stored here.")
    return person


def export_by_id(user_id: int) -> dict[str, Any]:
    """Everything stored about the person with this user row (for their own launch)."""
    with db.transaction() as session:
        person = personal_data_repo.person_by_id(session, user_id)
        if person is None:
            raise NotFound("Nothing is stored about you here.")
        return personal_data_repo.export_person(session, person)


def export(issuer: str, sub: str) -> dict[str, Any]:
    person = find_person(issuer, sub)
    with db.transaction() as session:
        return personal_data_repo.export_person(session, person)


def erase(issuer: str, sub: str) -> ErasureReport:
    """Erase in one write transaction: all of it or, on any error, nothing."""
    person = find_person(issuer, sub)
    with db.write_transaction() as session:
        return personal_data_repo.erase_person(session, person)
