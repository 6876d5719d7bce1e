"""The matching engine against a naive reference model, plus one example test per documented rule.

The oracle is a flat list of resting orders that is re-sorted by (price, seq) on every call; the engine's fills,
results and resting state must equal it after every step of random sequences of submits (limit / market by size /
market by quote; GTC / IOC / FOK; post-only; several accounts), cancels and reduces. Every submit is first made as
a dry run, which must equal the real result and leave the book untouched.
"""

from __future__ import annotations

import dataclasses
import random
from collections import defaultdict
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impl.domain.matching import Fill, Order, OrderBook, Result

# ---------------------------------------------------------------------------- reference model


@dataclass
class _Ref:
    id: str
    account: str
    side: str
    price: int
    remaining: int
    seq: int


class Oracle:
    """Obviously-correct, slow matching: sort all crossing orders by (price priority, seq) and walk them."""

    def __init__(self) -> None:
        self.orders: list[_Ref] = []
        self.seq = 0

    def level(self, side: str, price: int) -> int:
        return sum(o.remaining for o in self.orders if o.side == side and o.price == price)

    def state(self) -> list[tuple]:
        return sorted((o.id, o.account, o.side, o.price, o.remaining, o.seq) for o in self.orders)

    def submit(self, oid, account, side, price, size, quote, tif, post_only):
        def crosses(o):
            if o.side == side:
                return False
            return price is None or (o.price <= price if side == "buy" else o.price >= price)

        opp = sorted(filter(crosses, self.orders), key=lambda o: (o.price if side == "buy" else -o.price, o.seq))
        if post_only and opp:
            return [], 0, size, "post_only_would_take", [], []
        if tif == "FOK" and sum(o.remaining for o in opp if o.account != account) < size:
            return [], 0, size, "fok_not_filled", [], []
        fills, stp, touched = [], [], []
        left = size if quote is None else quote
        for o in opp:
            can = left if quote is None else left // o.price
            if not can:
                break
            if (o.side, o.price) not in touched:
                touched.append((o.side, o.price))
            if o.account == account:
                self.orders.remove(o)
                stp.append((o.id, o.remaining))
                continue
            take = min(o.remaining, can)
            fills.append((o.id, o.account, oid, account, o.price, take))
            o.remaining -= take
            if not o.remaining:
                self.orders.remove(o)
            left -= take if quote is None else take * o.price
        levels = [(s, p, self.level(s, p)) for s, p in touched]
        if not left:
            return fills, 0, 0, None, stp, levels
        if price is not None and tif == "GTC":
            self.seq += 1
            self.orders.append(_Ref(oid, account, side, price, left, self.seq))
            levels.append((side, price, self.level(side, price)))
            return fills, left, 0, None, stp, levels
        return fills, 0, left, "ioc_remainder", stp, levels

    def cancel(self, oid):
        for o in self.orders:
            if o.id == oid:
                self.orders.remove(o)
                after = [(o.side, o.price, self.level(o.side, o.price))]
                return (o.id, o.account, o.side, o.price, o.remaining, o.seq), after
        return None

    def reduce(self, oid, new):
        o = next(o for o in self.orders if o.id == oid)
        o.remaining = new
        return [(o.side, o.price, self.level(o.side, o.price))]


# ---------------------------------------------------------------------------- helpers


def order_tuple(o: Order) -> tuple:
    return (o.id, o.account, o.side, o.price, o.remaining, o.seq)


def state(book: OrderBook) -> list[tuple]:
    return sorted(order_tuple(o) for o in book.orders())


def snapshot(book: OrderBook) -> tuple:
    return state(book), book.depth("buy", 10**6), book.depth("sell", 10**6), book.best("buy"), book.best("sell")


def fill_tuple(f: Fill) -> tuple:
    return (f.maker_id, f.maker_account, f.taker_id, f.taker_account, f.price, f.size)


def as_oracle(r: Result) -> tuple:
    return (
        [fill_tuple(f) for f in r.fills],
        r.rested,
        r.unfilled,
        r.reason,
        [(o.id, o.remaining) for o in r.stp_cancelled],
        r.levels,
    )


