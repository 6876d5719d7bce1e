"""End to end: conditional orders through the GENERATED client (pip-installed on its own from generated/client, by
conftest.py's `client_package`) against a real server process (`python -m impl.cli serve` from this checkout, the
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

`test_oco_brackets_end_to_end` does the same for strategy orders (POST /order-lists): two OCO brackets — one closed
by its take profit's fills, one by its stop — on a server of its own; its docstring has its arithmetic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from impl.domain.units import to_string
from tests.stream_support import CHECKER, StreamClient

if TYPE_CHECKING:  # importable only while the `client_package` fixture has the installed copy on sys.path
    from cooud_exchange_client import AuthenticatedClient
    from cooud_exchange_client.models import ErrorEnvelope, Order

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
M, T, C = "cond-maker@example.com", "cond-taker@example.com", "cond-holder@example.com"
SYMBOL, PATH_SYMBOL = "BTC/USDT", "BTC-USDT"

pytestmark = pytest.mark.live


def units(amount: int) -> str:
    return to_string(amount, 8)  # BTC and USDT both have 8 decimals


def serving(tmp_path_factory, name: str):
    """`cooud serve` of this checkout (not `make run`, which would build a virtualenv in a worktree without one)
    on a fresh database: its market has never traded."""
    from tests.live import running_server

    root = tmp_path_factory.mktemp(name)
    database = root / "cooud.sqlite3"
    with running_server(database, root / "server.log", command=[sys.executable, "-m", "impl.cli", "serve"]) as base:
        yield base, database


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serving(tmp_path_factory, "conditional-e2e")


@pytest.fixture(scope="module")
def oco_server(tmp_path_factory):
    """A server of its own for the OCO brackets, so that their prices and balances do not depend on whether (or
    in which order) the other test ran."""
    yield from serving(tmp_path_factory, "oco-e2e")


def cli(database: Path, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "impl.cli", *args, "--database", str(database)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def open_accounts(base: str, database: Path, maker: str, taker: str, holder: str
                  ) -> tuple[tuple[AuthenticatedClient, AuthenticatedClient, AuthenticatedClient], dict[str, str]]:
    """A scenario's three accounts, created and funded with the operator CLI while the server runs (the maker and the
    taker 1 BTC and 10000 USDT each, the holder 0.1 BTC and 100 USDT), then each logged in through the generated
    client: their clients (maker, taker, holder) and their access tokens by email."""
    from cooud_exchange_client import AuthenticatedClient, Client
    from cooud_exchange_client.api.auth import login
    from cooud_exchange_client.models import LoginRequest

    public = Client(base_url=f"{base}/v1", raise_on_unexpected_status=True)
    for email, deposits in ((maker, {"BTC": "1", "USDT": "10000"}), (taker, {"BTC": "1", "USDT": "10000"}),
                            (holder, {"BTC": "0.1", "USDT": "100"})):
        cli(database, "user", "create", "--email", email, "--password", PASSWORD)
        for asset, amount in deposits.items():
            cli(database, "deposit", "--email", email, "--asset", asset, "--amount", amount)

    tokens: dict[str, str] = {}

    def session(email: str) -> AuthenticatedClient:
        reply = login.sync(client=public, body=LoginRequest(email=email, password=PASSWORD))
        assert reply is not None and reply.access_token, reply
        tokens[email] = reply.access_token
        return AuthenticatedClient(base_url=f"{base}/v1", token=reply.access_token, raise_on_unexpected_status=True)

    return (session(maker), session(taker), session(holder)), tokens


def order(client: AuthenticatedClient, **fields) -> Order:
    """A plain BTC/USDT order, which must be accepted."""
    from cooud_exchange_client.api.orders import place_order
    from cooud_exchange_client.models import Order, OrderRequest

    placed = place_order.sync(client=client, body=OrderRequest(symbol=SYMBOL, **fields),
                              idempotency_key=str(uuid.uuid4()))
    assert isinstance(placed, Order), placed
    return placed


def balances(client: AuthenticatedClient) -> tuple[dict[str, tuple[str, str, str]], dict[str, dict]]:
    """The account's balances: (total, free, locked) by asset, and each as the JSON object GET /balances sent."""
    from cooud_exchange_client.api.wallet import list_balances

    response = list_balances.sync_detailed(client=client)
    assert response.status_code == 200, response.content
    raw = {b["asset"]: b for b in json.loads(response.content)["data"]}
    return {a: (b["total"], b["free"], b["locked"]) for a, b in raw.items()}, raw


