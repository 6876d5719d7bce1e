"""End to end: conditional orders through the GENERATED client (pip-installed on its own from generated/client, as
in test_generated_client.py) against a real server process (`python -m impl.cli serve` from this checkout, the
`cooud serve` of `make run`, on its own fresh database), with a real WebSocket client (tests/stream_support.py's
StreamClient, every frame checked against spec/asyncapi.yaml) on the private channels. Accounts are created and
funded with the operator CLI while the server runs (deposits go through the serving engine's operator inbox).

Three accounts: M (maker) and T (taker) make the market; C holds the conditional orders and listens on the stream
(`auth` with its session's access token, then `conditional_orders`, `orders` and `balances`).

The scenario and the arithmetic the assertions come from (BTC and USDT both have 8 decimals; BTC/USDT tick 0.01,
step 0.00001; C's fee tier is read from GET /account: taker 0.002 at tier 0; a fee is charged on the asset
received, rounded UP to the unit):

  C deposits 0.1 BTC (10_000_000 sat) and 100 USDT (10_000_000_000 units).
  1. M sells 0.00100 @ 60000.00, T buys it: last price 60000.00.
  2. C places (all sells, each reserving its size in BTC):
       SL  stop_market        trigger 59100.00, size 0.01237  -> fall, reserves 1_237_000 sat
       TP  take_profit_limit  trigger 62000.00 @ 62000.00, size 0.01000 -> rise, reserves 1_000_000 sat
       TS  trailing_stop      callback_rate 5 (%), size 0.00500 -> fall, reserves 500_000 sat; active at once:
           tracked 60000.00, trigger 60000.00 × 0.95 = 57000.00
     C: BTC free 10_000_000 − 2_737_000 = 7_263_000, locked 2_737_000.
  3. M sells 0.00100 @ 60500.07, T buys it: last 60500.07. TS tracks it: trigger 60500.07 × 0.95 = 57475.0665,
     rounded down to the tick (away from the tracked price) = 57475.06. SL and TP do not fire.
  4. M bids 0.02000 @ 59000.37; T sells 0.00500 into it: the trade at 59000.37 crosses SL (<= 59100.00); in that
     engine step SL's market sell of 0.01237 fills against the rest of M's bid at 59000.37 (C is the taker):
     quote 59000.37 × 0.01237 = 729.8345769 USDT = 72_983_457_690 units, fee × 0.002 = 145_966_915.38 ->
     145_966_916. SL ends `finished` (reason `filled`). TS does not move (a lower price) nor fire (> 57475.06).
  5. C cancels TP: `cancelled` (reason `requested`), its 1_000_000 sat released.
  Final C:  BTC  total 10_000_000 − 1_237_000 = 8_763_000, locked 500_000 (TS), free 8_263_000
            USDT total = free 10_000_000_000 + 72_983_457_690 − 145_966_916 = 82_837_490_774 (828.37490774)
The conditional_orders frames C received, in engine order: SL new, TP new, TS new (tracked 60000.00), TS new
(tracked 60500.07), SL finished, TP cancelled; the last frame of each equals its REST GET. The `orders` channel
shows SL's placed order (conditional_order_id = SL) ending as GET /orders/{id} shows it; the last `balances` frame
of each asset equals GET /balances. Then the refusals, each in the one error envelope.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import uuid
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import pytest

from impl.domain.units import to_string
from tests.stream_support import CHECKER, StreamClient

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
M, T, C = "cond-maker@example.com", "cond-taker@example.com", "cond-holder@example.com"
SYMBOL, PATH_SYMBOL = "BTC/USDT", "BTC-USDT"

pytestmark = pytest.mark.live


def units(amount: int) -> str:
    return to_string(amount, 8)  # BTC and USDT both have 8 decimals


@pytest.fixture(scope="module")
def client_package(tmp_path_factory):
    target = tmp_path_factory.mktemp("client-install")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--target", str(target), str(ROOT / "generated" / "client")],
        check=True, timeout=300,
    )
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if name.startswith("cooud_exchange_client")}
    sys.path.insert(0, str(target))
    try:
        package = importlib.import_module("cooud_exchange_client")
        assert str(target) in package.__file__  # the installed copy, not the source tree
        yield package
    finally:
        sys.path.remove(str(target))
        for name in [m for m in sys.modules if m.startswith("cooud_exchange_client")]:
            del sys.modules[name]
        sys.modules.update(saved)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`cooud serve` of this checkout (not `make run`, which would build a virtualenv in a worktree without one)
    on a fresh database: its market has never traded."""
    from tests.live import running_server

    root = tmp_path_factory.mktemp("conditional-e2e")
    database = root / "cooud.sqlite3"
    with running_server(database, root / "server.log", command=[sys.executable, "-m", "impl.cli", "serve"]) as base:
        yield base, database