def check_book(book: OrderBook) -> None:
    """The invariants, checked from the outside (and from the inside with check_invariants)."""
    book.check_invariants()
    bid, ask = book.best("buy"), book.best("sell")
    assert bid is None or ask is None or bid[0] < ask[0], "crossed book at rest"
    totals: dict[tuple[str, int], int] = defaultdict(int)
    for o in book.orders():
        assert o.remaining > 0
        totals[o.side, o.price] += o.remaining
    bids, asks = book.depth("buy", 10**6), book.depth("sell", 10**6)
    assert bids == sorted(((p, s) for (side, p), s in totals.items() if side == "buy"), reverse=True)
    assert asks == sorted((p, s) for (side, p), s in totals.items() if side == "sell")
    assert all(s > 0 for _, s in bids + asks)
    assert bid == (bids[0] if bids else None) and ask == (asks[0] if asks else None)


def submit_kwargs(op) -> dict:
    kind = op[0]
    if kind == "limit":
        _, side, offset, size, account, tif, post_only = op
        price = 100 - offset if side == "buy" else 100 + offset
        return dict(account=account, side=side, price=price, size=size, tif=tif, post_only=post_only and tif == "GTC")
    if kind == "msize":
        _, side, size, account, tif = op
        return dict(account=account, side=side, price=None, size=size, tif=tif)
    _, quote, account = op
    return dict(account=account, side="buy", price=None, quote=quote, tif="IOC")


def check_result_properties(book_before: dict[str, Order], kw: dict, r: Result) -> None:
    """Rule-level properties of one submit, independent of the oracle."""
    side, account = kw["side"], kw["account"]
    fills = r.fills
    assert all(f.maker_account != f.taker_account for f in fills), "self fill"
    # Price–time priority: prices never get better for the maker side, equal prices in increasing seq.
    for a, b in zip(fills, fills[1:], strict=False):
        assert a.price <= b.price if side == "buy" else a.price >= b.price
        if a.price == b.price:
            assert book_before[a.maker_id].seq < book_before[b.maker_id].seq
    # Fills at the maker's price, and within the limit.
    for f in fills:
        assert f.price == book_before[f.maker_id].price
        if kw["price"] is not None:
            assert f.price <= kw["price"] if side == "buy" else f.price >= kw["price"]
    # Quantity conservation for the taker.
    if kw.get("quote") is not None:
        assert kw["quote"] == sum(f.price * f.size for f in fills) + r.unfilled
        assert r.rested == 0
    else:
        assert kw["size"] == sum(f.size for f in fills) + r.rested + r.unfilled
    # Makers never give more than they had (their exact new remaining is checked by the caller); STP cancels
    # only hit the taker's own orders, which are never also filled.
    filled: dict[str, int] = defaultdict(int)
    for f in fills:
        filled[f.maker_id] += f.size
    assert all(n <= book_before[mid].remaining for mid, n in filled.items())
    for o in r.stp_cancelled:
        assert o.account == account and o.id not in filled
    # FOK all or nothing; post-only never takes.
    if kw.get("tif") == "FOK":
        if r.reason == "fok_not_filled":
            assert not fills and not r.stp_cancelled and not r.levels and r.unfilled == kw["size"]
        else:
            assert sum(f.size for f in fills) == kw["size"] and r.unfilled == 0 and r.rested == 0
    if kw.get("post_only"):
        assert not fills and not r.stp_cancelled
        assert r.reason == "post_only_would_take" or r.rested == kw["size"]
    assert len({(s, p) for s, p, _ in r.levels}) == len(r.levels), "a level reported twice"


# ---------------------------------------------------------------------------- strategies

# Each operation is one integer decoded into an op tuple: hypothesis spends most of a test's time drawing, so one
# draw per op buys far longer sequences than a tuple of strategies would (and small integers still shrink to
# simple ops). Kinds are weighted towards small limit orders so that a book builds up; prices are offsets from 100
# towards the order's own side (negative offsets cross), which makes few, thick levels, so takers cross several
# levels, meet their own orders mid-level and stop mid-level. "Sweeps" are larger, aggressive orders.
KINDS = ["limit"] * 11 + ["sweep"] * 2 + ["msize"] * 2 + ["mquote"] * 2 + ["cancel"] * 3 + ["reduce"]
ACCOUNTS = ["alice", "bob", "carol"]
TIFS = ["GTC", "GTC", "GTC", "IOC", "FOK"]


