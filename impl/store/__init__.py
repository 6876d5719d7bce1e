"""Persistence behind the domain's store interface (`impl.domain.ports`). SQLite is the embedded default; PostgreSQL
(impl/store/postgres) serves the scaled deployment.

`open_store(database)` is the one way a store is opened from configuration (COOUD_DATABASE, `--database`): a
`postgresql://` or `postgres://` URL gives a PostgresStore (psycopg is imported only then), anything else is a SQLite
file path. Neither is migrated here: callers run `migrate()` when they mean to.
"""

from __future__ import annotations


def is_postgres_url(database: str) -> bool:
    return database.startswith(("postgresql://", "postgres://"))


def open_store(database: str):
    """The store for `database`: PostgresStore for a PostgreSQL URL, else SQLiteStore on that file path."""
    if is_postgres_url(database):
        from impl.store.postgres import PostgresStore

        return PostgresStore(database)
    from impl.store.sqlite import SQLiteStore

    return SQLiteStore(database)
