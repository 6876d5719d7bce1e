"""Crash safety of spot trading: a real server process (`make run`, tests/crash_support.py) is SIGKILLed while two
accounts stream crossing orders at it, and restarted on the same SQLite file.

The run (module fixture `crash`): a fresh database with two funded accounts; one client thread per account places
GTC limit orders (and some IOC limits and market orders) around 60000 USDT on both sides, so that the accounts
trade with each other (and self-trade prevention cancels their own resting orders now and then). Every 201 body
is recorded: that is what the server acknowledged. After a seeded random 0.5–2 s the whole server process group
gets SIGKILL; the threads record the request each had in flight (no answer). The server is started again on the
same database. Then:
- every acknowledged order is there, unchanged where it had ended and with the same status or a later one (and at
  least as much filled) where it was open; no order exists that was neither acknowledged nor in flight;
- every order's fills add up to its filled size, quote amount (average price) and fee; every trade has exactly
  two fills, one maker and one taker, of opposite sides;
- the public order book (GET /v1/markets/BTC-USDT/orderbook) is exactly the aggregate of the open orders in the
  store, is not crossed, and carries the persisted book sequence;
- `cooud ledger check` exits 0, and per asset the balances of all accounts, fees included, add up to what was
  deposited (the deposit account's balance negated); nothing is locked but what open orders reserve;
- a request cut off by the crash can be retried with its Idempotency-Key and gets a final answer.
The last point is also driven deterministically (`CRASH_AT_SCRIPT`): the server dies at a chosen point of one
placement — before its commit, or after the commit but before the answer — and the retry must neither be stuck on
`409 idempotency_in_flight` nor place a second order.

Durability note: SIGKILL kills the process, not the machine, so this proves that every acknowledged change was
committed before its answer and that start-up rebuilds the books from the store; it cannot prove the fsync
(`synchronous=FULL`) that a power cut would need. Set COOUD_CRASH_SEED to replay another kill time.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import httpx
import pytest

from impl.config import Config
from impl.domain.units import to_string
from impl.services import build_services
from tests.crash_support import CRASH_AT_SCRIPT, ServerProcess

pytestmark = pytest.mark.live

SEED = int(os.environ.get("COOUD_CRASH_SEED", "20261118"))
PASSWORD = "correct horse battery staple"
ACCOUNTS = ("alice@example.com", "bob@example.com")
DEPOSITS = {"BTC": "100", "USDT": "10000000"}  # per account: far more than two seconds of orders can use
RANK = {"open": 0, "partially_filled": 1, "filled": 2, "cancelled": 2, "expired": 2}
IMMUTABLE = ("id", "client_order_id", "symbol", "side", "type", "tif", "post_only", "price", "size", "quote_size",
             "created_at")
COOUD = str(Path(sys.executable).parent / "cooud")


def provision(database: Path) -> dict[str, str]:
    """Two accounts with deposits, written before any server runs; returns email -> user id."""
    services = build_services(Config(database=str(database)))
    ids = {}
    for email in ACCOUNTS:
        user = services.identity.create_user(email, PASSWORD, services.now_ms())
        for asset, amount in DEPOSITS.items():
            services.trading.deposit(user.id, asset, amount, f"crash-test-{email}-{asset}")
        ids[email] = user.id
    services.store.close()
    return ids


def login(base: str, email: str) -> dict:
    r = httpx.post(f"{base}/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def all_pages(base: str, auth: dict, path: str, **query) -> list[dict]:
    items, cursor = [], None
    with httpx.Client(base_url=base, headers=auth, timeout=10) as c:
        while True:
            params = {"limit": 100, **query, **({"cursor": cursor} if cursor else {})}
            r = c.get(path, params=params)
            assert r.status_code == 200, r.text
            items += r.json()["data"]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                return items


class Stream(threading.Thread):
    """Places orders for one account until told to stop or the server is gone."""

    def __init__(self, base: str, auth: dict, name: str, rng: random.Random, stop: threading.Event) -> None:
        super().__init__(name=f"stream-{name}", daemon=True)
        self.base, self.auth, self.tag, self.rng, self.stop = base, auth, name, rng, stop
        self.acknowledged: dict[str, dict] = {}  # order id -> the 201 body
        self.refused: list[tuple[int, str]] = []
        self.cut_off: list[tuple[str, dict]] = []  # (Idempotency-Key, body) of requests that got no answer
        self.error: BaseException | None = None

    def order(self, n: int) -> dict:
        rng = self.rng
        side = rng.choice(("buy", "sell"))
        body = {"symbol": "BTC/USDT", "side": side, "client_order_id": f"{self.tag}-{n}",
                "size": rng.choice(("0.00100", "0.00250", "0.00500", "0.01000"))}
        kind = rng.random()
        if kind < 0.08:
            return {**body, "type": "market"}
        body.update(type="limit", price=f"{rng.randint(59_990, 60_010)}.{rng.choice(('00', '50'))}")
        return {**body, "tif": "IOC"} if kind < 0.18 else body

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.base, headers=self.auth, timeout=10) as c:
                n = 0
                while not self.stop.is_set():
                    n += 1
                    key, body = str(uuid.uuid4()), self.order(n)
                    try:
                        r = c.post("/v1/orders", json=body, headers={"Idempotency-Key": key})
                    except httpx.TransportError:
                        self.cut_off.append((key, body))
                        return
                    if r.status_code == 201:
                        self.acknowledged[r.json()["id"]] = r.json()
                    else:
                        self.refused.append((r.status_code, r.text))
        except BaseException as exc:  # reported by the fixture
            self.error = exc


@pytest.fixture(scope="module")
def crash(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    database = root / "cooud.sqlite3"
    user_ids = provision(database)
    rng = random.Random(SEED)
    first = ServerProcess(database, root / "server-1.log")
    base = first.start()
    try:
        auths = {email: login(base, email) for email in ACCOUNTS}
        stop = threading.Event()
        streams = [Stream(base, auths[email], email.split("@")[0], random.Random(rng.random()), stop)
                   for email in ACCOUNTS]
        for s in streams:
            s.start()
        time.sleep(rng.uniform(0.5, 2.0))
        first.kill()
        stop.set()
        for s in streams:
            s.join(timeout=15)
            assert not s.is_alive() and s.error is None, s.error
    finally:
        first.kill()
    acknowledged = {oid: body for s in streams for oid, body in s.acknowledged.items()}
    cut_off = [c for s in streams for c in s.cut_off]
    refused = [r for s in streams for r in s.refused]
    assert acknowledged, "no order was acknowledged before the kill"
    assert not refused, refused[:5]

    second = ServerProcess(database, root / "server-2.log")
    base = second.start()
    try:
        auths = {email: login(base, email) for email in ACCOUNTS}
        yield {"base": base, "database": database, "auths": auths, "user_ids": user_ids,
               "acknowledged": acknowledged, "cut_off": cut_off}
    finally:
        second.stop()


def stored_orders(crash) -> dict[str, dict]:
    return {o["id"]: o for auth in crash["auths"].values()
            for o in all_pages(crash["base"], auth, "/v1/orders", symbol="BTC-USDT")}


def query(database: Path, sql: str, *args) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return db.execute(sql, args).fetchall()


# -- the checks ------------------------------------------------------------------------------------------------
def test_every_acknowledged_order_survives_with_the_same_status_or_a_later_one(crash):
    stored = stored_orders(crash)
    acknowledged = crash["acknowledged"]
    assert any(Decimal(o["filled"]) > 0 for o in acknowledged.values()), "no fill happened before the kill"
    for oid, acked in acknowledged.items():
        now = stored.get(oid)
        assert now is not None, f"acknowledged order {oid} is gone (seed {SEED})"
        assert {k: now[k] for k in IMMUTABLE} == {k: acked[k] for k in IMMUTABLE}, oid
        if RANK[acked["status"]] == 2:
            assert now == acked, f"a finished order changed: {acked} -> {now}"
        else:
            assert RANK[now["status"]] >= RANK[acked["status"]], (acked, now)
            assert Decimal(now["filled"]) >= Decimal(acked["filled"]), (acked, now)
            assert Decimal(now["filled"]) + Decimal(now["remaining"]) == Decimal(now["size"]) or \
                now["status"] in ("cancelled", "expired")
    # No phantom: an order not acknowledged can only be the one a cut-off request placed before the kill.
    in_flight = {body["client_order_id"] for _, body in crash["cut_off"]}
    unexplained = [o for oid, o in stored.items() if oid not in acknowledged and o["client_order_id"] not in in_flight]
    assert unexplained == []


def test_fills_add_up_to_their_orders_and_pair_up_into_trades(crash):
    stored = stored_orders(crash)
    fills = [f for auth in crash["auths"].values() for f in all_pages(crash["base"], auth, "/v1/fills")]
    by_order: dict[str, list[dict]] = {}
    for f in fills:
        by_order.setdefault(f["order_id"], []).append(f)
    for oid, order in stored.items():
        mine = by_order.pop(oid, [])
        filled = sum((Decimal(f["size"]) for f in mine), Decimal(0))
        assert filled == Decimal(order["filled"]), (order, mine)
        assert sum((Decimal(f["fee"]) for f in mine), Decimal(0)) == Decimal(order["fee"]), oid
        if mine:
            quote = sum(Decimal(f["quote_amount"]) for f in mine)
            assert Decimal(order["average_price"]) == (quote / filled).quantize(Decimal("1e-8"), ROUND_HALF_EVEN)
            assert {f["fee_asset"] for f in mine} == {order["fee_asset"]}
        else:
            assert order["average_price"] is None
    assert by_order == {}, "fills of orders that do not exist"
    trades: dict[str, list[dict]] = {}
    for f in fills:
        trades.setdefault(f["trade_id"], []).append(f)
    for trade_id, pair in trades.items():
        assert len(pair) == 2, (trade_id, pair)
        assert {f["liquidity"] for f in pair} == {"maker", "taker"} and {f["side"] for f in pair} == {"buy", "sell"}
        assert len({(f["price"], f["size"], f["quote_amount"]) for f in pair}) == 1
    public = {r[0] for r in query(crash["database"], "SELECT id FROM trades WHERE symbol = 'BTC/USDT'")}
    assert public == set(trades)  # each fill's trade is a recorded public trade, and no trade lacks its fills


def test_the_rebuilt_book_is_the_aggregate_of_the_open_orders(crash):
    r = httpx.get(f"{crash['base']}/v1/markets/BTC-USDT/orderbook", params={"depth": 500}, timeout=10)
    assert r.status_code == 200, r.text
    book = r.json()
    rows = query(crash["database"], "SELECT side, price, SUM(remaining) FROM orders WHERE symbol = 'BTC/USDT'"
                 " AND status IN ('open', 'partially_filled') GROUP BY side, price")
    expected = {side: sorted(([to_string(p, 2), to_string(s, 5)] for sd, p, s in rows if sd == side),
                             key=lambda level: Decimal(level[0]), reverse=side == "buy")
                for side in ("buy", "sell")}
    assert book["bids"] == expected["buy"] and book["asks"] == expected["sell"]
    assert book["bids"] or book["asks"], "nothing rests: the run proved little about the rebuild"
    if book["bids"] and book["asks"]:
        assert Decimal(book["bids"][0][0]) < Decimal(book["asks"][0][0]), "crossed book at rest"
    (sequence,), = query(crash["database"], "SELECT sequence FROM book_sequences WHERE symbol = 'BTC/USDT'")
    assert book["sequence"] == sequence > 0
    # The open orders as the API lists them say the same.
    open_orders = [o for o in stored_orders(crash).values() if o["status"] in ("open", "partially_filled")]
    assert sum(Decimal(o["remaining"]) for o in open_orders) == \
        sum(Decimal(size) for _, size in book["bids"] + book["asks"])


def test_the_ledger_holds_and_value_is_conserved(crash):
    done = subprocess.run([COOUD, "ledger", "check", "--database", str(crash["database"])], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["ok"] is True
    totals = dict(query(crash["database"], "SELECT asset, SUM(free + locked) FROM balances"
                        " WHERE account_id <> 'sys:deposits' GROUP BY asset"))
    deposits = dict(query(crash["database"], "SELECT asset, -free FROM balances WHERE account_id = 'sys:deposits'"))
    expected = {asset: int(Decimal(amount) * 10**8) * len(ACCOUNTS) for asset, amount in DEPOSITS.items()}
    assert deposits == expected
    assert {a: totals[a] for a in expected} == expected  # users + sys:fees == what came in
    fees = dict(query(crash["database"], "SELECT asset, free FROM balances WHERE account_id = 'sys:fees'"))
    assert fees.get("BTC", 0) > 0 and fees.get("USDT", 0) > 0  # fills happened, and paid fees


def test_a_request_cut_off_by_the_crash_gets_a_final_answer_on_retry(crash):
    """The client did not learn what happened to the request in flight at the kill; the documented remedy is to
    retry it with the same Idempotency-Key. That must give a final answer — the stored one, or a first
    execution — never a `409 idempotency_in_flight` (nothing is in flight any more) and never a second order."""
    assert crash["cut_off"], "no request was in flight at the kill"
    auth_of = {email.split("@")[0]: auth for email, auth in crash["auths"].items()}
    answers = []
    for key, body in crash["cut_off"]:
        auth = auth_of[body["client_order_id"].split("-")[0]]
        r = httpx.post(f"{crash['base']}/v1/orders", json=body, headers={**auth, "Idempotency-Key": key},
                       timeout=10)
        answers.append((body["client_order_id"], r.status_code, r.text))
        same = all_pages(crash["base"], auth, "/v1/orders", client_order_id=body["client_order_id"])
        assert len(same) <= 1
    stuck = [a for a in answers if a[1] == 409 or a[1] >= 500 or "duplicate_client_order_id" in a[2]]
    assert stuck == [], f"retries after the crash got no final answer (seed {SEED}): {stuck}"


# -- the same window, hit deterministically --------------------------------------------------------------------
@pytest.mark.parametrize("point", ["before_commit", "after_commit"])
def test_a_placement_killed_mid_request_can_be_retried_with_its_key(tmp_path, point):
    database = tmp_path / "cooud.sqlite3"
    provision(database)
    dying = ServerProcess(database, tmp_path / "dying.log", extra_env={"COOUD_CRASH_AT": point},
                          command=[sys.executable, "-c", CRASH_AT_SCRIPT])
    base = dying.start()
    key = str(uuid.uuid4())
    body = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "50000.00", "size": "0.01000",
            "client_order_id": "crash-here"}
    try:
        auth = login(base, ACCOUNTS[0])
        with pytest.raises(httpx.TransportError):  # the server died with the request: no answer
            httpx.post(f"{base}/v1/orders", json=body, headers={**auth, "Idempotency-Key": key}, timeout=10)
        dying.proc.wait(timeout=15)
    finally:
        dying.kill()
    committed = query(database, "SELECT COUNT(*) FROM orders WHERE client_order_id = 'crash-here'")[0][0]
    assert committed == (1 if point == "after_commit" else 0)  # the crash happened where it was meant to

    restarted = ServerProcess(database, tmp_path / "restarted.log")
    base = restarted.start()
    try:
        auth = login(base, ACCOUNTS[0])
        retry = httpx.post(f"{base}/v1/orders", json=body, headers={**auth, "Idempotency-Key": key}, timeout=10)
        orders = all_pages(base, auth, "/v1/orders", client_order_id="crash-here")
    finally:
        restarted.stop()
    assert retry.status_code == 201, f"retry after a crash {point.replace('_', ' ')}: {retry.status_code} {retry.text}"
    assert len(orders) == 1 and retry.json()["id"] == orders[0]["id"]


def test_a_batch_killed_between_apply_and_commit_loses_nothing_acknowledged(tmp_path):
    """Group commit: the engine applies every command that queued while the previous batch committed, then commits
    them at once. Kill the process after a batch holding a marked order (and whatever else eight clients had in
    flight) was applied but before its commit: nothing of that batch may survive, nothing acknowledged before may be
    lost, and every cut-off request retried with its Idempotency-Key acts exactly once."""
    database = tmp_path / "cooud.sqlite3"
    provision(database)
    dying = ServerProcess(database, tmp_path / "dying.log", extra_env={"COOUD_CRASH_AT": "engine_before_commit"},
                          command=[sys.executable, "-c", CRASH_AT_SCRIPT])
    base = dying.start()
    acknowledged: dict[str, dict] = {}  # order id -> 201 body
    cut_off: list[tuple[str, dict, str]] = []  # (key, body, account email) of requests that got no answer
    lock, stop = threading.Lock(), threading.Event()
    try:
        auths = [login(base, email) for email in ACCOUNTS]

        def client(n: int) -> None:
            email, auth, rng = ACCOUNTS[n % 2], auths[n % 2], random.Random(SEED + n)
            with httpx.Client(base_url=base, headers=auth, timeout=10) as c:
                for i in range(10_000):
                    if stop.is_set():
                        return
                    body = {"symbol": "BTC/USDT", "side": rng.choice(("buy", "sell")), "type": "limit",
                            "price": f"{rng.randint(59_990, 60_010)}.00", "size": "0.00100",
                            "client_order_id": f"gc{n}-{i}"}
                    key = str(uuid.uuid4())
                    try:
                        r = c.post("/v1/orders", json=body, headers={"Idempotency-Key": key})
                    except httpx.TransportError:
                        with lock:
                            cut_off.append((key, body, email))
                        return
                    assert r.status_code == 201, r.text
                    with lock:
                        acknowledged[r.json()["id"]] = r.json()

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(8)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        marked = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "50000.00", "size": "0.01000",
                  "client_order_id": "crash-here"}
        key = str(uuid.uuid4())
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{base}/v1/orders", json=marked, headers={**auths[0], "Idempotency-Key": key}, timeout=10)
        cut_off.append((key, marked, ACCOUNTS[0]))
        dying.proc.wait(timeout=15)
        stop.set()
        for t in threads:
            t.join(timeout=30)
    finally:
        stop.set()
        dying.kill()
    assert acknowledged, "no order was acknowledged before the crash"
    assert query(database, "SELECT COUNT(*) FROM orders WHERE client_order_id = 'crash-here'")[0][0] == 0

    restarted = ServerProcess(database, tmp_path / "restarted.log")
    base = restarted.start()
    try:
        stored = {o["id"] for email in ACCOUNTS for o in all_pages(base, login(base, email), "/v1/orders")}
        assert set(acknowledged) <= stored, "an acknowledged order was lost"
        for key, body, email in cut_off:  # the cut-off requests never committed: a retry must act, once
            auth = login(base, email)
            for _ in range(2):
                retry = httpx.post(f"{base}/v1/orders", json=body, headers={**auth, "Idempotency-Key": key},
                                   timeout=10)
                assert retry.status_code == 201, retry.text
            assert len(all_pages(base, auth, "/v1/orders", client_order_id=body["client_order_id"])) == 1
    finally:
        restarted.stop()
    done = subprocess.run([COOUD, "ledger", "check", "--database", str(database)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