def decode(n: int) -> tuple:
    n, k = divmod(n, len(KINDS))
    kind = KINDS[k]
    n, s = divmod(n, 2)
    side = ("buy", "sell")[s]
    n, a = divmod(n, len(ACCOUNTS))
    account = ACCOUNTS[a]
    if kind == "limit":
        n, offset = divmod(n, 6)
        n, size = divmod(n, 8)
        n, t = divmod(n, len(TIFS))
        return ("limit", side, offset - 2, size + 1, account, TIFS[t], bool(n % 3 == 0))
    if kind == "sweep":
        n, offset = divmod(n, 7)
        n, t = divmod(n, len(TIFS))
        return ("limit", side, -offset, 8 + n % 33, account, TIFS[t], False)
    if kind == "msize":
        n, t = divmod(n, 3)
        return ("msize", side, 1 + n % 40, account, ("GTC", "IOC", "FOK")[t])
    if kind == "mquote":
        return ("mquote", 1 + n % 4000, account)
    if kind == "cancel":
        return ("cancel", n)
    return ("reduce", n % 1000, n // 1000)


ops_strategy = st.lists(st.integers(0, 2**40).map(decode), min_size=30, max_size=120)


class Driver:
    """Applies ops to a book (and optionally the oracle), checking everything after every step."""

    def __init__(self, book: OrderBook, oracle: Oracle | None = None) -> None:
        self.book = book
        self.oracle = oracle
        self.ids: list[str] = []
        self.n = 0

    def pick(self, k: int) -> str:
        return self.ids[k % len(self.ids)] if self.ids else "never-submitted"

    def step(self, op):
        book, oracle = self.book, self.oracle
        kind = op[0]
        if kind == "cancel":
            oid = self.pick(op[1])
            before = book.get(oid)
            before_remaining = before.remaining if before else None
            got = book.cancel(oid)
            if got is None:
                assert before is None
            else:
                assert got[0].remaining == before_remaining, "cancelled = remaining at cancel time"
            if oracle is not None:
                want = oracle.cancel(oid)
                assert (None if got is None else (order_tuple(got[0]), got[1])) == want
            out = None if got is None else (got[0].id, got[0].remaining, got[1])
        elif kind == "reduce":
            oid = self.pick(op[1])
            o = book.get(oid)
            if o is None:
                with pytest.raises(KeyError):
                    book.reduce(oid, 1)
                out = "missing"
            elif o.remaining == 1:
                with pytest.raises(ValueError):
                    book.reduce(oid, 1)
                out = "too-small"
            else:
                new = 1 + op[2] % (o.remaining - 1)
                seq = o.seq
                levels = book.reduce(oid, new)
                assert book.get(oid).remaining == new and book.get(oid).seq == seq
                if oracle is not None:
                    assert levels == oracle.reduce(oid, new)
                out = (oid, new, levels)
        else:
            self.n += 1
            oid = f"o{self.n}"
            self.ids.append(oid)
            kw = submit_kwargs(op)
            before = {o.id: Order(o.id, o.account, o.side, o.price, o.remaining, o.seq) for o in book.orders()}
            snap = snapshot(book)
            dry = book.submit(oid, dry_run=True, **kw)
            assert snapshot(book) == snap, "dry run mutated the book"
            real = book.submit(oid, **kw)
            assert dry == real, "dry run differs from the real submit"
            check_result_properties(before, kw, real)
            for o in real.stp_cancelled:
                assert o.remaining == before[o.id].remaining
            for mid in {f.maker_id for f in real.fills}:
                got = book.get(mid)
                filled = sum(f.size for f in real.fills if f.maker_id == mid)
                assert (got.remaining if got else 0) == before[mid].remaining - filled
            if oracle is not None:
                want = oracle.submit(
                    oid,
                    kw["account"],
                    kw["side"],
                    kw["price"],
                    kw.get("size"),
                    kw.get("quote"),
                    kw["tif"],
                    kw.get("post_only", False),
                )
                assert as_oracle(real) == want
            out = (
                [fill_tuple(f) for f in real.fills],
                real.rested,
                real.unfilled,
                real.reason,
                [(o.id, o.account, o.side, o.price, o.remaining) for o in real.stp_cancelled],
                real.levels,
            )
        check_book(book)
        if oracle is not None:
            assert state(book) == oracle.state()
        return out


def resting_without_seq(book: OrderBook) -> list[tuple]:
    """Resting orders in priority order per level, without seq values (relative order is what matters)."""
    return [o[:5] for o in sorted(map(order_tuple, book.orders()), key=lambda t: (t[2], t[3], t[5]))]


# ---------------------------------------------------------------------------- properties


@settings(max_examples=250, deadline=None)
@given(ops=ops_strategy)
def test_engine_equals_reference_model(ops):
    driver = Driver(OrderBook("BTC/USDT"), Oracle())
    for op in ops:
        driver.step(op)


@settings(max_examples=100, deadline=None)
@given(prefix=ops_strategy, suffix=ops_strategy)
def test_restore_rebuilds_an_identical_book(prefix, suffix):
    a = Driver(OrderBook("BTC/USDT"))
    for op in prefix:
        a.step(op)
    restored = OrderBook("BTC/USDT")
    for o in sorted(a.book.orders(), key=lambda o: o.seq):
        restored.restore(Order(o.id, o.account, o.side, o.price, o.remaining, o.seq))
    b = Driver(restored)
    b.ids, b.n = list(a.ids), a.n
    check_book(restored)
    assert state(restored) == state(a.book)
    assert restored.depth("buy", 100) == a.book.depth("buy", 100)
    assert restored.depth("sell", 100) == a.book.depth("sell", 100)
    for op in suffix:
        assert a.step(op) == b.step(op)
        assert resting_without_seq(a.book) == resting_without_seq(b.book)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_long_seeded_sessions_equal_reference_model(seed):
    """Hypothesis keeps sequences short; these long sessions grow deep books (many orders per level, lazily
    cancelled orders reaching the front, quote buys eating several orders of a level) under the same checks."""
    rng = random.Random(seed)
    driver = Driver(OrderBook("BTC/USDT"), Oracle())
    for _ in range(1500):
        op = decode(rng.randrange(2**40))
        if op[0] == "limit" and op[2] < 0 and rng.random() < 0.6:
            op = (op[0], op[1], -op[2], *op[3:])  # mostly passive: let the book grow
        driver.step(op)
    assert driver.book.orders()


# ---------------------------------------------------------------------------- examples, one per rule


def book_with(*orders: tuple[str, str, str, int, int]) -> OrderBook:
    """A book with GTC limit orders (id, account, side, price, size) rested in the given order."""
    book = OrderBook("BTC/USDT")
    for oid, account, side, price, size in orders:
        r = book.submit(oid, account, side, price=price, size=size)
        assert r.rested == size
    return book


def fills_of(r: Result) -> list[tuple[str, int, int]]:
    return [(f.maker_id, f.price, f.size) for f in r.fills]


def test_price_then_time_priority_and_maker_price():
    book = book_with(("s1", "m", "sell", 101, 2), ("s2", "m", "sell", 101, 2), ("s3", "n", "sell", 100, 1))
    r = book.submit("b", "t", "buy", price=105, size=4)
    assert fills_of(r) == [("s3", 100, 1), ("s1", 101, 2), ("s2", 101, 1)]
    assert r.levels == [("sell", 100, 0), ("sell", 101, 1)]
    assert (r.rested, r.unfilled, r.reason) == (0, 0, None)
    assert book.get("s2").remaining == 1


def test_sell_crosses_bids_at_or_above_its_limit():
    book = book_with(("b1", "m", "buy", 99, 1), ("b2", "m", "buy", 100, 1))
    r = book.submit("s", "t", "sell", price=100, size=3)
    assert fills_of(r) == [("b2", 100, 1)]
    assert r.rested == 2 and r.levels == [("buy", 100, 0), ("sell", 100, 2)]
    assert book.best("buy") == (99, 1) and book.best("sell") == (100, 2)


def test_gtc_rests_with_increasing_seq_and_reports_the_level():
    book = OrderBook("X")
    r1 = book.submit("a", "m", "buy", price=100, size=3)
    r2 = book.submit("b", "m", "buy", price=100, size=2)
    assert r1 == Result([], 3, 0, None, [], [("buy", 100, 3)])
    assert r2.levels == [("buy", 100, 5)]
    assert book.get("a").seq < book.get("b").seq
    assert book.depth("buy", 5) == [(100, 5)] and book.depth("sell", 5) == []


def test_ioc_fills_what_crosses_and_drops_the_rest():
    book = book_with(("s1", "m", "sell", 100, 2))
    r = book.submit("b", "t", "buy", price=100, size=5, tif="IOC")
    assert fills_of(r) == [("s1", 100, 2)]
    assert (r.rested, r.unfilled, r.reason) == (0, 3, "ioc_remainder")
    assert book.orders() == []
    assert book.submit("c", "t", "buy", price=100, size=1, tif="IOC") == Result([], 0, 1, "ioc_remainder", [], [])


def test_fok_is_all_or_nothing():
    book = book_with(("s1", "m", "sell", 100, 2), ("s2", "m", "sell", 101, 2))
    before = snapshot(book)
    r = book.submit("b", "t", "buy", price=101, size=5, tif="FOK")
    assert r == Result([], 0, 5, "fok_not_filled", [], [])
    assert snapshot(book) == before
    r = book.submit("b", "t", "buy", price=101, size=4, tif="FOK")
    assert fills_of(r) == [("s1", 100, 2), ("s2", 101, 2)] and r.unfilled == 0 and r.reason is None


def test_fok_does_not_count_own_orders_and_cancels_nothing_when_rejected():
    book = book_with(("own", "t", "sell", 100, 5), ("s1", "m", "sell", 100, 2))
    r = book.submit("b", "t", "buy", price=100, size=3, tif="FOK")
    assert r == Result([], 0, 3, "fok_not_filled", [], [])
    assert book.get("own").remaining == 5
    r = book.submit("b", "t", "buy", price=100, size=2, tif="FOK")
    assert fills_of(r) == [("s1", 100, 2)] and [o.id for o in r.stp_cancelled] == ["own"]
    assert book.orders() == []


def test_post_only_is_rejected_whole_when_it_would_take_even_against_own_order():
    book = book_with(("own", "t", "sell", 100, 1))
    r = book.submit("b", "t", "buy", price=100, size=4, post_only=True)
    assert r == Result([], 0, 4, "post_only_would_take", [], [])
    assert book.get("own").remaining == 1 and book.get("b") is None
    r = book.submit("b", "t", "buy", price=99, size=4, post_only=True)
    assert r == Result([], 4, 0, None, [], [("buy", 99, 4)])


def test_self_trade_prevention_cancels_resting_and_continues():
    book = book_with(
        ("m1", "m", "sell", 100, 1),
        ("own1", "t", "sell", 100, 3),
        ("m2", "m", "sell", 100, 1),
        ("own2", "t", "sell", 101, 2),
        ("m3", "m", "sell", 102, 5),
    )
    r = book.submit("b", "t", "buy", price=102, size=3)
    assert fills_of(r) == [("m1", 100, 1), ("m2", 100, 1), ("m3", 102, 1)]
    assert [(o.id, o.remaining) for o in r.stp_cancelled] == [("own1", 3), ("own2", 2)]
    assert r.levels == [("sell", 100, 0), ("sell", 101, 0), ("sell", 102, 4)]
    assert all(f.maker_account != "t" for f in r.fills)
    assert book.get("own1") is None and book.get("own2") is None
    check_book(book)


def test_self_trade_prevention_stops_cancelling_once_the_taker_is_filled():
    book = book_with(("m1", "m", "sell", 100, 2), ("own", "t", "sell", 100, 3))
    r = book.submit("b", "t", "buy", price=100, size=2)
    assert fills_of(r) == [("m1", 100, 2)] and r.stp_cancelled == []
    assert book.get("own").remaining == 3


def test_market_orders_by_size_never_rest():
    book = book_with(("s1", "m", "sell", 100, 2), ("s2", "m", "sell", 5000, 1), ("b1", "m", "buy", 90, 1))
    r = book.submit("b", "t", "buy", price=None, size=5)
    assert fills_of(r) == [("s1", 100, 2), ("s2", 5000, 1)]
    assert (r.rested, r.unfilled, r.reason) == (0, 2, "ioc_remainder")
    r = book.submit("s", "t", "sell", price=None, size=1)
    assert fills_of(r) == [("b1", 90, 1)] and r.reason is None
    assert book.submit("x", "t", "sell", price=None, size=3) == Result([], 0, 3, "ioc_remainder", [], [])


def test_market_fok_by_size():
    book = book_with(("s1", "m", "sell", 100, 2))
    assert book.submit("b", "t", "buy", price=None, size=3, tif="FOK").reason == "fok_not_filled"
    assert fills_of(book.submit("b", "t", "buy", price=None, size=2, tif="FOK")) == [("s1", 100, 2)]


def test_market_buy_by_quote_spends_up_to_the_amount_level_by_level():
    book = book_with(("s1", "m", "sell", 100, 3), ("s2", "m", "sell", 200, 5), ("s3", "m", "sell", 300, 5))
    r = book.submit("b", "t", "buy", price=None, quote=750)
    # 3 @ 100 = 300 spent; 450 // 200 = 2 units @ 200 = 400; 50 left cannot buy one unit.
    assert fills_of(r) == [("s1", 100, 3), ("s2", 200, 2)]
    assert (r.rested, r.unfilled, r.reason) == (0, 50, "ioc_remainder")
    assert r.levels == [("sell", 100, 0), ("sell", 200, 3)]
    r = book.submit("b2", "t", "buy", price=None, quote=600)
    assert fills_of(r) == [("s2", 200, 3)] and (r.unfilled, r.reason) == (0, None)
    r = book.submit("b3", "t", "buy", price=None, quote=299)
    assert r == Result([], 0, 299, "ioc_remainder", [], [])
    assert OrderBook("X").submit("b", "t", "buy", price=None, quote=10).unfilled == 10


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(side="hold", price=100, size=1),
        dict(side="buy", price=100, size=1, tif="GTD"),
        dict(side="buy", price=0, size=1),
        dict(side="buy", price=-5, size=1),
        dict(side="buy", price=100, size=0),
        dict(side="buy", price=100),
        dict(side="buy", price=100, size=1.5),
        dict(side="buy", price=100.0, size=1),
        dict(side="sell", price="100", size=1),
        dict(side="sell", price=100, size="1"),
        dict(side="buy", price=True, size=1),
        dict(side="sell", price=None, size=1.0),
        dict(side="buy", price=100, size=1, quote=100),
        dict(side="buy", price=100, size=1, tif="IOC", post_only=True),
        dict(side="buy", price=100, size=1, tif="FOK", post_only=True),
        dict(side="buy", price=None, size=1, post_only=True),
        dict(side="buy", price=None),
        dict(side="buy", price=None, size=1, quote=100),
        dict(side="sell", price=None, quote=100),
        dict(side="buy", price=None, quote=0),
        dict(side="buy", price=None, size=-1),
        dict(side="buy", price=None, quote=100, tif="FOK"),
    ],
)
def test_malformed_submits_raise_value_error(kwargs):
    book = book_with(("s1", "m", "sell", 100, 1))
    with pytest.raises(ValueError):
        book.submit("x", "t", **kwargs)
    check_book(book)


