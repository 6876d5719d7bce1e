"""Shared fixtures: a real app on a fresh SQLite file with response validation on, and a test client."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from impl.app import create_app
from impl.config import Config


@pytest.fixture
def config(tmp_path) -> Config:
    return Config(database=str(tmp_path / "cooud.sqlite3"), validate_responses=True)


@pytest.fixture
def app(config):
    return create_app(config)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


class LiveServer(str):
    """The live server's base URL (`http://127.0.0.1:PORT`, a plain str for `f"{live_server}/v1/..."`) that also
    carries `.database`, its SQLite file, for provisioning with the operator CLI (`COOUD_DATABASE=...`)."""

    database: str


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """`make run` on a free port over a database holding a few recorded BTC/USDT trades; yields a `LiveServer`."""
    import time

    from impl import demo
    from impl.domain.model import Trade
    from impl.ids import ulid
    from impl.store.sqlite import SQLiteStore
    from tests.live import running_server

    root = tmp_path_factory.mktemp("live")
    store = SQLiteStore(str(root / "cooud.sqlite3"))
    store.migrate()
    demo.seed_if_empty(store)
    now = int(time.time() * 1000)
    store.record_trades([
        Trade(f"trd_{ulid(now - 120_000)}", "BTC/USDT", 6_150_000, 20_000, "buy", now - 120_000),
        Trade(f"trd_{ulid(now - 60_000)}", "BTC/USDT", 6_149_000, 5_000, "sell", now - 60_000),
    ])
    store.close()
    # Budgets x20: schemathesis' CLI run sends a few thousand requests from 127.0.0.1 within a minute or two
    # (schemathesis.toml obeys the limiter's Retry-After; the limiter and its headers stay on). Sign-in throttling
    # with a 1-second window, for the same reason (tests/contract/test_schemathesis.py says more).
    with running_server(root / "cooud.sqlite3", root / "server.log", COOUD_RATE_LIMIT_SCALE="20",
                        COOUD_LOGIN_WINDOW_S="1") as base:
        server = LiveServer(base)
        server.database = str(root / "cooud.sqlite3")
        yield server
