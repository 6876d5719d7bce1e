"""In-memory price–time priority matching engine for one market (pure Python, standard library only).

Units: everything is an integer. `price` is a count of price units (tick validation is the caller's job), `size`
a count of size units, and a quote amount is price × size in quote-amount units. Sides are "buy" and "sell".

Rules
- Price–time priority: the best price matches first; at one price the order that rested first (lowest `seq`)
  matches first. A buy crosses asks priced <= its limit, a sell crosses bids priced >= its limit. Every fill is at
  the resting (maker) order's price.
- `seq` is assigned from a monotonic counter only when an order rests (orders that never rest consume none;
  neither does a dry run). `restore` keeps the stored `seq` and the counter continues above the highest one.
- Limit orders (`price` set, `size` > 0) by time in force: "GTC" rests its remainder; "IOC" fills what crosses now
  and reports the remainder as `unfilled` ("ioc_remainder"); "FOK" fills completely or does nothing at all (no
  fills, no self-trade cancels, reason "fok_not_filled"). For the FOK check, resting orders of the taker's own
  account are not liquidity (they would be cancelled by self-trade prevention, never filled).
- Market orders (`price=None`) never rest. They carry exactly one of `size` (either side) or `quote` (buys only:
  spend up to `quote` quote-amount units; at each price level take at most `remaining_quote // price` size units,
  and stop at the first level where not even one unit is affordable). A remainder is `unfilled` with reason
  "ioc_remainder", also on an empty book. tif "GTC" and "IOC" mean the same for market orders; "FOK" is accepted
  with `size` (all or nothing) and rejected with `quote` (a quote amount rarely divides into whole units).
  For a `quote` order, `unfilled` is the unspent quote amount (quote-amount units, not size units), so
  `quote == sum(fill.price * fill.size) + unfilled`; any unspent amount, even dust below one unit's price,
  gives reason "ioc_remainder".
- Post-only (GTC limit orders only): if the order would cross on arrival — any opposite resting order at a
  crossing price, the taker's own included — it is rejected whole: no fills, nothing rested, `unfilled == size`,
  reason "post_only_would_take".
- Self-trade prevention, policy "cancel resting": when the incoming order reaches a resting order of the same
  account, that resting order is cancelled (reported in `stp_cancelled` with its remaining at cancel time, its
  level reduced) and matching continues with the next resting order. An account never trades with itself. Under
  this policy the taker is never stopped by STP, so reason "self_trade_prevented" (kept in the vocabulary for a
  future "cancel taker" policy) is never produced.
- `dry_run=True` returns exactly the Result the real submit would return and mutates nothing.
- Malformed calls raise ValueError (unknown side/tif, non-positive or non-int numbers, both or neither of
  size/quote on a market order, quote on a sell or on a limit order, post-only with IOC/FOK/market, an order id
  that is already resting).

Invariants (checked by `check_invariants`, O(n), for tests): the book is never crossed at rest (best bid < best
ask); every level's total equals the sum of its resting orders' `remaining`; no order or level has size 0; within a
level resting orders are in increasing `seq`.

Result.levels lists every L2 level the call changed as (side, price, new total size), each level once with its
final size, in order of first change; size 0 means the level is gone.

Implementation notes (why it looks the way it does): each side keeps a dict price -> level (a deque of orders
plus a running total) and a heap of price keys (bids negated) with lazy deletion; the heap top is always a live
level, so the best price is O(1); the heap is rebuilt when dead keys outnumber live ones by far. A cancel pops
the order if it is first or last in its level and otherwise marks it dead lazily (an order is live iff the id
index maps its id to that very object); dead entries are skipped when they reach the front of a level, and a level
is compacted when dead entries dominate. A limit order that does not cross rests without entering the matching
loop. Dry runs and the FOK check walk the book read-only (a best-first traversal of the heap), so the mutating
path never pays for them. Fills are built by writing their slots directly (a frozen dataclass's own __init__ is
about 2-3x slower), and the crossing hot path inlines that and level removal.

Known limits: one thread (no locking); Orders returned by `get`/`orders` are the live objects and must be treated
as read-only; a process restart needs `restore` from the store.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from heapq import heapify, heappop, heappush

__all__ = [
    "Fill",
    "Order",
    "OrderBook",
    "Result",
    "REASON_FOK_NOT_FILLED",
    "REASON_IOC_REMAINDER",
    "REASON_POST_ONLY",
    "REASON_SELF_TRADE",
]

REASON_POST_ONLY = "post_only_would_take"
REASON_FOK_NOT_FILLED = "fok_not_filled"
REASON_IOC_REMAINDER = "ioc_remainder"
REASON_SELF_TRADE = "self_trade_prevented"  # reserved; never produced under the "cancel resting" STP policy

_TIFS = frozenset(("GTC", "IOC", "FOK"))
_NO_LIMIT = float("inf")
# A level is compacted once it holds more than this many dead entries and they outnumber half its deque.
_COMPACT_MIN_DEAD = 32
# The price heap is rebuilt once it holds this many more keys than twice the live levels.
_HEAP_SLACK = 1024


@dataclass(slots=True)
class Order:
    """A live order resting in the book."""

    id: str
    account: str
    side: str  # "buy" | "sell"
    price: int
    remaining: int  # size units still open (> 0 while resting)
    seq: int  # time priority, lower = earlier


@dataclass(frozen=True, slots=True)
class Fill:
    maker_id: str
    maker_account: str
    taker_id: str
    taker_account: str
    price: int  # always the maker's (resting) price
    size: int


# A frozen dataclass's generated __init__ sets each field through object.__setattr__ (about 1 µs for a Fill);
# the engine builds Fills by writing the slots directly, which is about twice as fast and gives an equal object.
_fill_slots = tuple(
    Fill.__dict__[name].__set__ for name in ("maker_id", "maker_account", "taker_id", "taker_account", "price", "size")
)


def _new_fill(
    maker_id: str,
    maker_account: str,
    taker_id: str,
    taker_account: str,
    price: int,
    size: int,
    _new=object.__new__,
    _cls=Fill,
    _slots=_fill_slots,
) -> Fill:
    fill = _new(_cls)
    s_maker_id, s_maker_account, s_taker_id, s_taker_account, s_price, s_size = _slots
    s_maker_id(fill, maker_id)
    s_maker_account(fill, maker_account)
    s_taker_id(fill, taker_id)
    s_taker_account(fill, taker_account)
    s_price(fill, price)
    s_size(fill, size)
    return fill


@dataclass(slots=True)
class Result:
    fills: list[Fill]
    rested: int  # size units of the incoming order left resting (0 if it did not rest)
    unfilled: int  # size units neither filled nor rested (quote-amount units for a market buy by quote)
    reason: str | None
    stp_cancelled: list[Order]
    levels: list[tuple[str, int, int]]


class _Level:
    __slots__ = ("orders", "total", "dead")

    def __init__(self, first: Order) -> None:
        self.orders: deque[Order] = deque((first,))
        self.total = first.remaining  # sum of live orders' remaining
        self.dead = 0  # cancelled entries still in `orders`


class _Side:
    __slots__ = ("name", "sign", "levels", "heap", "in_heap")

    def __init__(self, name: str, sign: int) -> None:
        self.name = name
        self.sign = sign  # heap key = price * sign: asks +1 (min-heap on price), bids -1 (max-heap on price)
        self.levels: dict[int, _Level] = {}
        self.heap: list[int] = []
        self.in_heap: set[int] = set()  # keys in `heap`, live or not, so a price is never pushed twice

    def drop_level(self, price: int) -> None:
        """Remove an emptied level and restore "heap top is live"."""
        levels = self.levels
        del levels[price]
        heap = self.heap
        sign = self.sign
        while heap and heap[0] * sign not in levels:
            self.in_heap.discard(heappop(heap))
        if len(heap) > 2 * len(levels) + _HEAP_SLACK:
            self.rebuild_heap()

    def rebuild_heap(self) -> None:
        """Forget the dead keys. In place, so that references held by a caller stay valid."""
        heap = self.heap
        sign = self.sign
        heap[:] = [p * sign for p in self.levels]
        heapify(heap)
        self.in_heap.clear()
        self.in_heap.update(heap)

    def walk(self, limit_key: float):
        """Yield (price, level) best first while the key is <= limit_key, without mutating anything."""
        heap = self.heap
        n = len(heap)
        if not n:
            return
        levels = self.levels
        sign = self.sign
        frontier = [(heap[0], 0)]
        while frontier:
            key, i = heappop(frontier)
            if key > limit_key:
                return
            level = levels.get(key * sign)
            if level is not None:
                yield key * sign, level
            child = 2 * i + 1
            if child < n:
                heappush(frontier, (heap[child], child))
                if child + 1 < n:
                    heappush(frontier, (heap[child + 1], child + 1))


def _limit_error(price: object, size: object, quote: object, tif: str) -> str:
    if type(price) is not int or price <= 0:
        return "price must be a positive int"
    if type(size) is not int or size <= 0:
        return "a limit order needs a positive int size"
    if quote is not None:
        return "quote is only for market buys"
    return "post_only requires tif GTC"


class OrderBook:
    """The order book and matching engine of one market. Not thread-safe."""

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self._bids = _Side("buy", -1)
        self._asks = _Side("sell", 1)
        self._index: dict[str, Order] = {}
        self._seq = 0

    # ------------------------------------------------------------------ commands

    def submit(
        self,
        order_id: str,
        account: str,
        side: str,
        *,
        price: int | None,
        size: int | None = None,
        quote: int | None = None,
        tif: str = "GTC",
        post_only: bool = False,
        dry_run: bool = False,
    ) -> Result:
        index = self._index
        if order_id in index:
            raise ValueError(f"order {order_id!r} is already resting")
        if side == "buy":
            own = self._bids
            opp = self._asks
        elif side == "sell":
            own = self._asks
            opp = self._bids
        else:
            raise ValueError(f"unknown side {side!r}")
        if tif not in _TIFS:
            raise ValueError(f"unknown time in force {tif!r}")

        if price is not None:
            # One combined test on the hot path; the specific message is worked out only on failure.
            if (
                type(price) is not int
                or type(size) is not int
                or price <= 0
                or size <= 0
                or quote is not None
                or (post_only and tif != "GTC")
            ):
                raise ValueError(_limit_error(price, size, quote, tif))
            limit_key = price if side == "buy" else -price  # the opposite side's heap key at the limit
            heap = opp.heap
            if not heap or heap[0] > limit_key:
                # Fast path: nothing crosses, so a GTC order rests right away.
                if tif == "GTC":
                    levels = own.levels
                    level = levels.get(price)
                    if dry_run:
                        return Result([], size, 0, None, [], [(side, price, (level.total if level else 0) + size)])
                    self._seq = seq = self._seq + 1
                    order = index[order_id] = Order(order_id, account, side, price, size, seq)
                    if level is None:
                        levels[price] = _Level(order)
                        key = -limit_key  # own side's heap key (limit_key is the opposite side's)
                        if key not in own.in_heap:
                            heappush(own.heap, key)
                            own.in_heap.add(key)
                        return Result([], size, 0, None, [], [(side, price, size)])
                    level.orders.append(order)
                    total = level.total = level.total + size
                    return Result([], size, 0, None, [], [(side, price, total)])
                if tif == "IOC":
                    return Result([], 0, size, REASON_IOC_REMAINDER, [], [])
                return Result([], 0, size, REASON_FOK_NOT_FILLED, [], [])
            if post_only:
                return Result([], 0, size, REASON_POST_ONLY, [], [])
        else:
            if post_only:
                raise ValueError("post_only is not allowed on a market order")
            if quote is not None:
                if size is not None:
                    raise ValueError("give exactly one of size and quote")
                if side != "buy":
                    raise ValueError("quote is only for market buys")
                if type(quote) is not int or quote <= 0:
                    raise ValueError("quote must be a positive int")
                if tif == "FOK":
                    raise ValueError("FOK is not supported for a market buy by quote")
                if dry_run:
                    return self._simulate_quote(order_id, account, quote)
                return self._take_quote(order_id, account, quote)
            if type(size) is not int or size <= 0:
                raise ValueError("a market order needs a positive int size or quote")
            limit_key = _NO_LIMIT

        if dry_run:
            return self._simulate(order_id, account, side, price, size, tif, own, opp, limit_key)
        if tif == "FOK":
            if self._simulate(order_id, account, side, price, size, tif, own, opp, limit_key).unfilled:
                return Result([], 0, size, REASON_FOK_NOT_FILLED, [], [])
        return self._take(order_id, account, side, price, size, tif, own, opp, limit_key)

    def cancel(self, order_id: str) -> tuple[Order, list[tuple[str, int, int]]] | None:
        """Remove a resting order; returns it (remaining as it was) and the level change, or None if not resting."""
        order = self._index.pop(order_id, None)
        if order is None:
            return None
        side = self._bids if order.side == "buy" else self._asks
        price = order.price
        level = side.levels[price]
        total = level.total = level.total - order.remaining
        if not total:
            side.drop_level(price)
            return order, [(order.side, price, 0)]
        q = level.orders
        if q[0] is order:
            q.popleft()
        elif q[-1] is order:
            q.pop()
        else:
            dead = level.dead = level.dead + 1
            if dead > _COMPACT_MIN_DEAD and 2 * dead > len(q):
                index = self._index
                level.orders = deque([o for o in q if index.get(o.id) is o])
                level.dead = 0
        return order, [(order.side, price, total)]

    def reduce(self, order_id: str, new_remaining: int) -> list[tuple[str, int, int]]:
        """Lower a resting order's remaining size in place, keeping its time priority.

        Raises KeyError if the order is not resting and ValueError unless 0 < new_remaining < remaining."""
        order = self._index.get(order_id)
        if order is None:
            raise KeyError(order_id)
        if type(new_remaining) is not int or not 0 < new_remaining < order.remaining:
            raise ValueError("new_remaining must be an int with 0 < new_remaining < remaining")
        level = (self._bids if order.side == "buy" else self._asks).levels[order.price]
        level.total -= order.remaining - new_remaining
        order.remaining = new_remaining
        return [(order.side, order.price, level.total)]

    def restore(self, order: Order) -> None:
        """Rest a stored order without matching, keeping its seq (start-up rebuild).

        Orders must come in increasing seq order, above any seq this book has assigned. The book keeps a copy."""
        if order.id in self._index:
            raise ValueError(f"order {order.id!r} is already resting")
        if order.side == "buy":
            own, opp = self._bids, self._asks
        elif order.side == "sell":
            own, opp = self._asks, self._bids
        else:
            raise ValueError(f"unknown side {order.side!r}")
        price, remaining, seq = order.price, order.remaining, order.seq
        if type(price) is not int or price <= 0 or type(remaining) is not int or remaining <= 0:
            raise ValueError("price and remaining must be positive ints")
        if type(seq) is not int or seq <= self._seq:
            raise ValueError(f"restore in increasing seq order (got {seq}, book is at {self._seq})")
        if opp.heap and opp.heap[0] <= (price if own.sign == -1 else -price):
            raise ValueError(f"order {order.id!r} would cross the book")
        self._seq = seq - 1
        self._rest(own, order.id, order.account, order.side, price, remaining)

    # ------------------------------------------------------------------ queries

    def get(self, order_id: str) -> Order | None:
        return self._index.get(order_id)

    def best(self, side: str) -> tuple[int, int] | None:
        """(price, total size) of the best bid for "buy", of the best ask for "sell"."""
        s = self._side(side)
        if not s.heap:
            return None
        price = s.heap[0] * s.sign
        return price, s.levels[price].total

    def depth(self, side: str, n: int) -> list[tuple[int, int]]:
        """The n best levels of a side as (price, total size), best first."""
        s = self._side(side)
        prices = sorted(s.levels, reverse=s.sign == -1)[:n] if n > 0 else []
        return [(p, s.levels[p].total) for p in prices]

    def orders(self) -> list[Order]:
        return list(self._index.values())

    def check_invariants(self) -> None:
        """Assert every structural invariant (O(n); for tests and debugging)."""
        index = self._index
        seen = 0
        for s in (self._bids, self._asks):
            assert len(s.heap) == len(s.in_heap) and set(s.heap) == s.in_heap
            assert all(p * s.sign in s.in_heap for p in s.levels)
            assert not s.heap or s.heap[0] * s.sign in s.levels, "heap top must be a live level"
            for price, level in s.levels.items():
                live = [o for o in level.orders if index.get(o.id) is o]
                assert live, "no empty levels"
                assert len(level.orders) - len(live) == level.dead
                assert level.total == sum(o.remaining for o in live)
                assert all(o.remaining > 0 and o.price == price and o.side == s.name for o in live)
                assert all(a.seq < b.seq for a, b in zip(live, live[1:], strict=False))
                seen += len(live)
        assert seen == len(index)
        bid, ask = self.best("buy"), self.best("sell")
        assert bid is None or ask is None or bid[0] < ask[0], "crossed book"
        assert all(o.seq <= self._seq for o in index.values())

    # ------------------------------------------------------------------ internals

    def _side(self, side: str) -> _Side:
        if side == "buy":
            return self._bids
        if side == "sell":
            return self._asks
        raise ValueError(f"unknown side {side!r}")

    def _rest(self, own: _Side, order_id: str, account: str, side: str, price: int, size: int) -> int:
        self._seq = seq = self._seq + 1
        order = Order(order_id, account, side, price, size, seq)
        self._index[order_id] = order
        level = own.levels.get(price)
        if level is None:
            own.levels[price] = _Level(order)
            key = price * own.sign
            if key not in own.in_heap:
                heappush(own.heap, key)
                own.in_heap.add(key)
            return size
        level.orders.append(order)
        total = level.total = level.total + size
        return total

    def _take(self, order_id, account, side, price, size, tif, own, opp, limit_key) -> Result:
        """Match for real (limit or market by size); rests a GTC limit remainder.

        The hot path of crossing orders: Fill construction and level removal are written out inline here (the
        same steps as `_new_fill` and `_Side.drop_level`), which is worth several percent of the benchmark."""
        index = self._index
        levels = opp.levels
        heap = opp.heap
        in_heap = opp.in_heap
        sign = opp.sign
        oside = opp.name
        fills: list[Fill] = []
        stp: list[Order] = []
        changes: list[tuple[str, int, int]] = []
        new = object.__new__
        set_maker_id, set_maker_account, set_taker_id, set_taker_account, set_price, set_size = _fill_slots
        while size and heap:
            key = heap[0]
            if key > limit_key:
                break
            mprice = key * sign
            level = levels[mprice]
            q = level.orders
            total = level.total
            while size:
                o = q[0]
                if index.get(o.id) is not o:  # cancelled earlier, removed lazily
                    q.popleft()
                    level.dead -= 1
                    continue
                rem = o.remaining
                if o.account == account:  # self-trade prevention: cancel the resting order
                    q.popleft()
                    del index[o.id]
                    stp.append(o)
                    total -= rem
                    if not total:
                        break
                    continue
                fill = new(Fill)
                set_maker_id(fill, o.id)
                set_maker_account(fill, o.account)
                set_taker_id(fill, order_id)
                set_taker_account(fill, account)
                set_price(fill, mprice)
                fills.append(fill)
                if rem <= size:
                    set_size(fill, rem)
                    size -= rem
                    total -= rem
                    q.popleft()
                    del index[o.id]
                    if not total:
                        break
                else:
                    set_size(fill, size)
                    o.remaining = rem - size
                    total -= size
                    size = 0
            level.total = total
            changes.append((oside, mprice, total))
            if not total:  # drop the level: it is the heap top, and the top must stay a live level
                del levels[mprice]
                heappop(heap)
                in_heap.discard(key)
                while heap and heap[0] * sign not in levels:
                    in_heap.discard(heappop(heap))
        if len(heap) > 2 * len(levels) + _HEAP_SLACK:
            opp.rebuild_heap()
        if not size:
            return Result(fills, 0, 0, None, stp, changes)
        if price is not None and tif == "GTC":
            changes.append((side, price, self._rest(own, order_id, account, side, price, size)))
            return Result(fills, size, 0, None, stp, changes)
        return Result(fills, 0, size, REASON_IOC_REMAINDER, stp, changes)

    def _simulate(self, order_id, account, side, price, size, tif, own, opp, limit_key) -> Result:
        """What `_take` would return, computed read-only (dry runs and the FOK check)."""
        index = self._index
        oside = opp.name
        fills: list[Fill] = []
        stp: list[Order] = []
        changes: list[tuple[str, int, int]] = []
        for mprice, level in opp.walk(limit_key):
            total = level.total
            for o in level.orders:
                if index.get(o.id) is not o:
                    continue
                rem = o.remaining
                if o.account == account:
                    stp.append(o)
                    total -= rem
                    continue
                take = rem if rem <= size else size
                fills.append(_new_fill(o.id, o.account, order_id, account, mprice, take))
                total -= take
                size -= take
                if not size:
                    break
            changes.append((oside, mprice, total))
            if not size:
                break
        if tif == "FOK" and size:
            return Result([], 0, size + sum(f.size for f in fills), REASON_FOK_NOT_FILLED, [], [])
        if not size:
            return Result(fills, 0, 0, None, stp, changes)
        if price is not None and tif == "GTC":
            level = own.levels.get(price)
            changes.append((side, price, (level.total if level is not None else 0) + size))
            return Result(fills, size, 0, None, stp, changes)
        return Result(fills, 0, size, REASON_IOC_REMAINDER, stp, changes)

    def _take_quote(self, order_id: str, account: str, quote: int) -> Result:
        """Market buy spending up to `quote` quote-amount units, for real."""
        index = self._index
        opp = self._asks
        levels = opp.levels
        heap = opp.heap
        fills: list[Fill] = []
        stp: list[Order] = []
        changes: list[tuple[str, int, int]] = []
        while heap:
            mprice = heap[0]  # asks: key == price
            afford = quote // mprice
            if not afford:
                break
            level = levels[mprice]
            q = level.orders
            total = level.total
            while afford:
                o = q[0]
                if index.get(o.id) is not o:
                    q.popleft()
                    level.dead -= 1
                    continue
                rem = o.remaining
                if o.account == account:
                    q.popleft()
                    del index[o.id]
                    stp.append(o)
                    total -= rem
                    if not total:
                        break
                    continue
                if rem <= afford:
                    fills.append(_new_fill(o.id, o.account, order_id, account, mprice, rem))
                    afford -= rem
                    quote -= rem * mprice
                    total -= rem
                    q.popleft()
                    del index[o.id]
                    if not total:
                        break
                else:
                    fills.append(_new_fill(o.id, o.account, order_id, account, mprice, afford))
                    o.remaining = rem - afford
                    quote -= afford * mprice
                    total -= afford
                    afford = 0
            level.total = total
            changes.append(("sell", mprice, total))
            if not total:
                opp.drop_level(mprice)
            if not afford:
                break
        return Result(fills, 0, quote, REASON_IOC_REMAINDER if quote else None, stp, changes)

    def _simulate_quote(self, order_id: str, account: str, quote: int) -> Result:
        """What `_take_quote` would return, computed read-only."""
        index = self._index
        fills: list[Fill] = []
        stp: list[Order] = []
        changes: list[tuple[str, int, int]] = []
        for mprice, level in self._asks.walk(_NO_LIMIT):
            afford = quote // mprice
            if not afford:
                break
            total = level.total
            for o in level.orders:
                if index.get(o.id) is not o:
                    continue
                rem = o.remaining
                if o.account == account:
                    stp.append(o)
                    total -= rem
                    continue
                take = rem if rem <= afford else afford
                fills.append(_new_fill(o.id, o.account, order_id, account, mprice, take))
                afford -= take
                quote -= take * mprice
                total -= take
                if not afford:
                    break
            changes.append(("sell", mprice, total))
            if not afford:
                break
        return Result(fills, 0, quote, REASON_IOC_REMAINDER if quote else None, stp, changes)