def test_duplicate_resting_id_is_rejected_but_a_gone_id_may_be_reused():
    book = book_with(("a", "m", "buy", 100, 1))
    with pytest.raises(ValueError):
        book.submit("a", "m", "sell", price=200, size=1)
    with pytest.raises(ValueError):
        book.restore(Order("a", "m", "buy", 99, 1, 10))
    book.cancel("a")
    assert book.submit("a", "m", "buy", price=100, size=2).rested == 2


def test_cancel_returns_the_order_and_level_change():
    book = book_with(("a", "m", "buy", 100, 3), ("b", "m", "buy", 100, 2))
    order, levels = book.cancel("a")
    assert (order.id, order.remaining) == ("a", 3) and levels == [("buy", 100, 2)]
    assert book.cancel("a") is None and book.cancel("nope") is None
    assert book.cancel("b")[1] == [("buy", 100, 0)]
    assert book.best("buy") is None


def test_reduce_keeps_time_priority():
    book = book_with(("a", "m", "sell", 100, 5), ("b", "m", "sell", 100, 5))
    assert book.reduce("a", 2) == [("sell", 100, 7)]
    r = book.submit("t", "t", "buy", price=100, size=3)
    assert fills_of(r) == [("a", 100, 2), ("b", 100, 1)]
    with pytest.raises(ValueError):
        book.reduce("b", 4)
    with pytest.raises(ValueError):
        book.reduce("b", 0)
    with pytest.raises(KeyError):
        book.reduce("a", 1)


