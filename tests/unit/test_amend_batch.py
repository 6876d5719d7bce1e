# ruff: noqa: F811  (the `database` fixture is imported from test_engine and named by every test)
"""Batch amend (`AmendOrders`, seed 002's batch-move): several orders of one market amended in one engine step, each
item as a single amend would be — its result or its error, a refused item changing nothing — over SQLite and
PostgreSQL."""

from __future__ import annotations

from test_conditional_orders import BF, QF, USDT, clean, funded, stop, trade_at
from test_engine import database, limit  # noqa: F401  (database: a fixture)

from impl.domain.errors import DomainError


def test_each_item_amends_like_one_amend_and_a_refused_item_changes_nothing(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    a = trading.place("usr_C", limit("usr_C", "buy", "90.00", "0.2"))
    b = trading.place("usr_C", limit("usr_C", "buy", "91.00", "0.2"))
    eth = trading.place("usr_C", {**limit("usr_C", "buy", "10.00", "1"), "symbol": "ETH/USDT"})
    lst = trading.place_list("usr_C", {"type": "oco", "legs": [limit("usr_C", "sell", "105.00", "0.1"),
                                                               stop("sell", "stop_market", "95.00", size="0.1")]})
    results = trading.amend_batch("usr_C", {"symbol": "BTC/USDT", "orders": [
        {"order_id": a.id, "size": "0.1"},                    # reduce: keeps priority, frees funds
        {"order_id": b.id, "price": "91.005"},                # off the tick: refused
        {"order_id": eth.id, "price": "11.00"},               # another market: refused
        {"order_id": lst.legs[0].order_id, "price": "106.00"},  # a leg of a working list: refused
        {"order_id": b.id, "price": "92.00", "size": "0.3"},  # re-queued with more funds
        {"order_id": "ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A7", "size": "0.1"},
    ]})
    assert [r.code if isinstance(r, DomainError) else r.status for r in results] == [
        "open", "invalid_tick_size", "invalid_request", "order_in_order_list", "open", "order_not_found"]
    assert (results[0].size, results[0].seq) == (10_000, a.seq)
    assert (results[4].price, results[4].size) == (9_200, 30_000)
    assert trading.order("usr_C", eth.id).price == 1_000
    locked = (9_000 * 10_000 + 9_200 * 30_000) * QF + 1_000 * 10_000 * 100  # BTC bids + the ETH bid (ETH/USDT: ×100)
    assert store.balance("usr_C", "USDT").locked == locked
    assert store.balance("usr_C", "BTC").locked == 10_000 * BF
    assert store.balance("usr_C", "USDT").free == 5_000_000 * USDT - locked
    clean(store)
