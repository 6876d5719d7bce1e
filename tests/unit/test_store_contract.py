"""Runs the store contract (tests/store_contract.py) against every store implementation.

Another implementation joins by adding a factory to STORES: a no-argument callable returning a fresh, empty, migrated
store. PostgreSQL's gives each store its own database on the test server (tests/pg_support.py; skipped, with the
reason, only when that server is unreachable).
"""

from __future__ import annotations

import pytest

# The contract's tests and its `store` fixture (tests/ is on sys.path: pytest puts tests/conftest.py's folder there).
from pg_support import fresh_store
from store_contract import *  # noqa: F403

from impl.store.memory import MemoryStore
from impl.store.sqlite import SQLiteStore


def sqlite_store() -> SQLiteStore:
    store = SQLiteStore(":memory:")
    store.migrate()
    return store


STORES = {"sqlite": sqlite_store, "memory": MemoryStore, "postgres": fresh_store}


@pytest.fixture(scope="module", params=list(STORES.values()), ids=list(STORES))
def make_store(request):
    return request.param
