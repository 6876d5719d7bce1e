"""PostgreSQL implementation of the store interface (`impl.domain.ports.Store`), for the scaled deployment
(`COOUD_DATABASE=postgresql://…`; impl/store/__init__.py `open_store`). It shows exactly the behaviour of SQLiteStore
(tests/store_contract.py runs against both).

Connections: a `psycopg_pool.ConnectionPool` shared by the calling threads (the engine's thread and the
run_blocking workers). Every method outside `transaction()` takes a pooled connection for one transaction, which
commits when the method returns and rolls back when it raises; so each method is atomic, as the ports require.
`transaction()` binds one pooled connection to the calling thread until it ends: the `write_trading` (and any other
call of that thread) inside it joins that one transaction, which commits durably (synchronous_commit) at exit.
The pool checks a connection (an empty query) before handing it out and replaces a dead one, so a server restart or
a dropped connection costs no failed call beyond those in flight at the moment. The writer guard has its own
connection, outside the pool (impl/store/postgres/writer.py).

Migrations: `migrations/NNNN_*.sql` (the PostgreSQL dialect of impl/store/migrations), applied once each, in order,
each in its own transaction, recorded in `schema_migrations`; `migrate()` holds a session-level advisory lock
while it runs, so processes that start together apply each migration once (the others wait, then find it done).
Schema (migrations/0001_schema.sql): SQLite's tables in PostgreSQL types, text keys in byte order (COLLATE "C"), and
no per-row foreign keys on postings and fills (the engine's bulk rows; the file says why). Integrity errors are
psycopg's own (e.g. `psycopg.errors.UniqueViolation`), as SQLite's are sqlite3's; a user clash is `AlreadyExists` in
both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg_pool import ConnectionPool

from impl.store.postgres.identity import IdentityTables
from impl.store.postgres.markets import MarketTables
from impl.store.postgres.trading import TradingTables
from impl.store.postgres.writer import WriterGuard, advisory_key

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATE_LOCK = advisory_key("cooud-migrate")


class PostgresStore(MarketTables, IdentityTables, TradingTables):
    """`url` is a libpq connection URL; `writer_group` names the single-writer guard (one engine per group)."""

    def __init__(self, url: str, *, pool_size: int = 16, writer_group: str = "main") -> None:
        self.url = url
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=True, name="cooud-store",
                                    kwargs={"application_name": "cooud"}, check=ConnectionPool.check_connection)
        self._local = threading.local()  # .conn: the connection of the calling thread's transaction()
        self._writer = WriterGuard(url, writer_group)

    # -- lifecycle -------------------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply pending migrations (under an advisory lock: safe when several processes start at once); returns the
        names applied by this call."""
        applied: list[str] = []
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATE_LOCK,))
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
                done = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
                for script in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
                    if script.name in done:
                        continue
                    with conn.transaction():
                        conn.execute(script.read_text())
                        conn.execute("INSERT INTO schema_migrations VALUES (%s, to_char(clock_timestamp() AT TIME"
                                     " ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))", (script.name,))
                    applied.append(script.name)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATE_LOCK,))
        return applied

    def close(self) -> None:
        self.release_writer()
        self._pool.close()

    # -- connections -----------------------------------------------------------------------------------------
    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection]:
        """The calling thread's `transaction()` connection when inside one, else a pooled connection whose block is
        one transaction (committed at exit, rolled back if it raises)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        with self._pool.connection() as conn:
            yield conn

    def _one(self, sql: str, args: Sequence = ()) -> tuple | None:
        with self._conn() as conn:
            return conn.execute(sql, args).fetchone()

    def _all(self, sql: str, args: Sequence = ()) -> list[tuple]:
        with self._conn() as conn:
            return conn.execute(sql, args).fetchall()

    def _count(self, sql: str, args: Sequence = ()) -> int:
        """Run one statement in its own transaction; the rows it changed."""
        with self._conn() as conn:
            return conn.execute(sql, args).rowcount

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction on one connection, bound to the calling thread: commits at exit, or nothing does.
        A nested call joins the outer one."""
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        with self._pool.connection() as conn:
            self._local.conn = conn
            try:
                yield
            finally:
                self._local.conn = None
