"""`cooud serve` on PostgreSQL (COOUD_DATABASE=postgresql://…, a fresh database of its own; tests/pg_support.py):
the service (in-process engine, embedded bus) migrates and seeds the empty database, the operator CLI provisions
accounts beside it (`cooud deposit` reaching the running engine through its operator inbox, since the guard is
held), orders placed through HTTP by two accounts match, a second `cooud serve` is refused, and `cooud ledger
check` passes on the URL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from pg_support import fresh_database

from tests.live import free_port, running_server

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    """`cooud …` from this checkout (not whatever the console script points at)."""
    return subprocess.run([sys.executable, "-m", "impl.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def place(base: str, token: str, side: str, price: str, size: str) -> dict:
    answer = httpx.post(f"{base}/v1/orders", timeout=30,
                        json={"symbol": "BTC/USDT", "side": side, "type": "limit", "price": price, "size": size},
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_cooud_serve_trades_on_postgresql(tmp_path):
    with fresh_database(migrated=False) as url:
        settings = {"COOUD_MASTER_KEY_FILE": str(tmp_path / "master.key"), "COOUD_LOG_LEVEL": "warning"}
        env = {"COOUD_DATABASE": url, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **settings}
        with running_server(url, tmp_path / "server.log", command=[sys.executable, "-m", "impl.cli", "serve"],
                            **settings) as base:
            second = cli({**env, "COOUD_PORT": str(free_port())}, "serve")
            assert second.returncode == 1
            assert "already trading" in json.loads(second.stderr.strip().splitlines()[-1])["error"]
            tokens = {}
            for who, asset, amount in (("maker", "BTC", "2"), ("taker", "USDT", "200000")):
                email = f"{who}@example.com"
                created = cli(env, "user", "create", "--email", email, "--password", PASSWORD)
                assert created.returncode == 0, created.stderr
                deposited = cli(env, "deposit", "--email", email, "--asset", asset, "--amount", amount)
                assert deposited.returncode == 0, deposited.stderr
                login = httpx.post(f"{base}/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=10)
                assert login.status_code == 200, login.text
                tokens[who] = login.json()["access_token"]
            ask = place(base, tokens["maker"], "sell", "60000.00", "0.5")
            assert ask["status"] == "open"
            bid = place(base, tokens["taker"], "buy", "60000.00", "0.2")
            assert (bid["status"], bid["filled"]) == ("filled", "0.20000")
            book = httpx.get(f"{base}/v1/markets/BTC-USDT/orderbook", timeout=10).json()
            assert book["asks"] == [["60000.00", "0.30000"]] and book["bids"] == []
            fills = httpx.get(f"{base}/v1/fills", headers={"Authorization": f"Bearer {tokens['maker']}"},
                              timeout=10).json()["data"]
            assert [(f["order_id"], f["size"], f["liquidity"]) for f in fills] == [(ask["id"], "0.20000", "maker")]
        check = cli(env, "ledger", "check")
        assert check.returncode == 0, check.stdout + check.stderr
        assert json.loads(check.stdout)["ok"] is True
