"""Property tests of the trading service over a real store — in-memory SQLite, and PostgreSQL (a database of its own
per store, tests/pg_support.py): random streams of placements, amends and cancels by several accounts, with every
invariant checked after every step.

Invariants: every journal entry sums to zero per asset and the value of each asset summed over all accounts
(system accounts included) stays zero; stored balances equal the sum of their postings; no balance is ever
negative; each account's locked amount equals what its open orders reserve; the books are never crossed and
equal the store's open orders (ids, remaining, time priority) and the public L2 view; quantities are conserved
(filled + remaining == size for open orders, filled <= size always); a fresh service over the same store
rebuilds identical books, L2 views and sequences.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from impl import demo
from impl.domain.book import L2Book
from impl.domain.errors import DomainError
from impl.domain.ledger import DEPOSITS, FEES, Journal, LedgerViolation, Posting
from impl.domain.trading import Trading
from impl.ids import new_id
from impl.store.sqlite import SQLiteStore

ACCOUNTS = ("usr_A", "usr_B", "usr_C")
TIERS = {"usr_A": ("0.001", "0.002"), "usr_B": ("0.0005", "0.001"), "usr_C": ("0.002", "0.004")}
_current: dict = {"kind": "sqlite", "made": []}  # the store kind of the running test; its (store, trading) pairs


@pytest.fixture(autouse=True, params=["sqlite", "postgres"])
def store_kind(request):
    """Every test of this module runs on both stores: `fresh()` makes the kind chosen here."""
    _current["kind"] = request.param
    yield request.param
    _close_made()


def _close_made() -> None:
    while _current["made"]:
        store, trading = _current["made"].pop()
        trading.close()
        store.close()


def _new_store():
    if _current["kind"] == "postgres":
        from pg_support import fresh_store

        return fresh_store(pool_size=2)
    store = SQLiteStore(":memory:")
    store.migrate()
    return store


def make_trading(store: SQLiteStore, clock=lambda: 1_779_105_851_842) -> Trading:
    rates = {a: (Fraction(m), Fraction(t)) for a, (m, t) in TIERS.items()}
    return Trading(store, store.list_markets(), store.list_assets(), {}, rates.__getitem__, clock, new_id)


def fresh() -> tuple[SQLiteStore, Trading]:
    _close_made()  # a previous hypothesis example's
    store = _new_store()
    demo.seed_if_empty(store)
    trading = make_trading(store)
    for account in ACCOUNTS:
        trading.deposit(account, "BTC", "50", f"dep-{account}-btc")
        trading.deposit(account, "USDT", "5000000", f"dep-{account}-usdt")
    _current["made"].append((store, trading))
    return store, trading


def check_invariants(store: SQLiteStore, trading: Trading) -> None:
    report = store.ledger_report()
    assert report["unbalanced_entries"] == []
    assert report["balance_drift"] == []
    assert report["negative_balances"] == []
    assert report["locked_vs_reserved"] == []
    assert all(total == 0 for total in report["asset_totals"].values()), report["asset_totals"]
    stored = {o.id: o for o in store.open_orders()}
    for symbol, resting in trading.resting().items():
        assert {o.id for o in resting} == {o.id for o in stored.values() if o.symbol == symbol}
        for o in resting:
            s = stored[o.id]
            assert (o.remaining, o.seq, o.price, o.side) == (s.remaining, s.seq, s.price, s.side)
            assert s.filled + s.remaining == s.size
        bids = [o.price for o in resting if o.side == "buy"]
        asks = [o.price for o in resting if o.side == "sell"]
        assert not bids or not asks or max(bids) < min(asks), "crossed book at rest"
        l2 = trading._l2[symbol].snapshot(10_000, 0)
        expected_bids: dict[int, int] = {}
        expected_asks: dict[int, int] = {}
        for o in resting:
            levels = expected_bids if o.side == "buy" else expected_asks
            levels[o.price] = levels.get(o.price, 0) + o.remaining
        assert l2.bids == sorted(expected_bids.items(), reverse=True)
        assert l2.asks == sorted(expected_asks.items())


prices = st.integers(min_value=9_990, max_value=10_010)  # 99.90 .. 100.10 USDT
sizes = st.integers(min_value=5_000, max_value=200_000)  # 0.05 .. 2 BTC


def _dec(units: int, precision: int) -> str:
    text = str(units).rjust(precision + 1, "0")
    return f"{text[:-precision]}.{text[-precision:]}"


operation = st.one_of(
    st.tuples(st.just("limit"), st.sampled_from(ACCOUNTS), st.sampled_from(["buy", "sell"]), prices, sizes,
              st.sampled_from(["GTC", "GTC", "IOC", "FOK"]), st.booleans()),
    st.tuples(st.just("market"), st.sampled_from(ACCOUNTS), st.sampled_from(["buy", "sell"]), sizes),
    st.tuples(st.just("market_quote"), st.sampled_from(ACCOUNTS), st.integers(min_value=10, max_value=50_000)),
    st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("amend"), st.integers(min_value=0, max_value=50), st.one_of(st.none(), prices),
              st.one_of(st.none(), sizes)),
    st.tuples(st.just("cancel_all"), st.sampled_from(ACCOUNTS)),
)


def apply(trading: Trading, placed: list, op: tuple) -> None:
    kind = op[0]
    if kind == "limit":
        _, account, side, price, size, tif, post_only = op
        request = {"symbol": "BTC/USDT", "side": side, "type": "limit", "price": _dec(price, 2),
                   "size": _dec(size, 5), "tif": tif, "post_only": post_only and tif == "GTC"}
    elif kind == "market":
        _, account, side, size = op
        request = {"symbol": "BTC/USDT", "side": side, "type": "market", "size": _dec(size, 5)}
    elif kind == "market_quote":
        _, account, amount = op
        request = {"symbol": "BTC/USDT", "side": "buy", "type": "market", "quote_size": f"{amount}.12345678"}
    elif kind in ("cancel", "amend"):
        if not placed:
            return
        account, order_id = placed[op[1] % len(placed)]
        if kind == "cancel":
            trading.cancel(account, order_id)
        else:
            price, size = op[2], op[3]
            trading.amend(account, order_id, None if price is None else _dec(price, 2),
                          None if size is None else _dec(size, 5))
        return
    else:
        trading.cancel_all(op[1], "BTC/USDT", None)
        return
    order = trading.place(account, request)
    placed.append((account, order.id))
    assert order.filled <= (order.size or order.filled)
    if order.size is not None and not order.is_open:
        assert order.remaining == 0


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=60))
def test_invariants_hold_after_every_step_and_across_a_restart(ops):
    store, trading = fresh()
    placed: list = []
    for op in ops:
        try:
            apply(trading, placed, op)
        except DomainError:
            pass  # a refused operation (rules, balance, not open) must change nothing — checked next
        check_invariants(store, trading)
    reborn = make_trading(store)
    assert {s: [(o.id, o.remaining, o.seq) for o in r] for s, r in reborn.resting().items()} == \
        {s: [(o.id, o.remaining, o.seq) for o in r] for s, r in trading.resting().items()}
    for symbol in trading._l2:
        assert reborn._l2[symbol].snapshot(10_000, 0) == trading._l2[symbol].snapshot(10_000, 0)
    check_invariants(store, reborn)


def test_a_trade_settles_exactly_with_tier_fees_rounded_up():
    store, trading = fresh()
    sell = trading.place("usr_A", {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "100.01",
                                   "size": "0.33333"})
    buy = trading.place("usr_B", {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "100.05",
                                  "size": "0.5"})
    # one fill of 0.33333 BTC at the maker's 100.01: 33.3363333 USDT = 3_333_633_330 minor units (8 decimals)
    quote = 10_001 * 33_333 * 10 ** (8 - 7)
    base = 33_333 * 10 ** (8 - 5)
    seller_fee = -(-quote * 1 // 1000)  # A is maker at 0.001, on the USDT it receives, rounded up
    buyer_fee = -(-base * 1 // 1000)  # B is taker: min(market 0.002, tier 0.001) on the BTC it receives
    assert trading.balances("usr_A")[0] == ("BTC", 50 * 10**8 - base, 0)
    assert store.balance("usr_A", "USDT") == (5_000_000 * 10**8 + quote - seller_fee, 0)
    # B keeps 0.16667 BTC on the book at 100.05; the price improvement was released at once
    assert store.balance("usr_B", "USDT") == (5_000_000 * 10**8 - quote - 10_005 * 16_667 * 10, 10_005 * 16_667 * 10)
    assert store.balance("usr_B", "BTC") == (50 * 10**8 + base - buyer_fee, 0)
    assert store.balance(FEES, "USDT") == (seller_fee, 0) and store.balance(FEES, "BTC") == (buyer_fee, 0)
    assert store.balance(DEPOSITS, "BTC")[0] == -150 * 10**8
    sell = store.get_order("usr_A", sell.id)  # the answer to the placement is a snapshot from that moment
    assert (sell.status, buy.status, buy.filled, buy.remaining) == ("filled", "partially_filled", 33_333, 16_667)
    check_invariants(store, trading)


@pytest.mark.parametrize("request_, code", [
    ({"price": "100.001"}, "invalid_tick_size"),
    ({"size": "0.000001"}, "invalid_step_size"),
    ({"size": "0.00001", "price": "100.00"}, "notional_too_small"),
    ({"size": "1000.00001"}, "size_too_large"),
    ({"size": "1", "price": "9999999999999999999.00"}, "price_out_of_range"),
    ({"symbol": "DOGE/USDT"}, "unknown_market"),
    ({"size": "999", "price": "99999.00"}, "insufficient_balance"),
])
def test_market_rules_refuse_with_their_own_code_and_change_nothing(request_, code):
    store, trading = fresh()
    before = store.ledger_report()["asset_totals"], store.balance("usr_A", "USDT")
    order = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "100.00", "size": "0.1", **request_}
    with pytest.raises(DomainError) as refused:
        trading.place("usr_A", order)
    assert refused.value.code == code
    assert (store.ledger_report()["asset_totals"], store.balance("usr_A", "USDT")) == before


def test_post_only_fok_and_self_trade_prevention():
    store, trading = fresh()
    ask = trading.place("usr_A", {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "100.00",
                                  "size": "1"})
    with pytest.raises(DomainError) as refused:
        trading.place("usr_B", {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "100.00",
                                "size": "0.1", "post_only": True})
    assert refused.value.code == "post_only_would_take"
    fok = trading.place("usr_B", {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "100.00",
                                  "size": "2", "tif": "FOK"})
    assert (fok.status, fok.filled) == ("expired", 0)
    own = trading.place("usr_A", {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "100.00",
                                  "size": "0.5"})
    assert own.status == "open" and own.filled == 0  # its own ask was cancelled, not traded against
    cancelled = store.get_order("usr_A", ask.id)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "self_trade_prevention")
    check_invariants(store, trading)


def test_amend_priority_rules():
    store, trading = fresh()
    first = trading.place("usr_A", {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "100.00",
                                    "size": "1"})
    second = trading.place("usr_B", {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "100.00",
                                     "size": "1"})
    trading.amend("usr_A", first.id, None, "0.5")  # a smaller size keeps the place in the queue
    taken = trading.place("usr_C", {"symbol": "BTC/USDT", "side": "buy", "type": "market", "size": "0.5"})
    assert taken.filled == 50_000 and store.get_order("usr_A", first.id).status == "filled"
    trading.amend("usr_B", second.id, None, "1.5")  # a larger size re-queues it
    third = trading.place("usr_A", {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "99.99",
                                    "size": "0.1"})
    trading.amend("usr_A", third.id, "100.00", None)  # a new price re-queues it behind usr_B's order
    trading.place("usr_C", {"symbol": "BTC/USDT", "side": "buy", "type": "market", "size": "1.5"})
    assert store.get_order("usr_B", second.id).status == "filled"
    assert store.get_order("usr_A", third.id).status == "open"
    with pytest.raises(DomainError) as refused:
        trading.amend("usr_B", second.id, "101.00", None)
    assert refused.value.code == "order_not_open"
    check_invariants(store, trading)


def test_a_failed_commit_rebuilds_the_books_from_the_store(monkeypatch):
    store, trading = fresh()
    trading.place("usr_A", {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "100.00", "size": "1"})

    def broken(*_):
        raise OSError("disk full")

    monkeypatch.setattr(store, "write_trading", broken)
    with pytest.raises(OSError):
        trading.place("usr_B", {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "100.00",
                                "size": "0.4"})
    monkeypatch.undo()
    assert [o.remaining for o in trading.resting()["BTC/USDT"]] == [100_000]  # nothing of the failed order
    check_invariants(store, trading)


def test_journal_refuses_unbalanced_or_negative_entries():
    journal = Journal(lambda account, asset: (100, 0))
    with pytest.raises(LedgerViolation):
        journal.post("fill", "t", 0, [Posting("usr_A", "BTC", "free", -5), Posting("usr_B", "BTC", "free", 4)])
    with pytest.raises(LedgerViolation):
        journal.reserve("usr_A", "BTC", 101, "o", 0)
    journal.reserve("usr_A", "BTC", 100, "o", 0)
    assert journal.balance("usr_A", "BTC") == (0, 100) and len(journal.entries) == 1


def test_l2_sequence_survives_a_restart():
    store, trading = fresh()
    trading.place("usr_A", {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "100.00", "size": "1"})
    trading.place("usr_A", {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "100.01", "size": "1"})
    sequence = trading._l2["BTC/USDT"].sequence
    assert sequence == 2
    books: dict[str, L2Book] = {}
    rates = {a: (Fraction(m), Fraction(t)) for a, (m, t) in TIERS.items()}
    Trading(store, store.list_markets(), store.list_assets(), books, rates.__getitem__, lambda: 0, new_id)
    assert books["BTC/USDT"].sequence == sequence


def test_returned_orders_are_snapshots_not_the_live_objects():
    store, trading = fresh()
    placed = trading.place("usr_A", {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "100.00",
                                     "size": "1"})
    trading.place("usr_B", {"symbol": "BTC/USDT", "side": "buy", "type": "market", "size": "0.4"})
    # a later fill must not change an answer already handed to a caller (it may be rendering it right now)
    assert (placed.status, placed.filled, placed.remaining, placed.fee) == ("open", 0, 100_000, 0)
    assert store.get_order("usr_A", placed.id).filled == 40_000