def test_restore_keeps_seq_and_continues_above_it():
    book = OrderBook("X")
    original = Order("a", "m", "buy", 100, 3, 7)
    book.restore(original)
    book.restore(Order("b", "m", "buy", 100, 1, 9))
    book.restore(Order("c", "n", "sell", 101, 2, 12))
    assert book.get("a") == original and book.get("a") is not original
    assert book.depth("buy", 5) == [(100, 4)] and book.best("sell") == (101, 2)
    book.submit("d", "m", "buy", price=99, size=1)
    assert book.get("d").seq == 13
    with pytest.raises(ValueError):  # out of seq order
        book.restore(Order("e", "m", "buy", 98, 1, 5))
    with pytest.raises(ValueError):  # would cross
        book.restore(Order("f", "m", "buy", 101, 1, 20))
    with pytest.raises(ValueError):
        book.restore(Order("g", "m", "buy", 100, 0, 21))
    check_book(book)


def test_dry_run_changes_nothing_and_consumes_no_seq():
    book = book_with(("s1", "m", "sell", 100, 2), ("own", "t", "sell", 100, 1))
    before = snapshot(book)
    dry = book.submit("b", "t", "buy", price=101, size=5, dry_run=True)
    assert snapshot(book) == before
    dry_rest = book.submit("c", "t", "buy", price=90, size=5, dry_run=True)
    assert snapshot(book) == before
    assert book.submit("b", "t", "buy", price=101, size=5) == dry
    assert book.get("b").seq == 3
    assert book.submit("c", "t", "buy", price=90, size=5) == dry_rest


