"""Core statements run straight on the connection's DBAPI cursor, for the sign-up hot path.

Every sign-up runs three statements while its session is locked (on SQLite: while every other
writer of the database waits). ``Connection.execute`` spends about 50 µs of Python on each,
around a driver call of about 10 µs: the compiled-cache look-up, the execution context, the
result object. A :class:`DriverStatement` is compiled by SQLAlchemy once per dialect (the
same SQL text ``execute`` sends), converts values with the columns' own types (their public
``bind_processor`` / ``result_processor``), and runs inside the connection's transaction, on
the same DBAPI connection, so ``begin``, ``commit``, the pool and every other statement stay
SQLAlchemy's. A driver error comes back as SQLAlchemy's exception class (``IntegrityError``,
``OperationalError``), as from ``execute``.

What it leaves out: the engine's ``before/after_cursor_execute`` events and its statement
log do not see these statements. ``tests/lti_app/storage/test_driver_statements.py`` checks,
on both databases, that they return exactly what ``execute`` returns.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ClauseElement

_Convert = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    """One statement compiled for one dialect."""

    sql: str
    names: tuple[str, ...]  # the bound values in the order the driver takes them
    positional: bool
    defaults: Mapping[str, Any]  # values the statement carries itself (a literal's bind)
    to_driver: Mapping[str, Callable[[Any], Any]]
    row: Callable[..., tuple[Any, ...]] | None  # None: the statement returns no rows
    from_driver: tuple[_Convert, ...]

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        def value(name: str) -> Any:
            found = values[name] if name in values else self.defaults[name]
            convert = self.to_driver.get(name)
            return convert(found) if convert is not None and found is not None else found

        if self.positional:
            return tuple(value(name) for name in self.names)
        return {name: value(name) for name in self.names}

    def rows(self, fetched: Sequence[Sequence[Any]]) -> list[Any]:
        assert self.row is not None
        make, converters = self.row, self.from_driver
        if not any(converters):
            return [make(*values) for values in fetched]
        return [
            make(*(to(v) if to else v for to, v in zip(converters, values, strict=True)))
            for values in fetched
        ]


class DriverStatement:
    """A Core statement (``select``, ``union_all``, ``text(...).columns(...)``) to run on the
    DBAPI cursor of a connection; rows come back as named tuples with the statement's column
    names, values converted as ``Connection.execute`` converts them."""

    def __init__(self, statement: ClauseElement, *, returns_rows: bool = True) -> None:
        self._statement = statement
        self._returns_rows = returns_rows
        self._plans: dict[str, _Plan] = {}
        self._lock = threading.Lock()

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[Any]:
        """Run it in ``connection``'s transaction with ``values`` bound; all its rows."""
        plan = self._plan(connection.dialect)
        parameters = plan.parameters(values)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(plan.sql, parameters)
            fetched = cursor.fetchall() if plan.row is not None else []
        except connection.dialect.loaded_dbapi.Error as error:
            _raise_as_sqlalchemy(connection, plan.sql, parameters, error, cursor)
        finally:
            cursor.close()
        return plan.rows(fetched) if plan.row is not None else []

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            with self._lock:
                plan = self._plans.get(dialect.name) or _compile(
                    self._statement, dialect, self._returns_rows
                )
                self._plans[dialect.name] = plan
        return plan


def _compile(statement: ClauseElement, dialect: Dialect, returns_rows: bool) -> _Plan:
    compiled: Any = statement.compile(dialect=dialect)
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup if positional else compiled.binds)
    binds = compiled.binds
    to_driver = {}
    for name in set(names):
        convert = binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            to_driver[name] = convert
    defaults = {name: binds[name].effective_value for name in binds if not binds[name].required}
    row: Callable[..., tuple[Any, ...]] | None = None
    from_driver: tuple[_Convert, ...] = ()
    if returns_rows:
        columns = list(statement.selected_columns)  # type: ignore[attr-defined]
        row = _row_type([column.key for column in columns])
        from_driver = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        )
    return _Plan(compiled.string, names, positional, defaults, to_driver, row, from_driver)


def _row_type(names: list[str]) -> Callable[..., tuple[Any, ...]]:
    """Rows with the statement's column names as attributes, as ``Row`` has them."""
    return namedtuple("DriverRow", names)  # type: ignore[misc]


def _raise_as_sqlalchemy(
    connection: Connection, sql: str, parameters: Any, error: Any, cursor: Any
) -> None:
    """The driver's error as ``Connection.execute`` raises it; a lost connection is
    invalidated, so the pool does not hand it out again."""
    dialect = connection.dialect
    lost = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    wrapped = DBAPIError.instance(
        sql,
        parameters,
        error,
        dialect.loaded_dbapi.Error,
        connection_invalidated=lost,
        dialect=dialect,
    )
    if lost:
        connection.invalidate(error)
    raise wrapped from error
