"""Trading over HTTP against the real app (response validation on): each order rule answers with its own code
in the one envelope, structural mistakes are 400s naming the field, batches report per item, previews change
nothing, lists filter and paginate, and the public market data moves with trades."""

from __future__ import annotations

import json
import uuid

import pytest
from starlette.testclient import TestClient

from impl.app import create_app
from impl.config import Config

PEER = ("203.0.113.7", 40000)


@pytest.fixture
def ctx(tmp_path):
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), validate_responses=True))
    svc = app.services
    client = TestClient(app, client=PEER)
    headers = {}
    for name in ("alice", "bob"):
        user = svc.identity.create_user(f"{name}@example.com", "a long enough password", svc.now_ms())
        svc.trading.deposit(user.id, "BTC", "10", f"{name}-btc")
        svc.trading.deposit(user.id, "USDT", "1000000", f"{name}-usdt")
        token = client.post("/v1/auth/login", json={"email": f"{name}@example.com",
                                                     "password": "a long enough password"}).json()["access_token"]
        headers[name] = {"Authorization": f"Bearer {token}"}
    return client, headers


def send(client, method, path, who, body=None):
    return client.request(method, path, json=body, headers={**who, "Idempotency-Key": str(uuid.uuid4())})


def code(response) -> str:
    return response.json()["error"]["code"]


LIMIT = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "60000.00", "size": "0.01"}


@pytest.mark.parametrize("change, status, error, field", [
    ({"price": None}, 400, "invalid_request", "price"),
    ({"type": "market"}, 400, "invalid_request", "price"),
    ({"type": "market", "price": None, "quote_size": "100"}, 400, "invalid_request", "size"),
    ({"side": "sell", "type": "market", "price": None, "size": None, "quote_size": "100"}, 400, "invalid_request",
     "quote_size"),
    ({"tif": "IOC", "post_only": True}, 400, "invalid_request", "post_only"),
    ({"price": "60000.001"}, 422, "invalid_tick_size", "price"),
    ({"size": "0.000001"}, 422, "invalid_step_size", "size"),
    ({"size": "0"}, 422, "invalid_step_size", "size"),
    ({"size": "0.00001"}, 422, "notional_too_small", "size"),
    ({"size": "1000.1"}, 422, "size_too_large", "size"),
    ({"symbol": "DOGE/EUR"}, 422, "unknown_market", "symbol"),
    ({"size": "100"}, 422, "insufficient_balance", None),
])
def test_order_rules_answer_with_their_codes(ctx, change, status, error, field):
    client, who = ctx
    body = {k: v for k, v in {**LIMIT, **change}.items() if v is not None}
    r = send(client, "POST", "/v1/orders", who["alice"], body)
    assert r.status_code == status, r.text
    assert code(r) == error
    if field:
        assert any(d.get("field") == field for d in r.json()["error"]["details"]), r.json()
    assert client.get("/v1/orders", headers=who["alice"]).json()["data"] == []


def test_schema_violations_are_400(ctx):
    client, who = ctx
    for body in ({**LIMIT, "price": 60000}, {**LIMIT, "extra": 1}, {**LIMIT, "side": "up"}, {"symbol": "BTC/USDT"}):
        r = send(client, "POST", "/v1/orders", who["alice"], body)
        assert (r.status_code, code(r)) == (400, "invalid_request"), r.text


def test_duplicate_client_order_id(ctx):
    client, who = ctx
    assert send(client, "POST", "/v1/orders", who["alice"], {**LIMIT, "client_order_id": "a-1"}).status_code == 201
    r = send(client, "POST", "/v1/orders", who["alice"], {**LIMIT, "client_order_id": "a-1"})
    assert (r.status_code, code(r)) == (422, "duplicate_client_order_id")
    # unique per account: another account may use the same id
    assert send(client, "POST", "/v1/orders", who["bob"], {**LIMIT, "client_order_id": "a-1"}).status_code == 201


