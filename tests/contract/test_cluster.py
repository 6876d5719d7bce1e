"""The scaled deployment (issue 13) on this machine's real NATS: `cooud engine` (active + standby) and `cooud serve`
workers as separate processes over one database (tests/cluster_support.py; each test its own prefix and database).

- Two workers, one engine: an order placed through worker A matches one placed through worker B; both answers
  say what the book did, and the balances are exact.
- SIGKILL of the active engine in the middle of a stream of orders: the standby takes over within seconds; every
  acknowledged order is stored once; retrying every order with its key acts once; `cooud ledger check` passes;
  the new engine's books equal the store's open orders.
- SIGKILL of a worker: its clients' retries through the other worker act once.
- An Idempotency-Key in flight on one worker (the engine paused with SIGSTOP) answers 409 on the other.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
import pytest

from tests.cluster_support import cluster, login, provision, require_nats

pytestmark = pytest.mark.live

ALICE, BOB = "alice@example.com", "bob@example.com"
FUNDS = {ALICE: {"BTC": "10", "USDT": "1000000"}, BOB: {"BTC": "10", "USDT": "1000000"}}


@pytest.fixture(autouse=True)
def _nats():
    require_nats()


def place(base: str, auth: dict, body: dict, key: str | None = None, timeout: float = 30) -> httpx.Response:
    return httpx.post(f"{base}/v1/orders", json=body, timeout=timeout,
                      headers={**auth, "Idempotency-Key": key or str(uuid.uuid4())})


def balances(base: str, auth: dict) -> dict[str, tuple[Decimal, Decimal]]:
    r = httpx.get(f"{base}/v1/wallet/balances", headers=auth, timeout=10)
    assert r.status_code == 200, r.text
    return {b["asset"]: (Decimal(b["free"]), Decimal(b["locked"])) for b in r.json()["data"]}


def test_an_order_through_worker_a_matches_one_through_worker_b(tmp_path):
    provision(tmp_path / "cooud.sqlite3", FUNDS)
    with cluster(tmp_path) as c:
        c.engine().wait_active()
        a, b = c.worker().base, c.worker().base
        alice, bob = login(a, ALICE), login(b, BOB)
        before = {ALICE: balances(a, alice), BOB: balances(b, bob)}
        r = place(a, alice, {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "60000.00",
                             "size": "0.50000"})
        assert r.status_code == 201, r.text + c.logs()
        assert r.json()["status"] == "open"
        r = place(b, bob, {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "60000.00",
                           "size": "0.20000"})
        assert r.status_code == 201, r.text
        taker = r.json()
        assert taker["status"] == "filled" and Decimal(taker["filled"]) == Decimal("0.2")
        fee = Decimal(taker["fee"])
        # The maker's order, read through the other worker, is partially filled.
        orders = httpx.get(f"{b}/v1/orders", headers=alice, params={"symbol": "BTC-USDT"}, timeout=10).json()["data"]
        assert [(o["status"], Decimal(o["filled"])) for o in orders] == [("partially_filled", Decimal("0.2"))]
        maker_fee = Decimal(orders[0]["fee"])
        after = {ALICE: balances(b, alice), BOB: balances(a, bob)}
        cost = Decimal("0.2") * Decimal("60000")
        assert after[BOB]["BTC"] == (before[BOB]["BTC"][0] + Decimal("0.2") - fee, Decimal(0))
        assert after[BOB]["USDT"] == (before[BOB]["USDT"][0] - cost, Decimal(0))
        assert after[ALICE]["BTC"] == (before[ALICE]["BTC"][0] - Decimal("0.5"), Decimal("0.3"))
        assert after[ALICE]["USDT"] == (before[ALICE]["USDT"][0] + cost - maker_fee, Decimal(0))
