"""The busiest pages' statements, run straight on the database driver's cursor.

Every question page, every answer and every feedback page runs the same few statements. Around
each of them SQLAlchemy's execution does more work than the driver: on PostgreSQL about 100 µs
of CPU per statement (an execution context, a result object, and psycopg describing every column
of the cursor for it), as much as the database server spends running it. A ``DriverStatement``
is an ordinary Core statement, compiled by SQLAlchemy once per dialect (the same SQL text it
would send, so PostgreSQL's prepared statement is shared), run on the connection's DBAPI cursor,
with SQLAlchemy's own type conversions applied to its parameters and to the columns it returns.

What it keeps of SQLAlchemy's execution:

- the transaction: a statement on a connection with none begins one first, as SQLAlchemy's
  autobegin would, so the begin hooks run (SQLite's begin modes and writers' queue, see
  quizapp.db) and the request's commit or rollback ends it; on a connection in autocommit
  (PostgreSQL's reads) there is nothing to begin, and none is;
- the ``before_cursor_execute`` and ``after_cursor_execute`` events (what the tests record,
  and their check for writes in reads);
- errors: a driver error is raised as SQLAlchemy's own (``IntegrityError``,
  ``OperationalError``...), and a connection the server dropped is invalidated.

On PostgreSQL a statement keeps its cursor on each connection and runs on it again (psycopg then
keeps what it worked out for the statement's parameters and columns).

What it leaves out: result objects (rows are tuples), and echo logs only the SQL. The
event hooks get no execution context, and what a ``retval=True`` hook returns is not used.
Statements that need SQLAlchemy at execution are refused: parameters it expands or renders then
(``IN`` lists, literal binds) or renames, and column defaults it computes in Python (give every
column its value). Types whose result conversion depends on the driver's column type (psycopg's
``Numeric``) fail when first compiled. Only the driver's own errors are turned into SQLAlchemy's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None
#: Key in a connection's ``info`` of its kept cursors (see DriverStatement._cursor).
_CURSORS = "quizapp_driver_cursors"


@dataclass(frozen=True, slots=True)
class _Bind:
    #: The parameter's key in the SQL text.
    key: str
    #: The caller's parameter it takes, or None for a value fixed in the statement.
    name: str | None
    value: Any
    process: Processor


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement compiled for one dialect: its SQL text, how to build its parameters, how to
    convert its columns."""

    sql: str
    positional: bool
    binds: tuple[_Bind, ...]
    columns: tuple[Processor, ...]

    def arguments(self, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        values = (
            (b.key, b.value if b.name is None else params[b.name], b.process) for b in self.binds
        )
        if self.positional:
            return tuple(v if p is None else p(v) for _, v, p in values)
        return {k: v if p is None else p(v) for k, v, p in values}

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(v if p is None else p(v) for p, v in zip(self.columns, raw, strict=True))


def _compile(statement: sa.Executable, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    if (
        getattr(compiled, "has_out_parameters", False)
        or any(b.expanding for b in compiled.binds.values())
        or compiled.literal_execute_params
        or compiled.post_compile_params
        or compiled.escaped_bind_names
    ):
        raise ValueError("a driver statement cannot expand or rename parameters at execution")
    if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
        raise ValueError(
            "a driver statement must give every column its value: it runs no Python-side defaults"
        )
    keys = compiled.positiontup if compiled.positional else list(compiled.binds)
    binds = []
    for key in keys or ():
        bind = compiled.binds[key]
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if bind.required:
            binds.append(_Bind(key, bind.key, None, process))
        else:
            binds.append(_Bind(key, None, bind.effective_value, process))
    columns = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in getattr(statement, "exported_columns", ())
    )
    return _Compiled(str(compiled), compiled.positional, tuple(binds), columns)


class DriverStatement:
    """``statement`` (built once at import, never changed), run on the driver's cursor: see the
    module. It takes a Connection, or a Session (it runs on the session's connection, in the
    session's transaction)."""

    def __init__(self, statement: sa.Executable) -> None:
        self.statement = statement
        self._by_dialect: dict[tuple[str, str, tuple | None], _Compiled] = {}

    def _compiled(self, dialect: Dialect) -> _Compiled:
        # The server's version can change what a dialect renders (SQLite's RETURNING).
        key = (dialect.name, dialect.driver, dialect.server_version_info)
        found = self._by_dialect.get(key)
        if found is None:
            found = self._by_dialect[key] = _compile(self.statement, dialect)
        return found

    def first(self, db: Session | sa.Connection, params: Mapping[str, Any]) -> tuple | None:
        """The first row, or None."""
        rows = self._run(db, params, fetch=1)
        return rows[0] if rows else None

    def scalar(self, db: Session | sa.Connection, params: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        row = self.first(db, params)
        return None if row is None else row[0]

    def all(self, db: Session | sa.Connection, params: Mapping[str, Any]) -> list[tuple]:
        """Every row."""
        return self._run(db, params, fetch=-1)

    def execute(self, db: Session | sa.Connection, params: Mapping[str, Any]) -> None:
        """Run a statement that returns nothing."""
        self._run(db, params, fetch=0)

    def execute_many(self, db: Session | sa.Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """Run a statement that returns nothing once for each parameter set in ``rows``."""
        self._run(db, rows, fetch=0, many=True)

    def _cursor(self, conn: sa.Connection, dbapi_connection: Any) -> tuple[Any, bool]:
        """A cursor for this statement on ``conn``, and whether it is kept. PostgreSQL: one per
        statement and connection, kept in the connection's ``info`` (which goes with it when it
        is closed or invalidated) and used again: psycopg then keeps what it worked out for the
        statement's parameters and columns. SQLite: a new one each time."""
        if conn.dialect.name != "postgresql":
            return dbapi_connection.cursor(), False
        cursors = conn.info.setdefault(_CURSORS, {})
        cursor = cursors.get(self)
        if cursor is None or cursor.closed:
            cursor = cursors[self] = dbapi_connection.cursor()
        return cursor, True

    def _run(self, db: Session | sa.Connection, params: Any, fetch: int, many: bool = False):
        conn = db.connection() if isinstance(db, Session) else db
        compiled = self._compiled(conn.dialect)
        if many:  # first, so that a missing parameter fails before any BEGIN (and lock)
            arguments: Any = [compiled.arguments(p) for p in params]
        else:
            arguments = compiled.arguments(params)
        # (SQLAlchemy connects again here if the server dropped the connection)
        dbapi_connection = conn.connection.dbapi_connection
        if not conn.in_transaction() and not _in_autocommit(conn, dbapi_connection):
            conn.begin()  # as autobegin: the begin hooks run
        sql = compiled.sql
        if conn.engine.echo:  # QUIZAPP_SQL_ECHO: shown as SQLAlchemy shows its own statements
            conn.engine.logger.info("%s\n[driver statement; parameters hidden]", sql)
        cursor, kept = self._cursor(conn, dbapi_connection)
        try:
            for hook in conn.dispatch.before_cursor_execute:
                hook(conn, cursor, sql, arguments, None, many)
            try:
                if many:
                    cursor.executemany(sql, arguments)
                else:
                    cursor.execute(sql, arguments)
                if fetch == 1:
                    raw = cursor.fetchone()
                    rows = [] if raw is None else [raw]
                elif fetch:
                    rows = cursor.fetchall()
                else:
                    rows = []
            except conn.dialect.loaded_dbapi.Error as exc:
                raise _as_sqlalchemy_error(conn, cursor, exc, sql, arguments, many) from exc
            for hook in conn.dispatch.after_cursor_execute:
                hook(conn, cursor, sql, arguments, None, many)
        except BaseException:
            cursor.close()  # a kept one is replaced at its next use
            raise
        if not kept:
            cursor.close()  # SQLite: an unfinished SELECT would keep its snapshot open
        return [compiled.row(r) for r in rows]


def _in_autocommit(conn: sa.Connection, dbapi_connection: Any) -> bool:
    """PostgreSQL reads (see quizapp.db): each statement is its own transaction on the server,
    so none is begun here (SQLAlchemy's would be a BEGIN and ROLLBACK it only pretends to send).
    The driver's own flag says so: a connection SQLAlchemy replaced after the server dropped it is
    in the pool's default mode, whatever the options say."""
    return conn.dialect.name == "postgresql" and dbapi_connection.autocommit


def _as_sqlalchemy_error(
    conn: sa.Connection, cursor: Any, exc: Exception, sql: str, arguments: Any, many: bool
) -> sa.exc.StatementError:
    """The error SQLAlchemy would raise for ``exc``; a connection the server dropped is
    invalidated first, so the pool replaces it."""
    dialect = conn.dialect
    dropped = dialect.is_disconnect(exc, conn.connection.dbapi_connection, cursor)
    if dropped:
        conn.invalidate(exc)
    return sa.exc.DBAPIError.instance(
        sql,
        arguments,
        exc,
        dialect.loaded_dbapi.Error,
        hide_parameters=conn.engine.hide_parameters,  # a session token is among them
        connection_invalidated=dropped,
        dialect=dialect,
        ismulti=many,
    )
