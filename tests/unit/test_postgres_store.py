"""The PostgreSQL store beyond the store contract (tests/unit/test_store_contract.py runs that on it):

- `open_store` picks the store by the database setting: a postgresql:// or postgres:// URL is PostgreSQL, anything
  else a SQLite path; for a URL the master key defaults to var/master.key (nothing is "beside" a server) and the
  URL's password is masked where the database is shown;
- `migrate()` from several processes at once applies each migration exactly once (the advisory lock), and again
  applies nothing;
- connections the server dropped (a restart, a proxy's idle timeout) are replaced: the next calls succeed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
from pg_support import fresh_database

from impl.config import REPO_ROOT, Config
from impl.store import open_store
from impl.store.postgres import MIGRATIONS_DIR, PostgresStore
from impl.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]


def test_open_store_chooses_by_the_database_setting(tmp_path):
    with fresh_database() as url:
        for spelling in (url, url.replace("postgresql://", "postgres://", 1)):
            store = open_store(spelling)
            try:
                assert isinstance(store, PostgresStore) and store.list_markets() == []
            finally:
                store.close()
    store = open_store(str(tmp_path / "x.sqlite3"))
    assert isinstance(store, SQLiteStore)
    store.close()


def test_a_url_database_keeps_its_master_key_under_var_and_its_password_hidden(tmp_path):
    url = Config(database="postgresql://cooud:s3cret@db.internal:5432/cooud")
    assert url.master_key_path == str(REPO_ROOT / "var" / "master.key")
    assert url.database_shown == "postgresql://cooud:***@db.internal:5432/cooud"
    assert Config(database="postgresql://cooud@db/cooud", master_key_file="/k").master_key_path == "/k"
    path = Config(database=str(tmp_path / "db.sqlite3"))
    assert path.master_key_path == str(tmp_path / "master.key") and path.database_shown == path.database


MIGRATE = ("import sys, json; from impl.store.postgres import PostgresStore;"
           " print(json.dumps(PostgresStore(sys.argv[1]).migrate()))")


def test_concurrent_migrations_apply_each_script_once(tmp_path):
    with fresh_database(migrated=False) as url:
        procs = [subprocess.Popen([sys.executable, "-c", MIGRATE, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
                 for _ in range(4)]
        applied = [p.communicate(timeout=60)[0].strip() for p in procs]
        assert [p.returncode for p in procs] == [0] * 4
        scripts = sorted(p.name for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))
        lists = sorted((json.loads(a) for a in applied), key=len)
        assert lists == [[], [], [], scripts]  # one process applied everything; the others found it done
        with psycopg.connect(url) as conn:
            assert [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")] == scripts
        store = PostgresStore(url)
        try:
            assert store.migrate() == []
        finally:
            store.close()


def test_dropped_connections_are_replaced_without_failing_a_call():
    with fresh_database() as url:
        store = PostgresStore(url, pool_size=4)
        try:
            store.add_assets({"BTC": 8})
            with psycopg.connect(url, autocommit=True) as admin:
                dropped = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE"
                                        " application_name = 'cooud' AND datname = current_database()").fetchall()
            assert dropped  # the pool's idle connections, ended server-side
            for _ in range(8):
                assert store.list_assets() == {"BTC": 8}
        finally:
            store.close()
