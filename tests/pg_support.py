"""Fresh PostgreSQL databases for tests, on the server named by COOUD_TEST_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/postgres, the machine's and CI's PostgreSQL).

`pg_server()` is that server's admin URL, or a pytest skip (with the reason) when it cannot be reached — the only
case in which PostgreSQL tests skip. `fresh_database()` creates `cooud_t_<random>` (from a template that is migrated
once per test process, so a fresh store costs a CREATE DATABASE, ~20 ms) and yields its URL; it is dropped
afterwards WITH (FORCE), which ends any session a test left open. `fresh_store()` is a migrated `PostgresStore` on a
fresh database that drops its database when closed (for the store contract's per-example factories).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
_template: str | None = None
_template_lock = threading.Lock()
_reachable: set[str] = set()


def pg_server() -> str:
    """The admin URL of the test server; skips the calling test when it is unreachable."""
    import psycopg

    url = os.environ.get("COOUD_TEST_POSTGRES") or DEFAULT_SERVER
    if url in _reachable:
        return url
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {url} is unreachable ({str(exc).strip().splitlines()[0]}); set "
                    "COOUD_TEST_POSTGRES to a server this test may create databases on")
    _reachable.add(url)
    return url


def database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql)


def _migrated_template(server: str) -> str:
    """A database migrated once per test process, copied by each fresh database (dropped at exit)."""
    global _template
    with _template_lock:
        if _template is None:
            import atexit

            from impl.store.postgres import PostgresStore

            name = f"cooud_t_tpl_{secrets.token_hex(6)}"
            _admin(server, f"CREATE DATABASE {name}")
            store = PostgresStore(database_url(server, name), pool_size=1)
            try:
                store.migrate()
            finally:
                store.close()
            atexit.register(_admin, server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            _template = name
        return _template


def create_database(server: str, migrated: bool = True) -> str:
    """A new empty database (migrated from the template, or bare); returns its URL."""
    name = f"cooud_t_{secrets.token_hex(8)}"
    template = f" TEMPLATE {_migrated_template(server)}" if migrated else ""
    _admin(server, f"CREATE DATABASE {name}{template}")
    return database_url(server, name)


def drop_database(url: str) -> None:
    server = os.environ.get("COOUD_TEST_POSTGRES") or DEFAULT_SERVER
    _admin(server, f"DROP DATABASE IF EXISTS {urlsplit(url).path.lstrip('/')} WITH (FORCE)")


@contextlib.contextmanager
def fresh_database(migrated: bool = True) -> Iterator[str]:
    url = create_database(pg_server(), migrated)
    try:
        yield url
    finally:
        drop_database(url)


def fresh_store(**options):
    """A migrated PostgresStore on its own new database, which is dropped when the store is closed."""
    from impl.store.postgres import PostgresStore

    class _Disposable(PostgresStore):
        def close(self) -> None:
            try:
                super().close()
            finally:
                drop_database(self.url)

    store = _Disposable(create_database(pg_server()), **options)
    store.migrate()
    return store