def test_lazy_cancels_and_compaction_keep_priority_and_totals():
    book = OrderBook("X")
    for i in range(200):
        book.submit(f"s{i}", f"m{i % 7}", "sell", price=100, size=1 + i % 3)
    cancelled = [i for i in range(1, 199) if i % 3]
    for n, i in enumerate(cancelled):  # from the middle: lazily marked dead, then compacted
        book.cancel(f"s{i}")
        if n % 25 == 0:
            check_book(book)
    check_book(book)
    level = book._asks.levels[100]
    assert len(level.orders) < 150  # compaction ran
    live = [f"s{i}" for i in range(200) if i not in cancelled]
    r = book.submit("t", "taker", "buy", price=100, size=10**6)
    assert [f.maker_id for f in r.fills] == live
    assert r.rested == 10**6 - sum(f.size for f in r.fills)
    check_book(book)


def test_price_heap_is_rebuilt_in_place_even_mid_match():
    book = OrderBook("X")
    n_live = 5
    n = 2 * n_live + 1024  # the heap rebuild triggers on the first level dropped by the sweep below
    for i in range(n):
        book.submit(f"s{i}", "m", "sell", price=1000 + i, size=1)
    for i in range(n_live, n):  # deep levels: their keys stay in the heap as dead entries
        book.cancel(f"s{i}")
    assert len(book._asks.heap) == n
    check_book(book)
    r = book.submit("t", "t2", "buy", price=None, size=3)
    assert fills_of(r) == [("s0", 1000, 1), ("s1", 1001, 1), ("s2", 1002, 1)]
    assert len(book._asks.heap) < 10
    check_book(book)
    assert book.depth("sell", 10) == [(1003, 1), (1004, 1)]


def test_levels_report_each_changed_level_once_with_its_final_size():
    book = book_with(
        ("a", "m", "sell", 100, 1),
        ("own", "t", "sell", 100, 1),
        ("b", "m", "sell", 100, 4),
        ("c", "m", "sell", 101, 1),
    )
    r = book.submit("t", "t", "buy", price=101, size=3)
    assert r.levels == [("sell", 100, 2)]
    r = book.submit("u", "t", "buy", price=101, size=9)
    assert r.levels == [("sell", 100, 0), ("sell", 101, 0), ("buy", 101, 6)]


def test_fills_are_ordinary_frozen_dataclasses():
    book = book_with(("s1", "m", "sell", 100, 2))
    (fill,) = book.submit("b", "t", "buy", price=100, size=2).fills
    assert fill == Fill("s1", "m", "b", "t", 100, 2) and hash(fill) == hash(Fill("s1", "m", "b", "t", 100, 2))
    assert dataclasses.asdict(fill)["price"] == 100
    with pytest.raises(dataclasses.FrozenInstanceError):
        fill.size = 3
