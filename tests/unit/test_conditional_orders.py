# ruff: noqa: F811  (the `database` fixture is imported from test_engine and named by every test)
"""Conditional orders in the engine (impl/domain/conditional.py, engine.py), over a real store — SQLite and PostgreSQL:
stop loss, take profit and trailing stops fire at the first trade that crosses them, once, in the batch of that
trade, with their funds reserved from placement to trigger and the placed order linked both ways; refusals at
placement and at trigger; cancel; a restart keeps waiting triggers and trailing state.

BTC/USDT of the demo listing: price 2 decimals (99.50 = 9_950), size 5 decimals (0.2 BTC = 20_000), USDT 8
decimals (1 USDT = 10**8), BTC 8 decimals: a size unit is 1000 BTC units (BF), price × size units are 10 USDT
units (QF).
"""

from __future__ import annotations

import pytest
from test_engine import ACCOUNTS, database, limit, make_trading, open_store  # noqa: F401  (database: a fixture)

from impl.domain.conditional import trailing_trigger
from impl.domain.errors import ConditionalOrderNotFound, InvalidArgument, OrderRejected
from impl.domain.events import ConditionalUpdated, OrderUpdated

USDT, BTC = 10**8, 10**8
BF, QF = 1000, 10


def funded(database):
    store = open_store(database)
    trading = make_trading(store)
    for account in ACCOUNTS:
        trading.deposit(account, "BTC", "50", f"dep-{account}-btc")
        trading.deposit(account, "USDT", "5000000", f"dep-{account}-usdt")
        trading.deposit(account, "ETH", "100", f"dep-{account}-eth")
    return store, trading


def trade_at(trading, price: str, size: str = "0.1") -> None:
    """A trade at `price` between usr_A (maker, sell) and usr_B (taker, buy)."""
    trading.place("usr_A", limit("usr_A", "sell", price, size))
    taker = trading.place("usr_B", limit("usr_B", "buy", price, size, tif="IOC"))
    assert taker.filled, f"no trade at {price}"


def stop(side: str, kind: str, trigger: str | None, **extra) -> dict:
    request = {"symbol": "BTC/USDT", "side": side, "type": kind, **extra}
    if trigger is not None:
        request["trigger_price"] = trigger
    return request


def clean(store) -> None:
    report = store.ledger_report()
    assert all(not v for k, v in report.items() if k != "asset_totals"), report