def test_trade_lifecycle_moves_market_data(ctx):
    client, who = ctx
    before = client.get("/v1/markets/BTC-USDT/orderbook").json()["sequence"]
    ask = send(client, "POST", "/v1/orders", who["alice"],
               {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "60000.00", "size": "0.5"}).json()
    r = send(client, "POST", "/v1/orders/preview", who["bob"],
             {"symbol": "BTC/USDT", "side": "buy", "type": "market", "quote_size": "6000"})
    preview = r.json()
    assert (preview["filled"], preview["notional"], preview["covered"]) == ("0.10000", "6000.00000000", True)
    assert client.get("/v1/markets/BTC-USDT/orderbook").json()["asks"] == [["60000.00", "0.50000"]]  # no effect
    buy = send(client, "POST", "/v1/orders", who["bob"],
               {"symbol": "BTC/USDT", "side": "buy", "type": "market", "quote_size": "6000"}).json()
    assert (buy["status"], buy["filled"], buy["average_price"], buy["fee"]) == ("filled", "0.10000",
                                                                              "60000.00000000", "0.00020000")
    fills = client.get(f"/v1/fills?order_id={ask['id']}", headers=who["alice"]).json()["data"]
    assert [(f["liquidity"], f["size"], f["fee"], f["fee_asset"]) for f in fills] == [
        ("maker", "0.10000", "6.00000000", "USDT")]
    book = client.get("/v1/markets/BTC-USDT/orderbook").json()
    assert book["asks"] == [["60000.00", "0.40000"]] and book["sequence"] > before
    ticker = client.get("/v1/markets/BTC-USDT/ticker").json()
    assert (ticker["last"], ticker["volume"]) == ("60000.00", "0.10000")
    assert client.get("/v1/markets/BTC-USDT/trades").json()["data"][0]["taker_side"] == "buy"
    assert client.get("/v1/markets/BTC-USDT/candles?interval=1m").json()["data"][0]["trades"] == 1
    usdt = {b["asset"]: b for b in client.get("/v1/wallet/balances", headers=who["alice"]).json()["data"]}["USDT"]
    assert usdt == {"asset": "USDT", "total": "1005994.00000000", "free": "1005994.00000000", "locked": "0.00000000"}


def test_batches_report_per_item(ctx):
    client, who = ctx
    r = send(client, "POST", "/v1/orders/batch", who["alice"], {"orders": [
        LIMIT, {**LIMIT, "price": "1.001"}, {k: v for k, v in LIMIT.items() if k != "price"},
        {**LIMIT, "price": "59999.00"}]})
    assert r.status_code == 200, r.text
    items = r.json()["data"]
    assert [i["status"] for i in items] == [201, 422, 400, 201]
    assert items[1]["error"]["code"] == "invalid_tick_size" and "order" not in items[1]
    placed = [items[0]["order"]["id"], items[3]["order"]["id"]]
    r = send(client, "POST", "/v1/orders/cancel-batch", who["alice"],
             {"order_ids": [placed[0], "ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6"]})
    assert [(i["status"], i.get("order", {}).get("status")) for i in r.json()["data"]] == [(200, "cancelled"),
                                                                                          (404, None)]
    r = send(client, "DELETE", "/v1/orders/" + placed[0], who["alice"])
    assert (r.status_code, code(r)) == (422, "order_not_open")
    r = send(client, "DELETE", "/v1/orders/" + placed[1], who["bob"])  # not bob's: no such order for him
    assert (r.status_code, code(r)) == (404, "order_not_found")
    r = send(client, "DELETE", "/v1/orders?symbol=BTC-USDT", who["alice"])
    assert [o["id"] for o in r.json()["data"]] == [placed[1]]


