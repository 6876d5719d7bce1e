"""Idempotency and permissions of the trading operations, over real HTTP against the in-process app on real SQLite.

How the concurrency is made real: starlette's TestClient runs one request at a time, so it can never show two
requests with the same key overlapping. Here the app (the very object `create_app` returns, so the test can look
at its store) is served by uvicorn on a free port in a background thread, and 50 client threads, each with its
own connection, are released together by a barrier. The server takes them on its event loop; the Idempotency-Key
is reserved there, and the sync handler (the trading commit) runs in connexion's worker threads, so requests
really are in flight side by side. To make the overlap certain rather than likely on a fast machine, the
trading service's `place` is wrapped to wait 0.3 s before it places: every request that arrives meanwhile must
meet the key in flight. A second wave after the first has finished must meet it done (a stored answer).

What is proved:
- 50 concurrent identical POST /v1/orders with one key -> exactly one order (orders list, book, balances); every
  answer is the original 201 (once, no replay header), a replay of it (201, `Idempotent-Replayed: true`,
  byte-identical body) or 409 idempotency_in_flight;
- the same key with another body -> 422 idempotency_key_reused, and nothing placed;
- permissions come from the spec: a read-scoped API key gets 403 forbidden on POST /v1/orders, a trade-scoped key
  places, a body changed after signing gets 401 invalid_signature;
- every mutating trading operation (cancel, amend, place batch, cancel batch, cancel all) replays its stored
  answer for the same key and does not act twice: no new journal entry, no book change, no second order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import threading
import time
import uuid

import httpx
import pytest

from impl.app import create_app
from impl.config import Config
from impl.security import signing
from tests.live import serving

EMAIL, PASSWORD = "idem@example.com", "correct horse battery staple"
ORDER = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "50000.00", "size": "0.01000"}


class Exchange:
    """The in-process app, served over HTTP, with one funded account logged in."""

    def __init__(self, app, base: str, database: str) -> None:
        self.app, self.base, self.database = app, base, database
        self.http = httpx.Client(base_url=base, timeout=30)
        r = self.http.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
        assert r.status_code == 200, r.text
        self.tokens = r.json()
        self.user_id = self.tokens["user_id"]

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    def send(self, method: str, target: str, key: str | None = None, body: dict | None = None) -> httpx.Response:
        headers = dict(self.auth)
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.http.request(method, target, headers=headers, json=body)

    def place(self, body: dict | None = None, **changes) -> dict:
        r = self.send("POST", "/v1/orders", new_key(), {**(body or ORDER), **changes})
        assert r.status_code == 201, r.text
        return r.json()

    def orders(self, **query) -> list[dict]:
        r = self.http.get("/v1/orders", headers=self.auth, params={"limit": 100, **query})
        assert r.status_code == 200, r.text
        return r.json()["data"]

    def book(self) -> dict:
        r = self.http.get("/v1/markets/BTC-USDT/orderbook", params={"depth": 100})
        assert r.status_code == 200, r.text
        return r.json()

    def balance(self, asset: str) -> dict:
        r = self.http.get("/v1/wallet/balances", headers=self.auth)
        assert r.status_code == 200, r.text
        return next(b for b in r.json()["data"] if b["asset"] == asset)

    def journal_entries(self) -> int:
        with contextlib.closing(sqlite3.connect(self.database)) as db:
            return db.execute("SELECT COUNT(*) FROM journal_entries").fetchone()[0]

    def ledger_problems(self) -> dict:
        report = self.app.services.store.ledger_report()
        return {k: v for k, v in report.items() if k != "asset_totals" and v}


@pytest.fixture
def exchange(tmp_path):
    database = str(tmp_path / "db.sqlite3")
    app = create_app(Config(database=database, validate_responses=True))
    services = app.services
    user = services.identity.create_user(EMAIL, PASSWORD, services.now_ms())
    services.trading.deposit(user.id, "USDT", "10000", "test-funding")
    services.trading.deposit(user.id, "BTC", "1", "test-funding")
    with serving(app) as base:
        ex = Exchange(app, base, database)
        try:
            yield ex
        finally:
            ex.http.close()
    assert ex.ledger_problems() == {}


def new_key() -> str:
    return str(uuid.uuid4())


def code_of(r: httpx.Response) -> str:
    return r.json()["error"]["code"]


def replayed(r: httpx.Response) -> bool:
    return r.headers.get("idempotent-replayed") == "true"


# -- one key, many concurrent requests -------------------------------------------------------------------------
def test_fifty_concurrent_placements_with_one_key_place_one_order(exchange, monkeypatch):
    trading = exchange.app.services.trading
    real_execute = trading.execute

    async def slow_execute(command):
        await asyncio.sleep(0.3)  # keeps the first request in flight while the others arrive (see module docstring)
        return await real_execute(command)

    monkeypatch.setattr(trading, "execute", slow_execute)
    key, body = new_key(), json.dumps({**ORDER, "client_order_id": "once"}).encode()
    headers = {**exchange.auth, "Idempotency-Key": key, "Content-Type": "application/json"}

    def wave(n: int) -> list[httpx.Response]:
        barrier, answers = threading.Barrier(n), [None] * n

        def one(i: int) -> None:
            with httpx.Client(base_url=exchange.base, timeout=60) as c:
                barrier.wait(timeout=30)
                answers[i] = c.post("/v1/orders", content=body, headers=headers)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert all(a is not None for a in answers), "a client thread did not finish"
        return answers

    first_wave = wave(50)
    second_wave = wave(10)  # after the first wave has finished: the key is done now

    originals = [r for r in first_wave if r.status_code == 201 and not replayed(r)]
    assert len(originals) == 1, [(r.status_code, r.text) for r in first_wave]
    original = originals[0]
    order = original.json()
    in_flight = [r for r in first_wave if r.status_code == 409]
    assert in_flight, "no request overlapped the first one: the test did not exercise concurrency"
    for r in first_wave + second_wave:
        if r is original:
            continue
        if r.status_code == 409:
            assert code_of(r) == "idempotency_in_flight", r.text
            assert r in first_wave
        else:
            assert r.status_code == 201 and replayed(r), (r.status_code, r.headers, r.text)
            assert r.content == original.content  # the stored body, byte for byte
    assert all(r.status_code == 201 and replayed(r) for r in second_wave)

    # Exactly one effect: one order, one resting bid, 500 USDT (50000 × 0.01) locked.
    assert [o["id"] for o in exchange.orders()] == [order["id"]]
    assert order["status"] == "open" and order["client_order_id"] == "once"
    book = exchange.book()
    assert book["bids"] == [["50000.00", "0.01000"]] and book["asks"] == [] and book["sequence"] == 1
    assert exchange.balance("USDT") == {"asset": "USDT", "total": "10000.00000000", "free": "9500.00000000",
                                        "locked": "500.00000000"}


def test_the_same_key_with_another_body_is_refused_and_places_nothing(exchange):
    key = new_key()
    first = exchange.send("POST", "/v1/orders", key, ORDER)
    assert first.status_code == 201, first.text
    other = exchange.send("POST", "/v1/orders", key, {**ORDER, "price": "50000.01"})
    assert (other.status_code, code_of(other)) == (422, "idempotency_key_reused")
    assert [o["id"] for o in exchange.orders()] == [first.json()["id"]]
    assert exchange.book()["bids"] == [["50000.00", "0.01000"]]
    assert exchange.balance("USDT")["locked"] == "500.00000000"


# -- permissions and signatures --------------------------------------------------------------------------------
def _api_key(exchange: Exchange, scopes: list[str]) -> dict:
    r = exchange.http.post("/v1/account/api-keys", headers=exchange.auth, json={"label": "bot", "scopes": scopes})
    assert r.status_code == 201, r.text
    return r.json()


def _signed_post(exchange: Exchange, key: dict, signed_body: bytes, sent_body: bytes | None = None):
    ts, idempotency_key = str(int(time.time() * 1000)), new_key()
    headers = {"X-Cooud-Key": key["id"], "X-Cooud-Timestamp": ts, "X-Cooud-Signature-Version": "2",
               "X-Cooud-Signature": signing.sign_v2(key["secret"], ts, "POST", "/v1/orders", idempotency_key,
                                                    signed_body),
               "Content-Type": "application/json", "Idempotency-Key": idempotency_key}
    return exchange.http.post("/v1/orders", content=signed_body if sent_body is None else sent_body, headers=headers)


def test_read_key_is_forbidden_trade_key_places_tampered_body_is_refused(exchange):
    read_key, trade_key = _api_key(exchange, ["read"]), _api_key(exchange, ["read", "trade"])
    body = json.dumps({**ORDER, "client_order_id": "signed-1"}).encode()

    r = _signed_post(exchange, read_key, body)
    assert (r.status_code, code_of(r)) == (403, "forbidden")
    assert exchange.orders() == []

    placed = _signed_post(exchange, trade_key, body)
    assert placed.status_code == 201, placed.text
    assert placed.json()["client_order_id"] == "signed-1"

    signed_body = json.dumps({**ORDER, "client_order_id": "signed-2"}).encode()
    tampered = signed_body.replace(b"50000.00", b"50000.01")
    assert tampered != signed_body
    r = _signed_post(exchange, trade_key, signed_body, sent_body=tampered)
    assert (r.status_code, code_of(r)) == (401, "invalid_signature")
    assert [o["client_order_id"] for o in exchange.orders()] == ["signed-1"]


# -- every mutating trading operation replays instead of acting twice ----------------------------------------
def _twice(exchange: Exchange, method: str, target: str, body: dict | None = None):
    """Send a request, then the same one with the same key; checks the second is a faithful replay that changed
    nothing (journal, book), and returns the first answer."""
    key = new_key()
    first = exchange.send(method, target, key, body)
    assert first.status_code < 300, first.text
    entries, sequence = exchange.journal_entries(), exchange.book()["sequence"]
    again = exchange.send(method, target, key, body)
    assert (again.status_code, again.content) == (first.status_code, first.content), again.text
    assert replayed(again) and not replayed(first)
    assert exchange.journal_entries() == entries, "the replay wrote to the ledger"
    assert exchange.book()["sequence"] == sequence, "the replay changed the book"
    return first


def test_cancel_replay_returns_the_cancelled_order_not_order_not_open(exchange):
    order = exchange.place()
    first = _twice(exchange, "DELETE", f"/v1/orders/{order['id']}")
    assert first.status_code == 200 and first.json()["status"] == "cancelled"
    fresh = exchange.send("DELETE", f"/v1/orders/{order['id']}", new_key())
    assert (fresh.status_code, code_of(fresh)) == (422, "order_not_open")  # what a second cancel really gets
    assert exchange.balance("USDT")["locked"] == "0.00000000"


def test_amend_replay_does_not_amend_again(exchange):
    order = exchange.place()
    first = _twice(exchange, "PATCH", f"/v1/orders/{order['id']}", {"price": "49999.00", "size": "0.02000"})
    amended = first.json()
    assert (amended["id"], amended["price"], amended["size"]) == (order["id"], "49999.00", "0.02000")
    assert exchange.book()["bids"] == [["49999.00", "0.02000"]]
    assert exchange.balance("USDT")["locked"] == "999.98000000"  # 49999 × 0.02
    assert exchange.orders()[0]["updated_at"] == amended["updated_at"]


def test_batch_place_replay_places_nothing_more(exchange):
    batch = {"orders": [{**ORDER, "client_order_id": "b-1"},
                        {**ORDER, "price": "49000.00", "client_order_id": "b-2"},
                        {**ORDER, "price": "49000.001", "client_order_id": "b-3"}]}  # off tick: an item error
    first = _twice(exchange, "POST", "/v1/orders/batch", batch)
    assert [item["status"] for item in first.json()["data"]] == [201, 201, 422]
    assert sorted(o["client_order_id"] for o in exchange.orders()) == ["b-1", "b-2"]
    assert exchange.balance("USDT")["locked"] == "990.00000000"  # 500 + 490


def test_batch_cancel_replay_returns_the_cancellations(exchange):
    ids = [exchange.place(client_order_id=f"c-{i}")["id"] for i in range(2)]
    first = _twice(exchange, "POST", "/v1/orders/cancel-batch", {"order_ids": ids})
    assert [(i["order_id"], i["status"], i["order"]["status"]) for i in first.json()["data"]] == \
        [(ids[0], 200, "cancelled"), (ids[1], 200, "cancelled")]
    fresh = exchange.send("POST", "/v1/orders/cancel-batch", new_key(), {"order_ids": ids})
    assert [(i["status"], i["error"]["code"]) for i in fresh.json()["data"]] == [(422, "order_not_open")] * 2


def test_cancel_all_replay_returns_the_cancelled_orders(exchange):
    ids = {exchange.place(client_order_id=f"a-{i}")["id"] for i in range(2)}
    key = new_key()
    first = exchange.send("DELETE", "/v1/orders?symbol=BTC-USDT", key)
    assert first.status_code == 200 and {o["id"] for o in first.json()["data"]} == ids
    entries = exchange.journal_entries()
    again = exchange.send("DELETE", "/v1/orders?symbol=BTC-USDT", key)
    assert (again.status_code, again.content, replayed(again)) == (200, first.content, True)
    assert exchange.journal_entries() == entries
    other_query = exchange.send("DELETE", "/v1/orders?symbol=BTC-USDT&side=buy", key)
    assert (other_query.status_code, code_of(other_query)) == (422, "idempotency_key_reused")
    fresh = exchange.send("DELETE", "/v1/orders?symbol=BTC-USDT", new_key())
    assert fresh.status_code == 200 and fresh.json()["data"] == []  # a second cancel-all finds nothing
    assert exchange.book()["bids"] == []