def listen(ws: StreamClient, token: str, user_id: str, channels: list[str]) -> None:
    """Authenticates the stream with the access token (as `user_id`) and subscribes to the private `channels`."""
    reply = ws.request({"op": "auth", "id": "auth", "args": {"method": "bearer", "token": token}})
    assert reply["op"] == "auth" and reply["result"] == {"user_id": user_id, "method": "bearer"}, reply
    reply = ws.request({"op": "subscribe", "id": "sub", "args": channels})
    assert reply["op"] == "subscribe" and sorted(reply["result"]["channels"]) == sorted(channels), reply
    ws.drain(quiet=0.2, limit=2)
    ws.events.clear()  # whatever a subscription sends first (current state) is not a transition


def refused(response, status: int, code: str) -> ErrorEnvelope:
    """A refusal, in the one error envelope: `status`, error `code`, a request id and a message."""
    from cooud_exchange_client.models import ErrorEnvelope

    assert response.status_code == status, (response.status_code, response.content)
    assert isinstance(response.parsed, ErrorEnvelope), response.content
    body = json.loads(response.content)
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert body["error"]["request_id"].startswith("req_") and body["error"]["message"], body
    return response.parsed


def test_stop_loss_take_profit_and_trailing_stop_end_to_end(client_package, server):
    from cooud_exchange_client.api.account import get_account
    from cooud_exchange_client.api.orders import (
        cancel_conditional_order,
        get_conditional_order,
        get_order,
        list_conditional_order_history,
        list_conditional_orders,
        list_fills,
        list_orders,
        place_conditional_order,
    )
    from cooud_exchange_client.models import (
        ConditionalOrder,
        ConditionalOrderRequest,
        ConditionalOrderStatus,
        ConditionalOrderType,
        Liquidity,
        OrderStatus,
        OrderType,
        Side,
        TimeInForce,
        TriggerDirection,
        TriggerPriceType,
    )

    base, database = server
    (m, t, c), tokens = open_accounts(base, database, M, T, C)

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

    account = get_account.sync(client=c)
    taker_rate = Decimal(account.fee_tier.taker_fee_rate)
    assert balances(c)[0]["BTC"] == (units(10_000_000),) * 2 + (units(0),)  # the CLI deposits are seen at once

    with CHECKER.audit("conditional orders e2e"), StreamClient(base, "holder") as ws:
        listen(ws, tokens[C], account.id, ["conditional_orders", "orders", "balances"])

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
        assert balances(c)[0]["BTC"] == (units(10_000_000), units(10_000_000 - locked), units(locked))

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
        final, final_raw = balances(c)
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
    assert balances(c)[0] == final
    assert [x.id for x in list_conditional_orders.sync(client=c).data] == [ts.id]
    assert cli(database, "ledger", "check")["ok"]