def cli(database: Path, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "impl.cli", *args, "--database", str(database)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_stop_loss_take_profit_and_trailing_stop_end_to_end(client_package, server):
    from cooud_exchange_client import AuthenticatedClient, Client
    from cooud_exchange_client.api.account import get_account
    from cooud_exchange_client.api.auth import login
    from cooud_exchange_client.api.orders import (
        cancel_conditional_order,
        get_conditional_order,
        get_order,
        list_conditional_order_history,
        list_conditional_orders,
        list_fills,
        list_orders,
        place_conditional_order,
        place_order,
    )
    from cooud_exchange_client.api.wallet import list_balances
    from cooud_exchange_client.models import (
        ConditionalOrder,
        ConditionalOrderRequest,
        ConditionalOrderStatus,
        ConditionalOrderType,
        ErrorEnvelope,
        Liquidity,
        LoginRequest,
        Order,
        OrderRequest,
        OrderStatus,
        OrderType,
        Side,
        TimeInForce,
        TriggerDirection,
        TriggerPriceType,
    )

    base, database = server
    public = Client(base_url=f"{base}/v1", raise_on_unexpected_status=True)
    for email, deposits in ((M, {"BTC": "1", "USDT": "10000"}), (T, {"BTC": "1", "USDT": "10000"}),
                            (C, {"BTC": "0.1", "USDT": "100"})):
        cli(database, "user", "create", "--email", email, "--password", PASSWORD)
        for asset, amount in deposits.items():
            cli(database, "deposit", "--email", email, "--asset", asset, "--amount", amount)

    tokens: dict[str, str] = {}

    def session(email: str) -> AuthenticatedClient:
        reply = login.sync(client=public, body=LoginRequest(email=email, password=PASSWORD))
        assert reply is not None and reply.access_token, reply
        tokens[email] = reply.access_token
        return AuthenticatedClient(base_url=f"{base}/v1", token=reply.access_token, raise_on_unexpected_status=True)

    m, t, c = session(M), session(T), session(C)

    def order(client: AuthenticatedClient, **fields) -> Order:
        placed = place_order.sync(client=client, body=OrderRequest(symbol=SYMBOL, **fields),
                                  idempotency_key=str(uuid.uuid4()))
        assert isinstance(placed, Order), placed
        return placed

    def trade(price: str, size: str = "0.00100") -> None:
        """M rests a sell, T lifts it: one trade at `price`."""
        order(m, side=Side.SELL, type_=OrderType.LIMIT, price=price, size=size)
        assert order(t, side=Side.BUY, type_=OrderType.LIMIT, price=price, size=size).status == OrderStatus.FILLED

    def place(**fields):
        return place_conditional_order.sync_detailed(
            client=c, body=ConditionalOrderRequest(symbol=SYMBOL, side=Side.SELL, **fields),
            idempotency_key=str(uuid.uuid4()))

    def get(conditional_id: str) -> tuple[ConditionalOrder, dict]:
        response = get_conditional_order.sync_detailed(conditional_id, client=c)
        assert response.status_code == 200 and isinstance(response.parsed, ConditionalOrder), response.content
        return response.parsed, json.loads(response.content)

    def balances() -> tuple[dict[str, tuple[str, str, str]], dict[str, dict]]:
        response = list_balances.sync_detailed(client=c)
        assert response.status_code == 200, response.content
        raw = {b["asset"]: b for b in json.loads(response.content)["data"]}
        return {a: (b["total"], b["free"], b["locked"]) for a, b in raw.items()}, raw

    account = get_account.sync(client=c)
    taker_rate = Decimal(account.fee_tier.taker_fee_rate)
    assert balances()[0]["BTC"] == (units(10_000_000),) * 2 + (units(0),)  # the CLI deposits are seen at once

    with CHECKER.audit("conditional orders e2e"), StreamClient(base, "holder") as ws:
        reply = ws.request({"op": "auth", "id": "auth", "args": {"method": "bearer", "token": tokens[C]}})
        assert reply["op"] == "auth" and reply["result"] == {"user_id": account.id, "method": "bearer"}, reply
        reply = ws.request({"op": "subscribe", "id": "sub", "args": ["conditional_orders", "orders", "balances"]})
        assert reply["op"] == "subscribe", reply
        assert sorted(reply["result"]["channels"]) == ["balances", "conditional_orders", "orders"], reply
        ws.drain(quiet=0.2, limit=2)
        ws.events.clear()  # whatever a subscription sends first (current state) is not a transition

        # 1. A trade sets the last price.
        trade("60000.00")

        # 2. The stop loss, the take profit (the bracket's other side, without OCO) and a trailing stop.
        response = place(type_=ConditionalOrderType.STOP_MARKET, trigger_price="59100.00", size="0.01237",
                         client_order_id="sl-1")
        assert response.status_code == 201, response.content
        sl, sl_placed = response.parsed, json.loads(response.content)
        assert (sl.status, sl.type_, sl.trigger_direction, sl.trigger_price, sl.trigger_price_type, sl.size,
                sl.quote_size, sl.price, sl.tif, sl.reserved, sl.reserved_asset, sl.client_order_id) == \
            (ConditionalOrderStatus.NEW, ConditionalOrderType.STOP_MARKET, TriggerDirection.FALL, "59100.00",
             TriggerPriceType.LAST, "0.01237", None, None, TimeInForce.IOC, units(1_237_000), "BTC", "sl-1")
        assert (sl.reason, sl.order_id, sl.order_list_id, sl.triggered_at, sl.tracked_price) == (None,) * 5
        assert sl.id.startswith("cond_")

        response = place(type_=ConditionalOrderType.TAKE_PROFIT_LIMIT, trigger_price="62000.00", price="62000.00",
                         size="0.01000")
        assert response.status_code == 201, response.content
        tp = response.parsed
        assert (tp.status, tp.trigger_direction, tp.trigger_price, tp.price, tp.size, tp.tif, tp.reserved,
                tp.reserved_asset, tp.client_order_id) == \
            (ConditionalOrderStatus.NEW, TriggerDirection.RISE, "62000.00", "62000.00", "0.01000", TimeInForce.GTC,
             units(1_000_000), "BTC", None)

        response = place(type_=ConditionalOrderType.TRAILING_STOP, callback_rate="5", size="0.00500")
        assert response.status_code == 201, response.content
        ts = response.parsed
        assert (ts.status, ts.trigger_direction, ts.callback_rate, ts.callback_amount, ts.activation_price,
                ts.tracked_price, ts.trigger_price, ts.reserved, ts.reserved_asset) == \
            (ConditionalOrderStatus.NEW, TriggerDirection.FALL, "5.00", None, None, "60000.00", "57000.00",
             units(500_000), "BTC")

        got, raw = get(sl.id)
        assert raw == sl_placed  # read back exactly as placed
        current = list_conditional_orders.sync(client=c, symbol=PATH_SYMBOL)
        assert [x.id for x in current.data] == [ts.id, tp.id, sl.id] and current.next_cursor is None  # newest first
        assert list_conditional_order_history.sync(client=c).data == []
        locked = 1_237_000 + 1_000_000 + 500_000
        assert balances()[0]["BTC"] == (units(10_000_000), units(10_000_000 - locked), units(locked))

        # 3. A higher trade: the trailing stop follows it; nothing fires.
        trade("60500.07")
        ts_now, _ = get(ts.id)
        assert (ts_now.status, ts_now.tracked_price, ts_now.trigger_price) == \
            (ConditionalOrderStatus.NEW, "60500.07", "57475.06")
        assert get(sl.id)[0].status == get(tp.id)[0].status == ConditionalOrderStatus.NEW

        # 4. The taker's trade crosses the stop loss, whose market sell fills against the rest of M's bid.
        bid = order(m, side=Side.BUY, type_=OrderType.LIMIT, price="59000.37", size="0.02000")
        hit = order(t, side=Side.SELL, type_=OrderType.LIMIT, price="59000.37", size="0.00500", tif=TimeInForce.IOC)
        assert hit.status == OrderStatus.FILLED
        sl_end, sl_raw = get(sl.id)
        assert (sl_end.status, sl_end.reason, sl_end.reserved) == (ConditionalOrderStatus.FINISHED, "filled", units(0))
        assert sl_end.order_id and sl_end.triggered_at is not None and sl_end.order_list_id is None
        placed = get_order.sync_detailed(sl_end.order_id, client=c)
        assert placed.status_code == 200, placed.content
        placed_order, placed_raw = placed.parsed, json.loads(placed.content)
        quote = 72_983_457_690  # 59000.37 × 0.01237 USDT, in units
        assert Decimal("59000.37") * Decimal("0.01237") * 10 ** 8 == quote
        fee = int((quote * taker_rate).to_integral_value(ROUND_CEILING))
        assert (placed_order.conditional_order_id, placed_order.side, placed_order.type_, placed_order.status,
                placed_order.size, placed_order.filled, placed_order.remaining, placed_order.average_price,
                placed_order.fee, placed_order.fee_asset) == \
            (sl.id, Side.SELL, OrderType.MARKET, OrderStatus.FILLED, "0.01237", "0.01237", "0.00000",
             "59000.37000000", units(fee), "USDT")
        fills = list_fills.sync(client=c, order_id=placed_order.id).data
        assert [(f.price, f.size, f.quote_amount, f.fee, f.liquidity) for f in fills] == \
            [("59000.37", "0.01237", units(quote), units(fee), Liquidity.TAKER)]
        assert [o.id for o in list_orders.sync(client=c).data] == [placed_order.id]  # C placed no other order
        bid_now = get_order.sync(bid.id, client=m)
        assert (bid_now.status, bid_now.filled) == (OrderStatus.PARTIALLY_FILLED, "0.01737")  # T's 0.005 + SL's
        assert get(ts.id)[0].tracked_price == "60500.07" and get(tp.id)[0].status == ConditionalOrderStatus.NEW

        # 5. The take profit is cancelled: its reservation is released.
        cancelled = cancel_conditional_order.sync_detailed(tp.id, client=c, idempotency_key=str(uuid.uuid4()))
        assert cancelled.status_code == 200, cancelled.content
        assert (cancelled.parsed.status, cancelled.parsed.reason, cancelled.parsed.reserved) == \
            (ConditionalOrderStatus.CANCELLED, "requested", units(0))
        tp_end, tp_raw = get(tp.id)
        assert tp_raw == json.loads(cancelled.content)
        assert [x.id for x in list_conditional_order_history.sync(client=c, symbol=PATH_SYMBOL).data] == \
            [tp.id, sl.id]
        assert [x.id for x in list_conditional_orders.sync(client=c).data] == [ts.id]
        ts_end, ts_raw = get(ts.id)

        # Balances, exact to the unit (see the module docstring).
        assert fee == 145_966_916
        btc_total, btc_locked = 10_000_000 - 1_237_000, 500_000
        usdt_total = 10_000_000_000 + quote - fee
        final, final_raw = balances()
        assert final["BTC"] == (units(btc_total), units(btc_total - btc_locked), units(btc_locked))
        assert final["USDT"] == (units(usdt_total),) * 2 + (units(0),)
        assert final["USDT"][0] == "828.37490774"

        # The stream: every transition, in engine order, the last of each equal to its REST GET.
        ws.wait_for(lambda f: f["channel"] == "conditional_orders" and f["data"]["id"] == tp.id
                    and f["data"]["status"] == "cancelled")
        ws.drain(quiet=0.3, limit=3)
        frames = [f["data"] for f in ws.events if f["channel"] == "conditional_orders"]
        names = {sl.id: "SL", tp.id: "TP", ts.id: "TS"}
        assert [(names[d["id"]], d["status"], d["tracked_price"], d["trigger_price"]) for d in frames] == [
            ("SL", "new", None, "59100.00"),
            ("TP", "new", None, "62000.00"),
            ("TS", "new", "60000.00", "57000.00"),
            ("TS", "new", "60500.07", "57475.06"),
            ("SL", "finished", None, "59100.00"),
            ("TP", "cancelled", None, "62000.00"),
        ]
        last = {d["id"]: d for d in frames}
        assert (last[sl.id], last[tp.id], last[ts.id]) == (sl_raw, tp_raw, ts_raw)
        assert frames[0] == sl_placed

        order_frames = [f["data"] for f in ws.events if f["channel"] == "orders"]
        assert order_frames and {d["id"] for d in order_frames} == {placed_order.id}
        assert all(d["conditional_order_id"] == sl.id for d in order_frames)
        assert order_frames[-1] == placed_raw

        balance_frames = [f["data"] for f in ws.events if f["channel"] == "balances"]
        assert {d["asset"] for d in balance_frames} == {"BTC", "USDT"}
        last_balance = {d["asset"]: d for d in balance_frames}
        assert last_balance == {a: final_raw[a] for a in ("BTC", "USDT")}
        # Every BTC reservation and release showed: three placements, the fill, the cancel.
        assert [d["locked"] for d in balance_frames if d["asset"] == "BTC"] == [
            units(1_237_000), units(2_237_000), units(2_737_000), units(1_500_000), units(500_000)]

    # The refusals, each in the one error envelope.
    def refused(response, status: int, code: str) -> ErrorEnvelope:
        assert response.status_code == status, (response.status_code, response.content)
        assert isinstance(response.parsed, ErrorEnvelope), response.content
        body = json.loads(response.content)
        assert set(body) == {"error"} and body["error"]["code"] == code, body
        assert body["error"]["request_id"].startswith("req_") and body["error"]["message"], body
        return response.parsed

    # the last price is 59000.37: a stop-loss sell at or above it would fire at once
    refused(place(type_=ConditionalOrderType.STOP_MARKET, trigger_price="59000.37", size="0.00100"),
            422, "would_trigger_immediately")
    error = refused(place(type_=ConditionalOrderType.STOP_MARKET, trigger_price="50000.00", size="0.00100",
                          trigger_price_type=TriggerPriceType.MARK), 422, "trigger_price_type_unsupported")
    refused(cancel_conditional_order.sync_detailed(sl.id, client=c, idempotency_key=str(uuid.uuid4())),
            422, "conditional_order_not_open")
    refused(get_conditional_order.sync_detailed("cond_" + "0" * 26, client=c), 404, "conditional_order_not_found")
    error = refused(place(type_=ConditionalOrderType.TRAILING_STOP, callback_rate="5", trigger_price="50000.00",
                          size="0.00100"), 400, "invalid_request")
    assert "trigger_price" in [d.field for d in error.error.details], error
    # a field the closed request object does not have (the generated model cannot send one: raw, same client)
    raw = c.get_httpx_client().post("/conditional-orders", headers={"Idempotency-Key": str(uuid.uuid4())}, json={
        "symbol": SYMBOL, "side": "sell", "type": "stop_market", "trigger_price": "50000.00", "size": "0.00100",
        "stop_price": "50000.00"})
    assert raw.status_code == 400 and raw.json()["error"]["code"] == "invalid_request", raw.text
    assert "stop_price" in json.dumps(raw.json()["error"]["details"]), raw.text

    # Nothing refused changed anything; the ledger (which counts the trailing stop's reservation) checks out.
    assert balances()[0] == final
    assert [x.id for x in list_conditional_orders.sync(client=c).data] == [ts.id]
    report = subprocess.run([sys.executable, "-m", "impl.cli", "ledger", "check", "--database", str(database)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, env=dict(os.environ,
                                                                                           PYTHONPATH=str(ROOT)))
    assert report.returncode == 0 and json.loads(report.stdout)["ok"], report.stdout + report.stderr
