"""The demo listings are seeded once even when several processes start together on an empty database (the first
start of a scaled deployment: engine, standby and workers at once) — SQLite and PostgreSQL, each racer on a store
of its own, as separate processes would be."""

from __future__ import annotations

import threading

import pytest

from impl import demo
from impl.store import open_store


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "db.sqlite3")
    else:
        from pg_support import fresh_database

        with fresh_database(migrated=True) as url:
            yield url


def test_racing_first_starts_seed_once(database):
    stores = [open_store(database) for _ in range(4)]
    try:
        stores[0].migrate()
        start, results, errors = threading.Barrier(len(stores)), [], []

        def seed(store):
            start.wait()
            try:
                results.append(demo.seed_if_empty(store))
            except Exception as exc:  # noqa: BLE001 — any failure of a racer is the finding
                errors.append(exc)

        racers = [threading.Thread(target=seed, args=(store,)) for store in stores]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(timeout=30)
        assert errors == [] and sorted(results) == [False, False, False, True]
        assert [m.symbol for m in stores[0].list_markets()] == [m.symbol for m in demo.MARKETS]
        assert stores[0].list_assets() == dict(sorted(demo.ASSETS.items()))
        assert demo.seed_if_empty(stores[1]) is False
    finally:
        for store in stores:
            store.close()
