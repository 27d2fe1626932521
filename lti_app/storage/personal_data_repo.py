"""Everything the tool stores about one person, found from the schema itself.

A row belongs to a person when one of its columns is a foreign key to ``lti_user.id``
(``user_id``, ``author_id``, ``rater_id``, ``moderator_id`` ...), so a table added by a later
feature is exported and erased without anyone remembering to list it here; scores waiting
for the LMS are found by the platform's ``sub`` (the outbox has no user row). Export reads
those rows; erasure keeps every row (so counts, seats and completions add up as before) and
removes names, the address, the platform's id and every text the person wrote or that was
written about them in those rows.
"""

from __future__ import annotations

import importlib
import pkgutil
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Table, Text, delete, or_, select, update
from sqlalchemy.orm import Session

import lti_app.storage as storage_package
from lti_app.storage.models import Base, LtiUser, Tenant
from lti_app.storage.outbox_models import STATUS_FAILED, STATUS_PENDING, ScoreOutboxEntry

SECRET_COLUMNS = frozenset({"token_hash", "pseudonym_key", "private_pem", "client_token"})
"""Credentials and keys: never exported (they are ours, not the person's data)."""
DELETED_ON_ERASURE = frozenset({"calendar_feed_token"})
"""Rows that only serve the person (a private feed URL): deleted, not blanked."""
ERASED_SUB_PREFIX = "erased-"


def load_all_models() -> None:
    """Import ``models`` and every ``*_models`` module, so the metadata has every table."""
    for module in pkgutil.iter_modules(storage_package.__path__):
        if module.name == "models" or module.name.endswith("_models"):
            importlib.import_module(f"{storage_package.__name__}.{module.name}")


def person_columns() -> dict[Table, tuple[Column[Any], ...]]:
    """Every table with columns naming a person (foreign keys to ``lti_user.id``)."""
    load_all_models()
    found: dict[Table, tuple[Column[Any], ...]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name == LtiUser.__tablename__:
            continue
        columns = tuple(
            fk.parent for fk in table.foreign_keys if fk.column.table.name == "lti_user"
        )
        if columns:
            found[table] = columns
    return found


@dataclass(frozen=True, slots=True)
class PersonRef:
    user_id: int
    issuer: str
    sub: str


def find_person(session: Session, issuer: str, sub: str) -> PersonRef | None:
    row = session.execute(
        select(LtiUser.id, LtiUser.issuer, LtiUser.sub).where(
            LtiUser.issuer == issuer, LtiUser.sub == sub
        )
    ).first()
    return PersonRef(row.id, row.issuer, row.sub) if row is not None else None


def person_by_id(session: Session, user_id: int) -> PersonRef | None:
    user = session.get(LtiUser, user_id)
    return PersonRef(user.id, user.issuer, user.sub) if user is not None else None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row_dict(table: Table, row: Any) -> dict[str, Any]:
    return {
        column.name: _plain(row._mapping[column])
        for column in table.columns
        if column.name not in SECRET_COLUMNS
    }


def _outbox_filter(person: PersonRef) -> Any:
    tenants = select(Tenant.id).where(Tenant.issuer == person.issuer)
    return (ScoreOutboxEntry.user_sub == person.sub) & ScoreOutboxEntry.tenant_id.in_(tenants)


def export_person(session: Session, person: PersonRef) -> dict[str, Any]:
    """The person's own row and every row that names them, by table (JSON-ready)."""
    user = session.get(LtiUser, person.user_id)
    assert user is not None
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, columns in person_columns().items():
        rows = session.execute(
            select(table).where(or_(*(column == person.user_id for column in columns)))
        ).all()
        if rows:
            tables[table.name] = [_row_dict(table, row) for row in rows]
    outbox = cast_table(ScoreOutboxEntry)
    scores = session.execute(select(outbox).where(_outbox_filter(person))).all()
    if scores:
        tables[outbox.name] = [_row_dict(outbox, row) for row in scores]
    return {
        "person": {
            "issuer": user.issuer,
            "sub": user.sub,
            "name": user.name,
            "email": user.email,
            "locale": user.locale,
            "updated_at": _plain(user.updated_at),
        },
        "tables": tables,
    }


def cast_table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


@dataclass(slots=True)
class ErasureReport:
    rows_kept: dict[str, int] = field(default_factory=dict)
    texts_removed: int = 0
    rows_deleted: dict[str, int] = field(default_factory=dict)
    scores_stopped: int = 0


def _rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched (a CursorResult's count; typed loosely by SQLAlchemy)."""
    return int(getattr(result, "rowcount", 0) or 0)


def _text_columns(table: Table) -> list[Column[Any]]:
    return [column for column in table.columns if isinstance(column.type, Text)]


def erase_person(session: Session, person: PersonRef) -> ErasureReport:
    """Remove the person's name, address and platform id, and every text in rows naming
    them; keep the rows themselves, so aggregate counts do not change. Idempotent."""
    report = ErasureReport()
    for table, columns in person_columns().items():
        mine = or_(*(column == person.user_id for column in columns))
        if table.name in DELETED_ON_ERASURE:
            deleted = session.execute(delete(table).where(mine))
            report.rows_deleted[table.name] = _rowcount(deleted)
            continue
        count = len(session.execute(select(table.c[columns[0].name]).where(mine)).all())
        if not count:
            continue
        report.rows_kept[table.name] = count
        for column in _text_columns(table):
            blank = None if column.nullable else ""
            changed = session.execute(
                update(table)
                .where(mine, column != "", column.is_not(None))
                .values({column.name: blank})
            )
            report.texts_removed += _rowcount(changed)
    erased_sub = ERASED_SUB_PREFIX + secrets.token_hex(12)
    outbox = cast_table(ScoreOutboxEntry)
    stopped = session.execute(
        update(outbox)
        .where(_outbox_filter(person), outbox.c.status == STATUS_PENDING)
        .values(status=STATUS_FAILED, last_error="not sent: the person's data was erased")
    )
    report.scores_stopped = _rowcount(stopped)
    session.execute(
        update(outbox).where(_outbox_filter(person)).values(user_sub=erased_sub, comment=None)
    )
    session.execute(
        update(LtiUser)
        .where(LtiUser.id == person.user_id)
        .values(name=None, email=None, locale=None, sub=erased_sub)
    )
    return report