def test_a_stop_loss_reserves_at_placement_and_fires_once_at_the_first_trade_that_crosses_it(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    trading.place("usr_A", limit("usr_A", "buy", "98.00", "1"))  # the bid the stop will sell into
    c = trading.place_conditional("usr_C", stop("sell", "stop_market", "99.00", size="0.2"))
    assert (c.status, c.trigger_direction, c.reserved) == ("new", "fall", 20_000 * BF)
    assert store.balance("usr_C", "BTC") == (50 * BTC - c.reserved, c.reserved)
    batches: list[list] = []
    trading.listeners.append(batches.append)
    trade_at(trading, "99.50")  # above the trigger: nothing
    assert trading.conditional("usr_C", c.id).status == "new"
    trade_at(trading, "99.00")  # crosses: fires in this same batch, its market sell hits the 98.00 bid
    fired = trading.conditional("usr_C", c.id)
    assert fired.status == "finished" and fired.reason == "filled" and fired.reserved == 0
    placed = trading.order("usr_C", fired.order_id)
    assert placed.parent_id == c.id and placed.status == "filled" and placed.filled == 20_000
    assert placed.filled_quote == 9_800 * 20_000 * QF  # at 98.00
    last = batches[-1]
    updates = [e.conditional.status for commit in last for e in commit.events if type(e) is ConditionalUpdated]
    assert updates == ["finished"]  # triggered and finished in one step: its final state
    assert any(type(e) is OrderUpdated and e.order.id == placed.id for commit in last for e in commit.events)
    fee = -(-9_800 * 20_000 * QF * 2 // 1000)  # taker 0.2 %, rounded up
    assert store.balance("usr_C", "BTC") == (50 * BTC - 20_000 * BF, 0)
    assert store.balance("usr_C", "USDT") == (5_000_000 * USDT + 9_800 * 20_000 * QF - fee, 0)
    trade_at(trading, "98.50")  # below the trigger again: it fired once, nothing more
    assert len(store.list_orders("usr_C", {}, 100, None)) == 1
    clean(store)


def test_a_trigger_the_last_price_already_meets_is_refused_and_a_market_that_never_traded_accepts_any(database):
    store, trading = funded(database)
    c = trading.place_conditional("usr_C", stop("sell", "stop_market", "99.00", size="0.2"))  # no trade yet
    assert c.status == "new"
    trade_at(trading, "100.00")
    with pytest.raises(OrderRejected) as refused:
        trading.place_conditional("usr_C", stop("buy", "stop_limit", "99.00", price="99.50", size="0.1"))
    assert refused.value.code == "would_trigger_immediately"
    with pytest.raises(OrderRejected) as refused:
        trading.place_conditional("usr_C", stop("sell", "take_profit_market", "100.00", size="0.1"))
    assert refused.value.code == "would_trigger_immediately"
    with pytest.raises(OrderRejected) as refused:
        trading.place_conditional("usr_C", stop("buy", "stop_market", "101.00", quote_size="999999999"))
    assert refused.value.code == "insufficient_balance"
    clean(store)


@pytest.mark.parametrize(("request_", "field"), [
    (stop("sell", "stop_market", None, size="0.1"), "trigger_price"),
    (stop("buy", "stop_market", "101.00", size="0.1"), "quote_size"),
    (stop("sell", "stop_limit", "99.00", size="0.1"), "price"),
    (stop("sell", "stop_market", "99.00", size="0.1", price="98.00"), "price"),
    (stop("sell", "trailing_stop", None, size="0.1"), "callback_rate"),
    (stop("sell", "trailing_stop", "99.00", size="0.1", callback_rate="1"), "trigger_price"),
    (stop("sell", "trailing_stop", None, size="0.1", callback_rate="1", callback_amount="1.00"), "callback_rate"),
    (stop("sell", "trailing_stop", None, size="0.1", callback_rate="10.01"), "callback_rate"),
    (stop("sell", "trailing_stop", None, size="0.1", callback_rate="0.05"), "callback_rate"),
    (stop("sell", "stop_market", "99.00", size="0.1", callback_rate="1"), "callback_rate"),
    (stop("sell", "stop_market", "99.00", size="0.1", tif="GTC"), "tif"),
])
def test_structural_rules_are_refused_naming_the_field(database, request_, field):
    _, trading = funded(database)
    with pytest.raises(InvalidArgument) as refused:
        trading.place_conditional("usr_C", request_)
    assert refused.value.field == field


def test_market_rules_and_the_trigger_price_type_are_checked_with_their_codes(database):
    _, trading = funded(database)
    for request, code, field in [
        (stop("sell", "stop_market", "99.005", size="0.1"), "invalid_tick_size", "trigger_price"),
        (stop("sell", "stop_limit", "99.00", price="98.001", size="0.1"), "invalid_tick_size", "price"),
        (stop("sell", "stop_market", "99.00", size="0.000001"), "invalid_step_size", "size"),
        (stop("sell", "stop_limit", "99.00", price="1.00", size="0.001"), "notional_too_small", "size"),
        (stop("sell", "stop_market", "99.00", size="0.1", trigger_price_type="mark"),
         "trigger_price_type_unsupported", "trigger_price_type"),
        ({**stop("sell", "stop_market", "99.00", size="0.1"), "symbol": "DOGE/USDT"}, "unknown_market", "symbol"),
    ]:
        with pytest.raises(OrderRejected) as refused:
            trading.place_conditional("usr_C", request)
        assert (refused.value.code, refused.value.field) == (code, field), request


def test_cancel_releases_the_reservation_only_while_it_waits(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    c = trading.place_conditional("usr_C", stop("buy", "stop_limit", "101.00", price="101.50", size="0.2",
                                                 client_order_id="brk-1"))
    assert c.reserved == 10_150 * 20_000 * QF
    assert store.balance("usr_C", "USDT").locked == c.reserved
    with pytest.raises(OrderRejected) as refused:
        trading.place_conditional("usr_C", stop("buy", "stop_limit", "101.00", price="101.50", size="0.2",
                                                client_order_id="brk-1"))
    assert refused.value.code == "duplicate_client_order_id"
    with pytest.raises(ConditionalOrderNotFound):
        trading.cancel_conditional("usr_B", c.id)  # not theirs
    cancelled = trading.cancel_conditional("usr_C", c.id)
    assert (cancelled.status, cancelled.reason, cancelled.reserved) == ("cancelled", "requested", 0)
    assert store.balance("usr_C", "USDT") == (5_000_000 * USDT, 0)
    with pytest.raises(OrderRejected) as refused:
        trading.cancel_conditional("usr_C", c.id)
    assert refused.value.code == "conditional_order_not_open"
    trade_at(trading, "102.00")  # would have crossed: a cancelled trigger never fires
    assert store.list_orders("usr_C", {}, 100, None) == []
    clean(store)


def test_a_fired_limit_order_keeps_it_triggered_until_its_order_ends(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    c = trading.place_conditional("usr_C", stop("buy", "take_profit_limit", "99.00", price="98.00", size="0.2"))
    assert c.trigger_direction == "fall"
    trade_at(trading, "99.00")  # fires; its bid at 98.00 rests
    fired = trading.conditional("usr_C", c.id)
    assert fired.status == "triggered" and fired.triggered_at_ms is not None
    placed = trading.order("usr_C", fired.order_id)
    assert placed.status == "open" and placed.reserved == c.reserved and placed.parent_id == c.id
    assert store.balance("usr_C", "USDT").locked == placed.reserved  # moved from the trigger to the order
    with pytest.raises(OrderRejected) as refused:
        trading.cancel_conditional("usr_C", c.id)
    assert refused.value.code == "conditional_order_not_open"
    assert [x.id for x in store.list_conditionals("usr_C", {"live": True}, 10, None)] == [c.id]
    trading.cancel("usr_C", placed.id)
    ended = trading.conditional("usr_C", c.id)
    assert (ended.status, ended.reason) == ("finished", "cancelled")
    assert store.list_conditionals("usr_C", {"live": True}, 10, None) == []
    assert store.balance("usr_C", "USDT") == (5_000_000 * USDT, 0)
    clean(store)


def test_an_order_refused_at_trigger_time_ends_the_conditional_order_rejected_with_funds_free(database):
    """No rule of today's spot markets can refuse a triggered order (funds are reserved at placement; a halted market
    has no trades to trigger anything), so the refusal is injected: the engine's placement refuses orders placed by a
    trigger, before touching anything, as a future rule (a halt between the trade and the trigger, a risk limit)
    would."""
    store, trading = funded(database)
    trade_at(trading, "100.00")
    c = trading.place_conditional("usr_C", stop("sell", "stop_market", "99.00", size="0.2"))
    engine = trading.engine
    place = engine._place

    def refusing(account, order, step, parent_id=None):
        if parent_id is not None:
            raise OrderRejected("market_halted", "BTC/USDT is halted; new orders are refused.", field="symbol")
        return place(account, order, step, parent_id)

    engine._place = refusing
    trade_at(trading, "99.00")
    rejected = trading.conditional("usr_C", c.id)
    assert (rejected.status, rejected.reason, rejected.order_id) == ("rejected", "market_halted", None)
    assert store.balance("usr_C", "BTC") == (50 * BTC, 0)
    assert store.list_orders("usr_C", {}, 10, None) == []
    clean(store)


def test_a_trailing_stop_follows_the_high_by_its_callback_and_fires_when_the_price_falls_back(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    c = trading.place_conditional("usr_C", stop("sell", "trailing_stop", None, size="0.1", callback_rate="1.5"))
    assert (c.tracked_price, c.trigger_price) == (10_000, 9_850)
    trading.place("usr_A", limit("usr_A", "buy", "90.00", "1"))  # liquidity below for the market sell
    for price, tracked in (("101.00", 10_100), ("100.50", 10_100), ("103.33", 10_333), ("102.00", 10_333)):
        trade_at(trading, price)
        now = trading.conditional("usr_C", c.id)
        assert now.status == "new" and now.tracked_price == tracked
        assert now.trigger_price == trailing_trigger("sell", tracked, 1, 150, None)
    assert trading.conditional("usr_C", c.id).trigger_price == 10_178  # 103.33 × 0.985 = 101.78005, down to tick
    trade_at(trading, "101.79")  # one tick above the trigger: still waiting
    assert trading.conditional("usr_C", c.id).status == "new"
    trade_at(trading, "101.78")
    fired = trading.conditional("usr_C", c.id)
    assert fired.status == "finished" and trading.order("usr_C", fired.order_id).filled == 10_000
    clean(store)


def test_a_trailing_buy_with_an_activation_price_waits_for_it_then_trails_the_low(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    c = trading.place_conditional("usr_C", stop("buy", "trailing_stop", None, quote_size="50",
                                                activation_price="95.00", callback_amount="2.00"))
    assert (c.tracked_price, c.trigger_price, c.reserved) == (None, None, 50 * USDT)
    trade_at(trading, "96.00")  # not yet at the activation price
    assert trading.conditional("usr_C", c.id).tracked_price is None
    trade_at(trading, "95.00")  # activates: trails the low by 2.00
    assert (trading.conditional("usr_C", c.id).tracked_price, trading.conditional("usr_C", c.id).trigger_price) \
        == (9_500, 9_700)
    trade_at(trading, "94.00")
    assert trading.conditional("usr_C", c.id).trigger_price == 9_600
    trading.place("usr_A", limit("usr_A", "sell", "97.00", "5"))  # liquidity for the market buy
    trade_at(trading, "96.00")  # rises to the trigger: fires, buys 50 USDT worth at 96.00/97.00
    fired = trading.conditional("usr_C", c.id)
    assert fired.status == "finished"
    bought = trading.order("usr_C", fired.order_id)
    assert bought.quote_size == 50 * USDT and bought.filled_quote <= 50 * USDT and bought.filled > 0
    clean(store)


def test_a_restart_keeps_waiting_triggers_and_the_trailing_state(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    waiting = trading.place_conditional("usr_C", stop("sell", "stop_market", "95.00", size="0.1"))
    trailing = trading.place_conditional("usr_C", stop("sell", "trailing_stop", None, size="0.1",
                                                       callback_amount="3.00"))
    trade_at(trading, "104.00")
    trading.close()
    store.release_writer()
    again = make_trading(store)
    assert again.engine.last_price["BTC/USDT"] == 10_400
    moved = again.conditional("usr_C", trailing.id)
    assert (moved.tracked_price, moved.trigger_price) == (10_400, 10_100)
    again.place("usr_A", limit("usr_A", "buy", "99.00", "1"))  # the trailing sell trades here, above 95.00
    trade_at(again, "101.00")  # crosses the trailing trigger only
    assert again.conditional("usr_C", trailing.id).status == "finished"
    assert again.conditional("usr_C", waiting.id).status == "new"
    trade_at(again, "95.00")
    assert again.conditional("usr_C", waiting.id).status == "finished"
    clean(store)
    again.close()


def test_triggers_cascade_in_engine_order_and_every_unit_stays_accounted_for(database):
    """A stop's market sell trades through a lower level, which crosses a second stop: both fire in the batch of
    the first trade, the first before the second; locked equals what open orders and waiting triggers reserve."""
    store, trading = funded(database)
    trade_at(trading, "100.00")
    first = trading.place_conditional("usr_C", stop("sell", "stop_market", "99.00", size="0.5"))
    second = trading.place_conditional("usr_B", stop("sell", "stop_market", "97.00", size="0.1"))
    trading.place("usr_A", limit("usr_A", "buy", "98.00", "0.3"))
    trading.place("usr_A", limit("usr_A", "buy", "96.00", "1"))
    trade_at(trading, "99.00")
    a, b = trading.conditional("usr_C", first.id), trading.conditional("usr_B", second.id)
    assert a.status == b.status == "finished"
    assert a.triggered_at_ms <= b.triggered_at_ms and a.order_id < b.order_id
    assert trading.order("usr_C", a.order_id).filled == 50_000  # 0.3 at 98.00, then 0.2 at 96.00
    clean(store)


def test_cancel_all_by_kind_in_one_market_or_in_all(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    btc_stop = trading.place_conditional("usr_C", stop("sell", "stop_market", "95.00", size="0.1"))
    btc_buy = trading.place_conditional("usr_C", stop("buy", "stop_limit", "105.00", price="106.00", size="0.1"))
    eth_stop = trading.place_conditional("usr_C", {**stop("sell", "stop_market", "10.00", size="1"),
                                                   "symbol": "ETH/USDT"})
    order = trading.place("usr_C", limit("usr_C", "buy", "90.00", "0.1"))
    assert [c.id for c in trading.cancel_all("usr_C", "BTC/USDT", None)] == [order.id]  # kind normal: orders only
    assert {c.id for c in store.list_conditionals("usr_C", {"live": True}, 10, None)} == {btc_stop.id, btc_buy.id,
                                                                                           eth_stop.id}
    sells = trading.cancel_all("usr_C", "BTC/USDT", "sell", kind="conditional")
    assert [(c.id, c.status, c.reason) for c in sells] == [(btc_stop.id, "cancelled", "requested")]
    again = trading.place("usr_C", limit("usr_C", "buy", "90.00", "0.1"))
    everything = trading.cancel_all("usr_C", None, None, kind="all")  # every market: orders, then conditionals
    assert [x.id for x in everything] == [again.id, btc_buy.id, eth_stop.id]
    assert store.list_conditionals("usr_C", {"live": True}, 10, None) == []
    assert store.balance("usr_C", "USDT") == (5_000_000 * USDT, 0) and store.balance("usr_C", "ETH").locked == 0
    assert trading.cancel_all("usr_C", None, None, kind="all") == []
    clean(store)