def test_lists_filter_and_paginate(ctx):
    client, who = ctx
    ids = [send(client, "POST", "/v1/orders", who["alice"], {**LIMIT, "price": f"{50000 + i}.00"}).json()["id"]
           for i in range(5)]
    seen, cursor = [], None
    while True:
        page = client.get("/v1/orders?limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=who["alice"]).json()
        seen += [o["id"] for o in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]
    send(client, "DELETE", f"/v1/orders/{ids[0]}", who["alice"])
    cancelled = client.get("/v1/orders?status=cancelled", headers=who["alice"]).json()["data"]
    assert [o["id"] for o in cancelled] == [ids[0]]
    assert client.get("/v1/orders?side=sell", headers=who["alice"]).json()["data"] == []
    assert client.get("/v1/orders?symbol=ETH-USDT", headers=who["alice"]).json()["data"] == []
    assert client.get("/v1/orders", headers=who["bob"]).json()["data"] == []
    r = client.get("/v1/orders?cursor=bm90LWFuLWlk", headers=who["alice"])
    assert (r.status_code, code(r)) == (400, "invalid_request")
    r = client.get("/v1/orders?start=2026-02-30T00:00:00Z", headers=who["alice"])
    assert (r.status_code, code(r)) == (400, "invalid_request")


def test_amend_over_http(ctx):
    client, who = ctx
    order = send(client, "POST", "/v1/orders", who["alice"], LIMIT).json()
    r = send(client, "PATCH", f"/v1/orders/{order['id']}", who["alice"], {"price": "60001.00", "size": "0.02"})
    assert r.status_code == 200, r.text
    assert (r.json()["price"], r.json()["size"], r.json()["remaining"]) == ("60001.00", "0.02000", "0.02000")
    r = send(client, "PATCH", f"/v1/orders/{order['id']}", who["alice"], {"price": "1.001"})
    assert (r.status_code, code(r)) == (422, "invalid_tick_size")
    r = send(client, "PATCH", f"/v1/orders/{order['id']}", who["alice"], {})
    assert (r.status_code, code(r)) == (400, "invalid_request")


def test_media_type_is_case_insensitive_and_the_body_still_validated(ctx):
    client, who = ctx
    headers = {**who["alice"], "Content-Type": "Application/JSON; charset=utf-8"}
    r = client.post("/v1/orders", content=json.dumps(LIMIT),
                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    r = client.post("/v1/orders", content=json.dumps({"symbol": 5}),
                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert (r.status_code, code(r)) == (400, "invalid_request")  # validated, not a 500


# -- strict JSON and ECMA-262 patterns (issue 12's findings, each reproduced against the real edge) ----------------
def test_duplicate_keys_are_refused_not_resolved(ctx):
    """`{"side": "buy", …, "side": "sell"}` used to place a sell (last key wins) while a first-key reader saw a buy."""
    client, who = ctx
    raw = '{"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "60000.00", "size": "0.01", "side": "sell"}'
    r = client.post("/v1/orders", content=raw, headers={**who["alice"], "Content-Type": "application/json",
                                                         "Idempotency-Key": str(uuid.uuid4())})
    assert (r.status_code, code(r)) == (400, "malformed_body"), r.text
    assert r.json()["error"]["details"][0]["field"] == "side"
    assert client.get("/v1/orders", headers=who["alice"]).json()["data"] == []


@pytest.mark.parametrize("raw", ["[" * 1000, "[" * 1000 + "]" * 1000, '{"a":' * 900 + "1" + "}" * 900,
                                 "[" * 33 + "]" * 33, '{"symbol": "' + "[" * 5000 + '"}'])
def test_deep_nesting_is_a_400_never_a_500(ctx, raw):
    client, who = ctx
    r = client.post("/v1/orders", content=raw, headers={**who["alice"], "Content-Type": "application/json",
                                                         "Idempotency-Key": str(uuid.uuid4())})
    if raw.startswith('{"symbol"'):  # brackets inside a string are not nesting: the schema refuses it instead
        assert (r.status_code, code(r)) == (400, "invalid_request"), r.text
    else:
        assert (r.status_code, code(r)) == (400, "malformed_body"), r.text
    assert "Traceback" not in r.text


@pytest.mark.parametrize("change", [{"size": "0.01\n"}, {"price": "60000.00\n"}, {"client_order_id": "X\n"}])
def test_dollar_never_matches_before_a_trailing_newline(ctx, change):
    """Patterns are ECMA-262: `^…$` does not accept `"0.01\\n"` (Python's `re` did), so `X` and `X\\n` cannot be
    two different client order ids."""
    client, who = ctx
    r = send(client, "POST", "/v1/orders", who["alice"], {**LIMIT, **change})
    assert (r.status_code, code(r)) == (400, "invalid_request"), r.text
    assert r.json()["error"]["details"][0]["field"] == next(iter(change))
    assert client.get("/v1/orders", headers=who["alice"]).json()["data"] == []


def test_non_json_constants_are_malformed(ctx):
    client, who = ctx
    r = client.post("/v1/orders", content='{"symbol": NaN}', headers={
        **who["alice"], "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())})
    assert (r.status_code, code(r)) == (400, "malformed_body"), r.text


def test_batch_amend_bulk_quotes_and_cancel_all_by_kind_over_http(ctx):
    client, who = ctx
    a, b = (send(client, "POST", "/v1/orders", who["alice"], {**LIMIT, "price": p}).json() for p in ("59000.00",
                                                                                                       "59100.00"))
    r = send(client, "POST", "/v1/orders/amend-batch", who["alice"], {"symbol": "BTC/USDT", "orders": [
        {"order_id": a["id"], "size": "0.005"}, {"order_id": b["id"], "price": "59100.001"},
        {"order_id": "ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A7", "size": "0.005"}]})
    assert r.status_code == 200, r.text
    items = r.json()["data"]
    assert [(i["order_id"], i["status"]) for i in items] == [(a["id"], 200), (b["id"], 422),
                                                             ("ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A7", 404)]
    assert items[0]["order"]["size"] == "0.00500" and items[1]["error"]["code"] == "invalid_tick_size"
    r = send(client, "PUT", "/v1/quotes/BTC-USDT", who["alice"], {"bids": [{"price": "59500.00", "size": "0.01"}],
                                                                   "asks": [{"price": "60500.00", "size": "0.01"}],
                                                                   "post_only": True})
    assert r.status_code == 200, r.text
    first = r.json()
    assert first["symbol"] == "BTC/USDT" and first["cancelled"] == [] and len(first["placed"]) == 2
    r = send(client, "PUT", "/v1/quotes/BTC-USDT", who["alice"], {"bids": [{"price": "59600.00", "size": "0.02"}],
                                                                   "asks": []})
    assert [o["id"] for o in r.json()["cancelled"]] == [o["id"] for o in first["placed"]]
    r = send(client, "PUT", "/v1/quotes/BTC-USDT", who["alice"], {"bids": [{"price": "60600.00", "size": "0.01"}],
                                                                   "asks": [{"price": "60500.00", "size": "0.01"}]})
    assert (r.status_code, code(r), r.json()["error"]["details"][0]["field"]) == (400, "invalid_request", "asks")
    stop = send(client, "POST", "/v1/conditional-orders", who["alice"], {
        "symbol": "BTC/USDT", "side": "buy", "type": "stop_market", "trigger_price": "70000.00",
        "quote_size": "100"})
    assert stop.status_code == 201, stop.text
    r = send(client, "DELETE", "/v1/orders?kind=conditional", who["alice"])  # every market, conditional only
    assert r.status_code == 200, r.text
    assert r.json()["data"] == [] and [c["id"] for c in r.json()["conditional_orders"]] == [stop.json()["id"]]
    r = send(client, "DELETE", "/v1/orders?symbol=BTC-USDT&kind=all", who["alice"])
    assert len(r.json()["data"]) == 3 and r.json()["conditional_orders"] == []  # a, b and the remaining quote
