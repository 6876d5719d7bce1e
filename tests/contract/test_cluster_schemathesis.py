"""Schemathesis' CLI, all checks and phases (schemathesis.toml), against the scaled deployment: `cooud engine` and
`cooud serve --workers 2` (two processes on one port, the kernel spreading connections between them) on a fresh
PostgreSQL database, this machine's NATS, and Redis for the rate limiter and the signature replay guard — so every
request may land on either worker, and the shared state must make them behave as one service."""

from __future__ import annotations

import os
import sys
import uuid

import pytest
import redis

from tests.cluster_support import cluster, master_key_of, new_database, require_nats
from tests.contract.test_live_cli import run_schemathesis_cli
from tests.crash_support import ServerProcess

REDIS = "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.live


def test_schemathesis_cli_against_two_workers_on_postgresql_and_nats(tmp_path, monkeypatch):
    require_nats()
    prefix = f"cooud:test:{uuid.uuid4().hex}:"
    # Budgets x20 and a 1-second sign-in window, as for the single live server (tests/conftest.py says why); the
    # budgets are shared by both workers through Redis.
    for name, value in {"COOUD_RATE_LIMIT_STORE": REDIS, "COOUD_RATE_LIMIT_PREFIX": prefix + "rl:",
                        "COOUD_REPLAY_GUARD": REDIS, "COOUD_REPLAY_GUARD_PREFIX": prefix + "rg:",
                        "COOUD_RATE_LIMIT_SCALE": "20", "COOUD_LOGIN_WINDOW_S": "1"}.items():
        monkeypatch.setenv(name, value)
    try:
        with new_database(tmp_path, "postgresql") as database, cluster(tmp_path, database) as c:
            c.engine().wait_active()
            env = {k: v for k, v in c.env.items() if k.startswith(("COOUD_BUS", "COOUD_MASTER_KEY_FILE"))}
            workers = ServerProcess(database, tmp_path / "workers.log", extra_env=env,
                                    command=[sys.executable, "-m", "impl.cli", "serve", "--workers", "2"])
            workers.start()
            try:
                run_schemathesis_cli(workers.base, dict(os.environ, COOUD_DATABASE=database,
                                                        COOUD_MASTER_KEY_FILE=master_key_of(database)))
                served = workers.log_path.read_text()
                assert served.count("Application startup complete") == 2, served  # both workers served
            finally:
                workers.stop()
    finally:
        client = redis.Redis.from_url(REDIS)
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
        client.close()