def test_oco_brackets_end_to_end(client_package, oco_server):
    """Two OCO brackets (strategy orders, POST /order-lists) through the generated client, on a server of their own.

    Accounts M (maker), T (taker) and C (the brackets' holder, listening on `order_lists`, `conditional_orders`,
    `orders` and `balances`). C deposits 0.1 BTC (10_000_000 sat) and 100 USDT (10_000_000_000 units); fees at C's
    GET /account rates (tier 0: maker 0.001, taker 0.002), on the asset received, rounded UP to the unit.

      1. M sells 0.00100 @ 60000.00, T buys it: last price 60000.00.
      2. Bracket 1, OCO sell: TP1 limit GTC 0.01000 @ 61000.37 (the plain order) + SL1 stop_market trigger 59500.00
         size 0.01000. Funds once for the pair: TP1 reserves 1_000_000 sat, SL1 0 -> BTC locked 1_000_000.
      3. T buys 0.00437 @ 61000.37: TP1 partially filled (C maker): quote 26_657_161_690, fee 26_657_161.69 ->
         26_657_162; in that step SL1 is cancelled (reason oco_sibling): BTC locked 563_000.
      4. T buys 0.00563 @ 61000.37: TP1 filled: quote 34_343_208_310, fee 34_343_208.31 -> 34_343_209; bracket 1
         `done`. C: BTC 9_000_000 (locked 0), USDT 70_939_369_629.
      5. Bracket 2 (client_list_id bracket-2), OCO sell: TP2 limit 0.01913 @ 62000.00 + SL2 stop_market trigger
         59800.00 size 0.01913: BTC locked 1_913_000.
      6. M bids 0.05000 @ 59700.03; T sells 0.00500 into it: the trade crosses SL2 (<= 59800.00). In the trigger's
         step TP2 is cancelled (oco_sibling) first — releasing its 1_913_000 sat — then SL2's market sell of
         0.01913 reserves them and fills against the rest of M's bid (C taker): quote 114_206_157_390, fee
         228_412_314.78 -> 228_412_315. Bracket 2 `done`.
      Final C: BTC total 7_087_000, locked 0; USDT 184_917_114_704 (1849.17114704).
    The four channels show every transition in engine order (one frame per changed object per engine step); the last
    frame of each object equals its REST GET. Then the refusals: cancel of an ended list, an unknown list, amend of a
    live leg's order (a third bracket, then cancelled: its legs end `list_cancelled`), OCO legs of two sides.
    """
    from cooud_exchange_client.api.account import get_account
    from cooud_exchange_client.api.orders import (
        amend_order,
        cancel_order_list,
        get_conditional_order,
        get_order,
        get_order_list,
        list_fills,
        list_order_list_history,
        list_order_lists,
        place_order_list,
    )
    from cooud_exchange_client.models import (
        ConditionalOrderRequest,
        ConditionalOrderStatus,
        ConditionalOrderType,
        Liquidity,
        Order,
        OrderAmendRequest,
        OrderRequest,
        OrderStatus,
        OrderType,
        Side,
        StrategyOrder,
        StrategyOrderLegRole,
        StrategyOrderLegStatus,
        StrategyOrderRequest,
        StrategyOrderStatus,
        StrategyOrderType,
        TimeInForce,
        TriggerDirection,
    )

    base, database = oco_server
    maker, taker, holder = "oco-maker@example.com", "oco-taker@example.com", "oco-holder@example.com"
    (m, t, c), tokens = open_accounts(base, database, maker, taker, holder)

    def bracket(tp_price: str, trigger: str, size: str, **fields):
        """An OCO sell: a take-profit limit order above the market and a stop-loss market sell below it."""
        body = StrategyOrderRequest(type_=StrategyOrderType.OCO, legs=[
            OrderRequest(symbol=SYMBOL, side=Side.SELL, type_=OrderType.LIMIT, price=tp_price, size=size),
            ConditionalOrderRequest(symbol=SYMBOL, side=Side.SELL, type_=ConditionalOrderType.STOP_MARKET,
                                    trigger_price=trigger, size=size, **fields.pop("stop", {}))], **fields)
        response = place_order_list.sync_detailed(client=c, body=body, idempotency_key=str(uuid.uuid4()))
        return response, body.to_dict()

    def placed_bracket(*args, **fields) -> tuple[StrategyOrder, dict]:
        response, sent = bracket(*args, **fields)
        assert response.status_code == 201 and isinstance(response.parsed, StrategyOrder), response.content
        lst, raw = response.parsed, json.loads(response.content)
        assert (lst.type_, lst.symbol, lst.status, lst.reason) == \
            (StrategyOrderType.OCO, SYMBOL, StrategyOrderStatus.WORKING, None)
        assert lst.id.startswith("olst_") and lst.created_at == lst.updated_at
        assert [(leg.role, leg.status, leg.reason) for leg in lst.legs] == \
            [(StrategyOrderLegRole.OCO, StrategyOrderLegStatus.LIVE, None)] * 2
        tp_leg, sl_leg = lst.legs
        assert tp_leg.order_id.startswith("ord_") and tp_leg.conditional_order_id is None
        assert sl_leg.conditional_order_id.startswith("cond_") and sl_leg.order_id is None
        assert [leg["request"] for leg in raw["legs"]] == sent["legs"]  # each leg as it was sent
        return lst, raw

    def get_list(list_id: str) -> tuple[StrategyOrder, dict]:
        response = get_order_list.sync_detailed(list_id, client=c)
        assert response.status_code == 200 and isinstance(response.parsed, StrategyOrder), response.content
        return response.parsed, json.loads(response.content)

    def get_cond(conditional_id: str):
        response = get_conditional_order.sync_detailed(conditional_id, client=c)
        assert response.status_code == 200, response.content
        return response.parsed, json.loads(response.content)

    def get_ord(order_id: str):
        response = get_order.sync_detailed(order_id, client=c)
        assert response.status_code == 200 and isinstance(response.parsed, Order), response.content
        return response.parsed, json.loads(response.content)

    def assert_balances(btc_total: int, btc_locked: int, usdt_total: int) -> None:
        """C's BTC and USDT (total, free, locked), to the unit; C never has USDT locked (it only sells)."""
        got = balances(c)[0]
        assert (got["BTC"], got["USDT"]) == (
            (units(btc_total), units(btc_total - btc_locked), units(btc_locked)),
            (units(usdt_total), units(usdt_total), units(0)))

    def current() -> list[str]:
        page = list_order_lists.sync(client=c, symbol=PATH_SYMBOL)
        assert page.next_cursor is None
        return [x.id for x in page.data]

    def history() -> list[str]:
        page = list_order_list_history.sync(client=c, symbol=PATH_SYMBOL)
        assert page.next_cursor is None
        return [x.id for x in page.data]

    account = get_account.sync(client=c)
    maker_rate, taker_rate = Decimal(account.fee_tier.maker_fee_rate), Decimal(account.fee_tier.taker_fee_rate)
    assert (maker_rate, taker_rate) == (Decimal("0.001"), Decimal("0.002"))  # tier 0, at most the market's rates

    def fee(quote: int, rate: Decimal) -> int:
        return int((quote * rate).to_integral_value(ROUND_CEILING))

    def quote_of(price: str, size: str) -> int:
        exact = Decimal(price) * Decimal(size) * 10 ** 8
        assert exact == exact.to_integral_value()
        return int(exact)

    usdt = 10_000_000_000
    assert_balances(10_000_000, 0, usdt)

    with CHECKER.audit("oco brackets e2e"), StreamClient(base, "oco-holder") as ws:
        listen(ws, tokens[holder], account.id, ["order_lists", "conditional_orders", "orders", "balances"])

        # 1. A trade sets the last price.
        order(m, side=Side.SELL, type_=OrderType.LIMIT, price="60000.00", size="0.00100")
        assert order(t, side=Side.BUY, type_=OrderType.LIMIT, price="60000.00", size="0.00100").status == \
            OrderStatus.FILLED

        # 2. Bracket 1: reserved once for the pair.
        l1, l1_placed = placed_bracket("61000.37", "59500.00", "0.01000")
        tp1, sl1 = l1.legs[0].order_id, l1.legs[1].conditional_order_id
        assert_balances(10_000_000, 1_000_000, usdt)  # the size once, not twice
        sl1_new, _ = get_cond(sl1)
        assert (sl1_new.status, sl1_new.trigger_direction, sl1_new.reserved, sl1_new.reserved_asset,
                sl1_new.order_list_id, sl1_new.order_id) == \
            (ConditionalOrderStatus.NEW, TriggerDirection.FALL, units(0), "BTC", l1.id, None)
        tp1_new, _ = get_ord(tp1)
        assert (tp1_new.status, tp1_new.order_list_id, tp1_new.conditional_order_id, tp1_new.tif) == \
            (OrderStatus.OPEN, l1.id, None, TimeInForce.GTC)
        assert get_list(l1.id)[1] == l1_placed
        assert current() == [l1.id] and history() == []

        # 3. A partial fill of the take profit cancels the stop in the same step; the list still works.
        q1 = quote_of("61000.37", "0.00437")
        f1 = fee(q1, maker_rate)
        assert order(t, side=Side.BUY, type_=OrderType.LIMIT, price="61000.37", size="0.00437").status == \
            OrderStatus.FILLED
        sl1_end, sl1_raw = get_cond(sl1)
        assert (sl1_end.status, sl1_end.reason, sl1_end.reserved, sl1_end.order_id, sl1_end.order_list_id) == \
            (ConditionalOrderStatus.CANCELLED, "oco_sibling", units(0), None, l1.id)
        mid, _ = get_list(l1.id)
        assert (mid.status, [leg.status for leg in mid.legs]) == \
            (StrategyOrderStatus.WORKING, [StrategyOrderLegStatus.LIVE, StrategyOrderLegStatus.ENDED])
        assert (get_ord(tp1)[0].status, get_ord(tp1)[0].filled) == (OrderStatus.PARTIALLY_FILLED, "0.00437")
        assert_balances(9_563_000, 563_000, usdt + q1 - f1)
        assert current() == [l1.id]

        # 4. The rest of it: the list is done.
        q2 = quote_of("61000.37", "0.00563")
        f2 = fee(q2, maker_rate)
        assert order(t, side=Side.BUY, type_=OrderType.LIMIT, price="61000.37", size="0.00563").status == \
            OrderStatus.FILLED
        l1_end, l1_raw = get_list(l1.id)
        assert (l1_end.status, l1_end.reason) == (StrategyOrderStatus.DONE, None)
        assert [(leg.status, leg.reason, leg.order_id, leg.conditional_order_id) for leg in l1_end.legs] == \
            [(StrategyOrderLegStatus.ENDED, None, tp1, None), (StrategyOrderLegStatus.ENDED, None, None, sl1)]
        tp1_end, tp1_raw = get_ord(tp1)
        assert (tp1_end.status, tp1_end.filled, tp1_end.remaining, tp1_end.fee, tp1_end.fee_asset,
                tp1_end.order_list_id, tp1_end.cancel_reason) == \
            (OrderStatus.FILLED, "0.01000", "0.00000", units(f1 + f2), "USDT", l1.id, None)
        fills = list_fills.sync(client=c, order_id=tp1).data
        assert sorted((f.size, f.quote_amount, f.fee, f.liquidity) for f in fills) == sorted(
            [("0.00437", units(q1), units(f1), Liquidity.MAKER), ("0.00563", units(q2), units(f2), Liquidity.MAKER)])
        assert (q1, f1, q2, f2) == (26_657_161_690, 26_657_162, 34_343_208_310, 34_343_209)
        usdt += q1 - f1 + q2 - f2
        assert usdt == 70_939_369_629
        assert_balances(9_000_000, 0, usdt)
        assert current() == [] and history() == [l1.id]

        # 5. Bracket 2.
        l2, l2_placed = placed_bracket("62000.00", "59800.00", "0.01913", client_list_id="bracket-2",
                                       stop={"client_order_id": "sl-2"})
        assert l2.client_list_id == "bracket-2"
        tp2, sl2 = l2.legs[0].order_id, l2.legs[1].conditional_order_id
        assert_balances(9_000_000, 1_913_000, usdt)
        assert get_cond(sl2)[0].client_order_id == "sl-2"

        # 6. A taker's trade crosses the stop: the take profit is cancelled, then the stop's market sell fills.
        bid = order(m, side=Side.BUY, type_=OrderType.LIMIT, price="59700.03", size="0.05000")
        assert order(t, side=Side.SELL, type_=OrderType.LIMIT, price="59700.03", size="0.00500",
                     tif=TimeInForce.IOC).status == OrderStatus.FILLED
        sl2_end, sl2_raw = get_cond(sl2)
        assert (sl2_end.status, sl2_end.reason, sl2_end.reserved, sl2_end.order_list_id) == \
            (ConditionalOrderStatus.FINISHED, "filled", units(0), l2.id)
        assert sl2_end.order_id and sl2_end.triggered_at is not None
        sl2_order = sl2_end.order_id
        tp2_end, tp2_raw = get_ord(tp2)
        assert (tp2_end.status, tp2_end.cancel_reason, tp2_end.filled, tp2_end.order_list_id) == \
            (OrderStatus.CANCELLED, "oco_sibling", "0.00000", l2.id)
        q3 = quote_of("59700.03", "0.01913")
        f3 = fee(q3, taker_rate)
        mkt, mkt_raw = get_ord(sl2_order)
        assert (mkt.side, mkt.type_, mkt.status, mkt.size, mkt.filled, mkt.average_price, mkt.fee,
                mkt.conditional_order_id, mkt.order_list_id) == \
            (Side.SELL, OrderType.MARKET, OrderStatus.FILLED, "0.01913", "0.01913", "59700.03000000", units(f3),
             sl2, None)  # placed by the conditional order, which is the list's leg
        assert [(f.price, f.size, f.quote_amount, f.fee, f.liquidity)
                for f in list_fills.sync(client=c, order_id=sl2_order).data] == \
            [("59700.03", "0.01913", units(q3), units(f3), Liquidity.TAKER)]
        bid_now = get_order.sync(bid.id, client=m)
        assert (bid_now.status, bid_now.filled) == (OrderStatus.PARTIALLY_FILLED, "0.02413")  # T's 0.005 + SL2's
        l2_end, l2_raw = get_list(l2.id)
        assert (l2_end.status, l2_end.reason, l2_end.client_list_id) == (StrategyOrderStatus.DONE, None, "bracket-2")
        assert [(leg.status, leg.reason, leg.order_id, leg.conditional_order_id) for leg in l2_end.legs] == \
            [(StrategyOrderLegStatus.ENDED, None, tp2, None), (StrategyOrderLegStatus.ENDED, None, sl2_order, sl2)]
        assert (q3, f3) == (114_206_157_390, 228_412_315)
        usdt += q3 - f3
        assert_balances(7_087_000, 0, usdt)
        final, final_raw = balances(c)
        assert final["USDT"][0] == "1849.17114704"
        assert current() == [] and history() == [l2.id, l1.id]  # newest first

        # The stream: every transition in engine order, one frame per changed object per engine step.
        ws.wait_for(lambda f: f["channel"] == "order_lists" and f["data"]["id"] == l2.id
                    and f["data"]["status"] == "done")
        ws.drain(quiet=0.3, limit=3)
        names = {tp1: "TP1", sl1: "SL1", l1.id: "L1", tp2: "TP2", sl2: "SL2", l2.id: "L2", sl2_order: "SL2 order"}

        def seen(frame: dict) -> tuple:
            d = frame["data"]
            if frame["channel"] == "orders":
                return "order", names[d["id"]], d["status"], d["filled"], d["cancel_reason"]
            if frame["channel"] == "conditional_orders":
                return "conditional", names[d["id"]], d["status"], d["reason"], d["reserved"]
            if frame["channel"] == "order_lists":
                return "list", names[d["id"]], d["status"], d["reason"], tuple(leg["status"] for leg in d["legs"])
            return "balance", d["asset"], d["total"], d["locked"]

        usdt_after = (10_000_000_000 + q1 - f1, 10_000_000_000 + q1 - f1 + q2 - f2, usdt)
        assert [seen(f) for f in ws.events] == [
            # 2. bracket 1 placed: the stop first (it reserves nothing), then the take profit (which reserves)
            ("order", "TP1", "open", "0.00000", None),
            ("conditional", "SL1", "new", None, units(0)),
            ("list", "L1", "working", None, ("live", "live")),
            ("balance", "BTC", units(10_000_000), units(1_000_000)),
            # 3. the partial fill, and in that step the stop cancelled
            ("order", "TP1", "partially_filled", "0.00437", None),
            ("conditional", "SL1", "cancelled", "oco_sibling", units(0)),
            ("list", "L1", "working", None, ("live", "ended")),
            ("balance", "BTC", units(9_563_000), units(563_000)),
            ("balance", "USDT", units(usdt_after[0]), units(0)),
            # 4. filled: done
            ("order", "TP1", "filled", "0.01000", None),
            ("list", "L1", "done", None, ("ended", "ended")),
            ("balance", "BTC", units(9_000_000), units(0)),
            ("balance", "USDT", units(usdt_after[1]), units(0)),
            # 5. bracket 2 placed
            ("order", "TP2", "open", "0.00000", None),
            ("conditional", "SL2", "new", None, units(0)),
            ("list", "L2", "working", None, ("live", "live")),
            ("balance", "BTC", units(9_000_000), units(1_913_000)),
            # 6. the trigger's step: the take profit cancelled first, then the stop's order placed and filled
            ("order", "TP2", "cancelled", "0.00000", "oco_sibling"),
            ("order", "SL2 order", "filled", "0.01913", None),
            ("conditional", "SL2", "finished", "filled", units(0)),
            ("list", "L2", "done", None, ("ended", "ended")),
            ("balance", "BTC", units(7_087_000), units(0)),
            ("balance", "USDT", units(usdt_after[2]), units(0)),
        ]
        first = {}
        last = {}
        for f in ws.events:
            key = f["data"].get("id") or f["data"]["asset"]
            first.setdefault(key, f["data"])
            last[key] = f["data"]
        assert (first[l1.id], first[l2.id]) == (l1_placed, l2_placed)  # the frame is the 201 body
        assert (last[l1.id], last[l2.id]) == (l1_raw, l2_raw)
        assert (last[sl1], last[sl2]) == (sl1_raw, sl2_raw)
        assert (last[tp1], last[tp2], last[sl2_order]) == (tp1_raw, tp2_raw, mkt_raw)
        assert (last["BTC"], last["USDT"]) == (final_raw["BTC"], final_raw["USDT"])

    # The refusals, each in the one error envelope; none changes anything.
    refused(cancel_order_list.sync_detailed(l1.id, client=c, idempotency_key=str(uuid.uuid4())),
            422, "order_list_not_open")
    unknown = "olst_" + "0" * 26
    refused(get_order_list.sync_detailed(unknown, client=c), 404, "order_list_not_found")
    refused(cancel_order_list.sync_detailed(unknown, client=c, idempotency_key=str(uuid.uuid4())),
            404, "order_list_not_found")
    # A live leg's order is not amended: the list is cancelled (its legs with it) and a new one placed.
    l3, _ = placed_bracket("63000.00", "59000.00", "0.00100")
    tp3, sl3 = l3.legs[0].order_id, l3.legs[1].conditional_order_id
    refused(amend_order.sync_detailed(tp3, client=c, body=OrderAmendRequest(price="63500.00"),
                                      idempotency_key=str(uuid.uuid4())), 422, "order_in_order_list")
    assert (get_ord(tp3)[0].price, get_ord(tp3)[0].status) == ("63000.00", OrderStatus.OPEN)
    cancelled = cancel_order_list.sync_detailed(l3.id, client=c, idempotency_key=str(uuid.uuid4()))
    assert cancelled.status_code == 200 and isinstance(cancelled.parsed, StrategyOrder), cancelled.content
    assert (cancelled.parsed.status, cancelled.parsed.reason, [leg.status for leg in cancelled.parsed.legs]) == \
        (StrategyOrderStatus.CANCELLED, "requested", [StrategyOrderLegStatus.ENDED] * 2)
    assert json.loads(cancelled.content) == get_list(l3.id)[1]
    assert (get_ord(tp3)[0].status, get_ord(tp3)[0].cancel_reason) == (OrderStatus.CANCELLED, "list_cancelled")
    assert (get_cond(sl3)[0].status, get_cond(sl3)[0].reason) == (ConditionalOrderStatus.CANCELLED, "list_cancelled")
    refused(cancel_order_list.sync_detailed(l3.id, client=c, idempotency_key=str(uuid.uuid4())),
            422, "order_list_not_open")
    # A structural breach: the legs of an OCO pair sell both or buy both.
    mixed = StrategyOrderRequest(type_=StrategyOrderType.OCO, legs=[
        OrderRequest(symbol=SYMBOL, side=Side.SELL, type_=OrderType.LIMIT, price="63000.00", size="0.00100"),
        ConditionalOrderRequest(symbol=SYMBOL, side=Side.BUY, type_=ConditionalOrderType.STOP_MARKET,
                                trigger_price="65000.00", quote_size="100")])
    error = refused(place_order_list.sync_detailed(client=c, body=mixed, idempotency_key=str(uuid.uuid4())),
                    400, "invalid_request")
    assert [d.field for d in error.error.details] == ["legs[1].side"], error

    assert balances(c)[0] == final
    assert current() == [] and history() == [l3.id, l2.id, l1.id]
    assert cli(database, "ledger", "check")["ok"]
