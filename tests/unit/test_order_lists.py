# ruff: noqa: F811  (the `database` fixture is imported from test_engine and named by every test)
"""Strategy orders in the engine (impl/domain/order_lists.py, engine.py), over SQLite and PostgreSQL: OCO pairs hold
one reservation and lose their sibling in the step of a fill or trigger; OTO/OTOCO place their pending legs in the
step of the working order's last fill, with funds checked then; cancelling a list or a leg; refusals change nothing;
a restart keeps working lists. Units as in test_conditional_orders.py (BTC/USDT: BF = 1000, QF = 10).
"""

from __future__ import annotations

import pytest
from test_conditional_orders import BF, BTC, QF, USDT, clean, funded, stop, trade_at
from test_engine import database, limit, make_trading  # noqa: F401  (database: a fixture)

from impl.domain.errors import InvalidArgument, OrderListNotFound, OrderRejected
from impl.domain.events import OrderListUpdated


def oco(*legs, **extra) -> dict:
    return {"type": "oco", "legs": list(legs), **extra}


def statuses(trading, lst):
    now = trading.order_list("usr_C", lst.id)
    return now.status, now.reason, [(leg.role, leg.status) for leg in now.legs]


def test_an_oco_pair_reserves_once_and_a_partial_fill_cancels_the_stop_in_the_same_step(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    lst = trading.place_list("usr_C", oco(limit("usr_C", "sell", "105.00", "0.2"),
                                          stop("sell", "stop_market", "95.00", size="0.2")))
    assert lst.status == "working" and [leg.status for leg in lst.legs] == ["live", "live"]
    assert store.balance("usr_C", "BTC") == (50 * BTC - 20_000 * BF, 20_000 * BF)  # 0.2 BTC once, not twice
    take, guard = lst.legs
    assert trading.order("usr_C", take.order_id).parent_id == lst.id
    assert trading.conditional("usr_C", guard.conditional_order_id).order_list_id == lst.id
    batches: list = []
    trading.listeners.append(batches.append)
    trading.place("usr_B", limit("usr_B", "buy", "105.00", "0.05", tif="IOC"))  # a partial fill of the take-profit
    stopped = trading.conditional("usr_C", guard.conditional_order_id)
    assert (stopped.status, stopped.reason) == ("cancelled", "oco_sibling")
    assert len(batches[-1]) == 1  # the fill and the sibling's cancel: one command, one step
    assert statuses(trading, lst) == ("working", None, [("oco", "live"), ("oco", "ended")])
    assert store.balance("usr_C", "BTC").locked == 15_000 * BF
    trade_at(trading, "94.00")  # the stop is gone: nothing fires
    trading.place("usr_B", limit("usr_B", "buy", "105.00", "0.15", tif="IOC"))
    assert statuses(trading, lst) == ("done", None, [("oco", "ended"), ("oco", "ended")])
    assert store.balance("usr_C", "BTC") == (50 * BTC - 20_000 * BF, 0)
    clean(store)


def test_when_the_stop_fires_the_limit_leg_is_cancelled_first_and_its_funds_pay_for_the_stop(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    buy_low = limit("usr_C", "buy", "90.00", "1")
    breakout = stop("buy", "stop_limit", "110.00", price="111.00", size="1")
    lst = trading.place_list("usr_C", oco(buy_low, breakout))
    assert store.balance("usr_C", "USDT").locked == 11_100 * 100_000 * QF  # max(90, 111) × 1, not their sum
    assert trading.conditional("usr_C", lst.legs[1].conditional_order_id).reserved == 2_100 * 100_000 * QF
    trading.place("usr_A", limit("usr_A", "sell", "111.00", "2"))  # liquidity for the fired limit buy
    batches: list = []
    trading.listeners.append(batches.append)
    trade_at(trading, "110.00")
    fired = trading.conditional("usr_C", lst.legs[1].conditional_order_id)
    low = trading.order("usr_C", lst.legs[0].order_id)
    assert (low.status, low.cancel_reason) == ("cancelled", "oco_sibling")
    assert fired.status == "finished" and trading.order("usr_C", fired.order_id).filled == 100_000
    assert trading.order_list("usr_C", lst.id).legs[1].order_id == fired.order_id
    assert statuses(trading, lst)[0] == "done"
    updates = [e.order_list.status for commit in batches[-1] for e in commit.events if type(e) is OrderListUpdated]
    assert updates and updates[-1] == "done"
    fee = -(-100_000 * BF * 2 // 1000)  # taker 0.2 % of the BTC received
    assert store.balance("usr_C", "BTC") == (50 * BTC + 100_000 * BF - fee, 0)
    assert store.balance("usr_C", "USDT") == (5_000_000 * USDT - 11_100 * 100_000 * QF, 0)
    clean(store)


def test_two_conditional_legs_fire_once_between_them(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    lst = trading.place_list("usr_C", oco(stop("sell", "take_profit_market", "101.00", size="0.1"),
                                          stop("sell", "stop_market", "99.00", size="0.1")))
    assert store.balance("usr_C", "BTC").locked == 10_000 * BF
    trading.place("usr_A", limit("usr_A", "buy", "100.50", "1"))
    trade_at(trading, "101.00")
    take = trading.conditional("usr_C", lst.legs[0].conditional_order_id)
    guard = trading.conditional("usr_C", lst.legs[1].conditional_order_id)
    assert take.status == "finished" and (guard.status, guard.reason) == ("cancelled", "oco_sibling")
    trade_at(trading, "98.00")
    assert len(store.list_orders("usr_C", {}, 10, None)) == 1
    clean(store)


def test_oto_places_its_pending_order_in_the_step_of_the_working_orders_last_fill(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    lst = trading.place_list("usr_C", {"type": "oto", "legs": [limit("usr_C", "buy", "100.00", "0.3"),
                                                               limit("usr_C", "sell", "110.00", "0.3")]})
    assert [leg.status for leg in lst.legs] == ["live", "pending"]
    trading.place("usr_A", limit("usr_A", "sell", "100.00", "0.1"))
    assert statuses(trading, lst) == ("working", None, [("working", "live"), ("pending", "pending")])
    batches: list = []
    trading.listeners.append(batches.append)
    trading.place("usr_A", limit("usr_A", "sell", "100.00", "0.2"))  # the last fill: the pending sell is placed
    now = trading.order_list("usr_C", lst.id)
    assert [leg.status for leg in now.legs] == ["ended", "live"] and now.status == "working"
    pending = trading.order("usr_C", now.legs[1].order_id)
    assert pending.status == "open" and pending.parent_id == lst.id and pending.reserved == 30_000 * BF
    assert any(type(e) is OrderListUpdated for commit in batches[-1] for e in commit.events)
    trading.place("usr_B", limit("usr_B", "buy", "110.00", "0.3", tif="IOC"))
    assert statuses(trading, lst)[0] == "done"
    clean(store)


def test_a_pending_leg_the_funds_no_longer_cover_is_not_placed_and_the_list_ends_rejected(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    lst = trading.place_list("usr_C", {"type": "oto", "legs": [limit("usr_C", "buy", "100.00", "0.1"),
                                                               limit("usr_C", "sell", "110.00", "60")]})
    trading.place("usr_A", limit("usr_A", "sell", "100.00", "0.1"))  # fills the working buy; 60 BTC to sell: short
    now = trading.order_list("usr_C", lst.id)
    assert (now.status, now.reason) == ("rejected", "insufficient_balance")
    assert (now.legs[1].status, now.legs[1].reason, now.legs[1].order_id) == ("not_placed", "insufficient_balance",
                                                                              None)
    clean(store)


def test_otoco_places_an_oco_pair_after_the_working_order_and_reserves_it_once(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    lst = trading.place_list("usr_C", {"type": "otoco", "legs": [
        limit("usr_C", "buy", "100.00", "0.5"), limit("usr_C", "sell", "110.00", "0.5"),
        stop("sell", "stop_market", "95.00", size="0.5")]})
    btc_before = store.balance("usr_C", "BTC").free
    trading.place("usr_A", limit("usr_A", "sell", "100.00", "0.5"))
    now = trading.order_list("usr_C", lst.id)
    assert [leg.status for leg in now.legs] == ["ended", "live", "live"]
    fee = -(-50_000 * BF * 1 // 1000)  # maker 0.1 % of the BTC received
    assert store.balance("usr_C", "BTC") == (btc_before + 50_000 * BF - fee - 50_000 * BF, 50_000 * BF)
    trading.place("usr_A", limit("usr_A", "buy", "94.00", "1"))
    trade_at(trading, "95.00")  # the stop fires: the take-profit is cancelled, the market sell hits 94.00
    now = trading.order_list("usr_C", lst.id)
    assert now.status == "done"
    assert trading.order("usr_C", now.legs[1].order_id).cancel_reason == "oco_sibling"
    clean(store)


def test_cancelling_the_list_or_any_leg_cancels_everything_and_amending_a_leg_is_refused(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    first = trading.place_list("usr_C", oco(limit("usr_C", "sell", "105.00", "0.2"),
                                            stop("sell", "stop_market", "95.00", size="0.2"), client_list_id="b-1"))
    with pytest.raises(OrderRejected) as refused:
        trading.amend("usr_C", first.legs[0].order_id, "106.00", None)
    assert refused.value.code == "order_in_order_list"
    cancelled = trading.cancel_list("usr_C", first.id)
    assert (cancelled.status, cancelled.reason) == ("cancelled", "requested")
    assert trading.order("usr_C", first.legs[0].order_id).cancel_reason == "list_cancelled"
    assert trading.conditional("usr_C", first.legs[1].conditional_order_id).reason == "list_cancelled"
    assert store.balance("usr_C", "BTC") == (50 * BTC, 0)
    with pytest.raises(OrderRejected) as refused:
        trading.cancel_list("usr_C", first.id)
    assert refused.value.code == "order_list_not_open"
    with pytest.raises(OrderListNotFound):
        trading.cancel_list("usr_B", first.id)
    with pytest.raises(OrderRejected) as refused:
        trading.place_list("usr_C", oco(limit("usr_C", "sell", "105.00", "0.2"),
                                        stop("sell", "stop_market", "95.00", size="0.2"), client_list_id="b-1"))
    assert refused.value.code == "duplicate_client_order_id"
    second = trading.place_list("usr_C", {"type": "oto", "legs": [limit("usr_C", "buy", "90.00", "0.1"),
                                                                  stop("sell", "stop_market", "80.00", size="0.1")]})
    trading.cancel("usr_C", second.legs[0].order_id)  # cancelling the working leg ends the list
    now = trading.order_list("usr_C", second.id)
    assert (now.status, now.reason, now.legs[1].status) == ("cancelled", "requested", "not_placed")
    assert store.list_order_lists("usr_C", {"live": True}, 10, None) == []
    clean(store)


def test_a_refused_list_places_nothing(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    before = (store.balance("usr_C", "BTC"), store.balance("usr_C", "USDT"))
    for request, code, field in [
        (oco(limit("usr_C", "sell", "105.00", "0.2"), stop("sell", "stop_market", "101.00", size="0.2")),
         "would_trigger_immediately", "legs[1].trigger_price"),
        (oco(limit("usr_C", "sell", "105.00", "60"), stop("sell", "stop_market", "95.00", size="60")),
         "insufficient_balance", None),
        (oco(limit("usr_C", "sell", "105.005", "0.2"), stop("sell", "stop_market", "95.00", size="0.2")),
         "invalid_tick_size", "legs[0].price"),
    ]:
        with pytest.raises(OrderRejected) as refused:
            trading.place_list("usr_C", request)
        assert refused.value.code == code and (field is None or refused.value.field == field)
    for request, field in [
        (oco(limit("usr_C", "sell", "105.00", "0.2")), "legs"),
        (oco(limit("usr_C", "sell", "105.00", "0.2"), stop("buy", "stop_market", "95.00", quote_size="20")),
         "legs[1].side"),
        (oco(limit("usr_C", "sell", "105.00", "0.2"), limit("usr_C", "sell", "106.00", "0.2")), "legs[1].type"),
        ({"type": "oto", "legs": [stop("buy", "stop_market", "101.00", quote_size="20"),
                                  limit("usr_C", "sell", "110.00", "0.1")]}, "legs[0].type"),
        (oco(limit("usr_C", "sell", "105.00", "0.2"), {**stop("sell", "stop_market", "95.00", size="0.2"),
                                                       "symbol": "ETH/USDT"}), "legs[1].symbol"),
    ]:
        with pytest.raises(InvalidArgument) as refused:
            trading.place_list("usr_C", request)
        assert refused.value.field == field
    assert (store.balance("usr_C", "BTC"), store.balance("usr_C", "USDT")) == before
    assert store.list_orders("usr_C", {}, 10, None) == [] and store.list_conditionals("usr_C", {}, 10, None) == []
    clean(store)


def test_a_restart_keeps_working_lists(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    lst = trading.place_list("usr_C", oco(limit("usr_C", "sell", "105.00", "0.2"),
                                          stop("sell", "stop_market", "95.00", size="0.2")))
    trading.close()
    store.release_writer()
    again = make_trading(store)
    again.place("usr_A", limit("usr_A", "buy", "94.00", "1"))
    trade_at(again, "95.00")
    now = again.order_list("usr_C", lst.id)
    assert now.status == "done"
    assert again.order("usr_C", now.legs[0].order_id).cancel_reason == "oco_sibling"
    clean(store)
    again.close()


def test_cancel_all_ends_the_lists_whose_legs_it_cancels(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    pair = trading.place_list("usr_C", oco(stop("sell", "take_profit_market", "105.00", size="0.1"),
                                           stop("sell", "stop_market", "95.00", size="0.1")))
    bracket = trading.place_list("usr_C", oco(limit("usr_C", "sell", "106.00", "0.1"),
                                              stop("sell", "stop_market", "94.00", size="0.1")))
    everything = trading.cancel_all("usr_C", None, None, kind="all")
    # the bracket's order (requested); its stop and the pair's second leg end with their lists (list_cancelled)
    assert [(x.id, x.status) for x in everything] == [(bracket.legs[0].order_id, "cancelled"),
                                                      (pair.legs[0].conditional_order_id, "cancelled")]
    for lst in (pair, bracket):
        assert (trading.order_list("usr_C", lst.id).status, trading.order_list("usr_C", lst.id).reason) == \
            ("cancelled", "requested")
    assert store.list_conditionals("usr_C", {"live": True}, 10, None) == []
    assert store.balance("usr_C", "BTC").locked == 0
    clean(store)
