# ruff: noqa: F811  (the `database` fixture is imported from test_engine and named by every test)
"""Bulk quotes (`ReplaceQuotes`, seed 001): a credential's quotes in a market replaced in one engine step, all or
nothing — funds against free + what the old quotes release, post-only against the book without them — leaving the
account's other orders and other credentials' quotes alone; over SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from test_conditional_orders import BF, QF, clean, funded, trade_at
from test_engine import database, limit  # noqa: F401  (database: a fixture)

from impl.domain.errors import InvalidArgument, OrderRejected


def quotes(bids=(), asks=(), **extra) -> dict:
    return {"bids": [{"price": p, "size": s} for p, s in bids], "asks": [{"price": p, "size": s} for p, s in asks],
            **extra}


def test_quotes_are_replaced_atomically_per_credential(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    mine = trading.place("usr_C", limit("usr_C", "buy", "95.00", "0.1"))  # an ordinary order: never a quote
    first = trading.replace_quotes("usr_C", "key_ONE", "BTC/USDT", quotes([("99.00", "0.1"), ("98.00", "0.2")],
                                                                          [("101.00", "0.1")]))
    other = trading.replace_quotes("usr_C", "key_TWO", "BTC/USDT", quotes([("97.00", "0.1")]))
    assert first.cancelled == () and [o.price for o in first.placed] == [9_900, 9_800, 10_100]
    second = trading.replace_quotes("usr_C", "key_ONE", "BTC/USDT", quotes([("99.50", "0.3")], [("100.50", "0.1")],
                                                                           post_only=True))
    assert sorted(o.id for o in second.cancelled) == sorted(o.id for o in first.placed)
    assert all((o.status, o.cancel_reason) == ("cancelled", "requested") for o in second.cancelled)
    open_ids = {o.id for o in store.list_orders("usr_C", {"status": "open"}, 100, None)}
    assert open_ids == {mine.id, other.placed[0].id, *(o.id for o in second.placed)}
    locked = (9_500 * 10_000 + 9_700 * 10_000 + 9_950 * 30_000) * QF
    assert store.balance("usr_C", "USDT").locked == locked
    assert store.balance("usr_C", "BTC").locked == 10_000 * BF
    emptied = trading.replace_quotes("usr_C", "key_ONE", "BTC/USDT", quotes())
    assert len(emptied.cancelled) == 2 and emptied.placed == ()
    clean(store)


def test_a_refused_replacement_changes_nothing(database):
    store, trading = funded(database)
    trade_at(trading, "100.00")
    trading.place("usr_A", limit("usr_A", "sell", "100.50", "1"))
    kept = trading.replace_quotes("usr_C", "key_ONE", "BTC/USDT", quotes([("99.00", "0.1")]))
    before = store.balance("usr_C", "USDT")
    for request, code, field in [
        (quotes([("100.60", "0.1")], post_only=True), "post_only_would_take", "bids[0].price"),
        (quotes([("98.00", "0.1"), ("97.005", "0.1")]), "invalid_tick_size", "bids[1].price"),
        (quotes(asks=[("101.00", "50"), ("102.00", "0.1")]), "insufficient_balance", None),  # 50 BTC held
        (quotes([("99.00", "0.1")], [("99.00", "0.1")]), None, "asks"),
    ]:
        with pytest.raises((OrderRejected, InvalidArgument)) as refused:
            trading.replace_quotes("usr_C", "key_ONE", "BTC/USDT", request)
        assert code is None or refused.value.code == code
        assert field is None or refused.value.field == field
    # post-only ignores the quotes being replaced: a new ask at the old bid's price is fine once it is gone
    moved = trading.replace_quotes("usr_C", "key_ONE", "BTC/USDT", quotes(asks=[("99.00", "0.1")], post_only=True))
    assert [o.id for o in moved.cancelled] == [kept.placed[0].id] and moved.placed[0].status == "open"
    assert store.balance("usr_C", "USDT").locked == before.locked - 9_900 * 10_000 * QF
    clean(store)
