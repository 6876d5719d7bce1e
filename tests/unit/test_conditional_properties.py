"""Property tests of conditional orders in the engine (impl/domain/conditional.py, engine.py) against a small
reference model, over a real store (a SQLite file; a few examples on PostgreSQL too).

Random sequences of actions: usr_A makes limit orders on a small price grid around 100.00, usr_B takes them (IOC
limit or market orders), usr_C and usr_D place conditional orders of every kind and side (trailing stops by
callback rate or amount, with or without an activation price; market-kind buys by quote_size), cancel them, and
cancel the orders they placed; trades land exactly on (or one tick beside) a waiting order's trigger, activation
or tracked price, where off-by-one mistakes live; sometimes the engine restarts over the same store. The engine is
observed through `trading.listeners`: each committed batch's `Committed` records, in engine order.

The model is independent of the engine's code: it holds every conditional order as Fractions of a USDT, reads the
trades of each commit (TradeMade, in engine order) and decides on its own which conditional orders fire at which
trade, in which order, and where each trailing stop's tracked price and trigger are (the docstring's rule: the
best last price since activation, minus (sell) / plus (buy) the callback, rounded to the tick away from it).

Properties, checked on every commit / after every command (the ledger report after every action):
1. a trigger fires exactly once and never before the price crosses it: a conditional order leaves `new` exactly
   in the commit right after the command whose trades crossed it (the engine's `TrackPrices` step) — at the first
   crossing trade, in firing order (by trade, then nearest trigger, then oldest) — and never otherwise; a fired
   one only goes on from `triggered` to `finished` (with its order's final status); a cancelled one never changes
   again. `would_trigger_immediately` is refused exactly when the model's last price already meets the trigger
   (never for trailing stops); `insufficient_balance` exactly when the free balance is short of the reservation.
2. a trailing stop's `tracked_price` / `trigger_price` in every `ConditionalUpdated` (placement, each move, its
   firing) are the model's.
3. for every account and asset, the locked balance is what open orders and waiting (`new`) conditional orders
   reserve (fired ones hold 0: their order holds it); the ledger report has no problem.
4. an order placed by a conditional order has `parent_id` = that conditional order's id, whose `order_id` is that
   order's id; its side, type, price and size are the conditional order's.

BTC/USDT of the demo listing: price 2 decimals (100.00 = 10_000 units), size 5 decimals, both assets 8 decimals.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from pathlib import Path

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from test_engine import make_trading

from impl import demo
from impl.domain.errors import ConditionalOrderNotFound, DomainError, OrderNotFound, OrderRejected
from impl.domain.events import ConditionalUpdated, OrderUpdated, TradeMade
from impl.store import open_store as open_any_store

MAKER, TAKER = "usr_A", "usr_B"
HOLDERS = ("usr_C", "usr_D")  # usr_D is poor: its conditional orders are often refused for want of funds
ACCOUNTS = (MAKER, TAKER, *HOLDERS)
FUNDS = {MAKER: ("50", "5000000"), TAKER: ("50", "5000000"), "usr_C": ("50", "5000000"), "usr_D": ("0.3", "40")}
MINOR = 10**8  # BTC and USDT minor units per unit
TICK = Fraction(1, 100)  # USDT

# (type, side) -> the last price fires it when it rises to / falls to the trigger (the docstring's table)
FIRES_WHEN = {
    ("stop_market", "sell"): "fall", ("stop_market", "buy"): "rise",
    ("stop_limit", "sell"): "fall", ("stop_limit", "buy"): "rise",
    ("take_profit_market", "sell"): "rise", ("take_profit_market", "buy"): "fall",
    ("take_profit_limit", "sell"): "rise", ("take_profit_limit", "buy"): "fall",
    ("trailing_stop", "sell"): "fall", ("trailing_stop", "buy"): "rise",
}
LIMIT_KINDS = ("stop_limit", "take_profit_limit")


def units_to_price(units: int | None) -> Fraction | None:
    return None if units is None else Fraction(units, 100)


def dec(units: int, places: int) -> str:
    text = str(units).rjust(places + 1, "0")
    return f"{text[:-places]}.{text[-places:]}"


def amount(text: str) -> Fraction:
    return Fraction(Decimal(text))


# -- the reference model ---------------------------------------------------------------------------------------
@dataclass
class Cond:
    """A conditional order as the model sees it (prices in USDT as Fractions)."""

    id: str
    account: str
    kind: str
    side: str
    request: dict
    trigger: Fraction | None  # fixed trigger, or the trailing stop's current trigger
    activation: Fraction | None
    rate: Fraction | None  # percent
    callback: Fraction | None  # USDT
    reserve: int
    asset: str
    tracked: Fraction | None = None
    status: str = "new"  # new | fired | cancelled
    engine_status: str = "new"  # as last seen in a ConditionalUpdated
    order_id: str | None = None

    @property
    def trailing(self) -> bool:
        return self.kind == "trailing_stop"

    def trail(self, price: Fraction) -> None:
        self.tracked = price
        distance = self.callback if self.callback is not None else price * self.rate / 100
        if self.side == "sell":
            self.trigger = floor((price - distance) / TICK) * TICK
        else:
            self.trigger = ceil((price + distance) / TICK) * TICK

    def sees(self, price: Fraction) -> str | None:
        """A trade at `price`: "moved" (a trailing stop activated or found a better price), "fired", or None."""
        sell = self.side == "sell"
        if self.trailing:
            if self.tracked is None:
                if self.activation is not None and (price < self.activation if sell else price > self.activation):
                    return None
                self.trail(price)
                return "moved"
            if price > self.tracked if sell else price < self.tracked:
                self.trail(price)
                return "moved"
        if self.trigger is None:
            return None
        if FIRES_WHEN[(self.kind, self.side)] == "fall":
            return "fired" if price <= self.trigger else None
        return "fired" if price >= self.trigger else None


@dataclass
class Expected:
    """What the engine's TrackPrices step after a commit with trades must show."""

    fired: list[Cond]  # in firing order
    moved: dict[str, Cond]  # trailing stops still waiting whose tracked price moved


def _reserve_of(request: dict) -> tuple[int, str]:
    if request["side"] == "sell":
        return int(amount(request["size"]) * MINOR), "BTC"
    if "quote_size" in request:
        return int(amount(request["quote_size"]) * MINOR), "USDT"
    return int(amount(request["price"]) * amount(request["size"]) * MINOR), "USDT"


class Model:
    def __init__(self) -> None:
        self.conds: dict[str, Cond] = {}
        self.last: Fraction | None = None
        self.expect: Expected | None = None

    def refusal(self, request: dict, free: int) -> str | None:
        """The code the engine must refuse this (schema-valid, rule-valid) request with, or None."""
        trigger = request.get("trigger_price")
        if trigger is not None and self.last is not None:
            falls = FIRES_WHEN[(request["type"], request["side"])] == "fall"
            if (self.last <= amount(trigger)) if falls else (self.last >= amount(trigger)):
                return "would_trigger_immediately"
        if free < _reserve_of(request)[0]:
            return "insufficient_balance"
        return None

    def placed(self, cid: str, account: str, request: dict) -> Cond:
        reserve, asset = _reserve_of(request)
        rate = request.get("callback_rate")
        c = Cond(cid, account, request["type"], request["side"], request,
                 None if "trigger_price" not in request else amount(request["trigger_price"]),
                 None if "activation_price" not in request else amount(request["activation_price"]),
                 None if rate is None else amount(rate),
                 None if "callback_amount" not in request else amount(request["callback_amount"]), reserve, asset)
        if c.trailing and self.last is not None:
            c.sees(self.last)  # active at once unless its activation price is still ahead (it cannot fire here)
        self.conds[cid] = c
        return c

    def trades(self, prices: list[Fraction]) -> Expected | None:
        fired: list[Cond] = []
        moved: dict[str, Cond] = {}
        for price in prices:
            self.last = price
            now: list[tuple[Fraction, str, Cond]] = []
            for c in sorted((c for c in self.conds.values() if c.status == "new"), key=lambda c: c.id):
                seen = c.sees(price)
                if seen == "moved":
                    moved[c.id] = c
                elif seen == "fired":
                    now.append((abs(price - c.trigger), c.id, c))
            for _, _, c in sorted(now, key=lambda e: (e[0], e[1])):
                c.status = "fired"
                fired.append(c)
        moved = {cid: c for cid, c in moved.items() if c.status == "new"}
        return Expected(fired, moved) if fired or moved else None


# -- the checker: the engine's commits against the model ---------------------------------------------------------
class Checker:
    def __init__(self, store) -> None:
        self.store = store
        self.model = Model()
        self.inbox: list[list] = []
        self.cancelling: str | None = None  # the conditional order the running command cancels
        self.placing: str | None = None  # the conditional order the running command placed

    def listen(self, commits) -> None:  # the engine's thread: before the command is answered
        self.inbox.append(list(commits))

    def drain(self) -> None:
        batches, self.inbox = self.inbox, []
        for batch in batches:
            for i, commit in enumerate(batch):
                self.commit(commit, reaction=i > 0)
            assert self.model.expect is None, (
                f"the engine never ran the TrackPrices step that fires/moves "
                f"{[c.id for c in self.model.expect.fired]} / {list(self.model.expect.moved)}")
        self.cancelling = self.placing = None

    def commit(self, commit, reaction: bool) -> None:
        model = self.model
        expected, model.expect = model.expect, None
        assert reaction == (expected is not None), (
            f"commit {commit.seq}: {'an unexpected reaction' if reaction else 'a command'} while the model "
            f"expected {'nothing' if expected is None else [c.id for c in expected.fired]} to fire/move")
        trades = [e.trade for e in commit.events if type(e) is TradeMade]
        orders = {e.order.id: e.order for e in commit.events if type(e) is OrderUpdated}
        conditionals = [e.conditional for e in commit.events if type(e) is ConditionalUpdated]
        assert len({c.id for c in conditionals}) == len(conditionals), "two updates of one conditional order"
        firing = set() if expected is None else {c.id for c in expected.fired}
        fired_now: list = []
        moved_now: set[str] = set()
        for snap in conditionals:
            m = model.conds.get(snap.id)
            assert m is not None, f"an update of a conditional order the model never placed: {snap}"
            assert (snap.account, snap.type, snap.side) == (m.account, m.kind, m.side)
            assert snap.trigger_direction == FIRES_WHEN[(m.kind, m.side)]
            before, m.engine_status = m.engine_status, snap.status
            if m.status == "cancelled":
                raise AssertionError(f"a cancelled conditional order changed again: {snap}")
            if m.status == "fired" and m.id not in firing:
                # fired earlier: it may only finish, with its order's final status, in the commit that ends it
                assert (before, snap.status) == ("triggered", "finished"), f"fired again or went back: {snap}"
                order = orders.get(m.order_id)
                assert order is not None and order.status == snap.reason and order.parent_id == m.id, (snap, order)
                assert snap.reserved == 0 and snap.order_id == m.order_id
                continue
            if snap.status == "new":
                assert m.status == "new", snap
                if snap.id == self.placing and not reaction:
                    assert before == "new"
                else:
                    assert expected is not None and snap.id in expected.moved, (
                        f"commit {commit.seq}: trailing state changed where the model saw no move: {snap}")
                    moved_now.add(snap.id)
                assert snap.reserved == m.reserve
                self._same_trailing_state(m, snap)
            elif snap.status == "cancelled":
                assert not reaction and snap.id == self.cancelling and m.status == "new", snap
                assert (snap.reason, snap.reserved, snap.order_id) == ("requested", 0, None)
                m.status = "cancelled"
            else:
                assert m.id in firing, (
                    f"commit {commit.seq}: {snap.id} left 'new' ({snap.status}) where the model did not fire it "
                    f"(model trigger {m.trigger}, last {model.last})")
                assert snap.status in ("triggered", "finished"), f"a triggered order was refused: {snap}"
                assert snap.reserved == 0 and snap.triggered_at_ms is not None and snap.order_id is not None
                self._same_trailing_state(m, snap)
                order = orders.get(snap.order_id)
                assert order is not None, f"the order {snap.id} placed is not in the commit that fired it"
                self._placed_as_asked(m, snap, order)
                m.order_id = snap.order_id
                fired_now.append(snap)
        if expected is not None:
            assert {s.id for s in fired_now} == firing, (
                f"commit {commit.seq}: fired {[s.id for s in fired_now]}, the model "
                f"{[(c.id, c.trigger) for c in expected.fired]} (trades {[t.price for t in trades]})")
            placed_in = [model.conds[c.id].order_id for c in expected.fired]
            assert placed_in == sorted(placed_in), "not fired in the model's order (trade, nearest, oldest)"
            assert moved_now == set(expected.moved), (moved_now, set(expected.moved))
        for order in orders.values():  # an order placed by a conditional order links back, and only that one
            if order.parent_id is not None:
                parent = model.conds.get(order.parent_id)
                assert parent is not None and parent.order_id == order.id, order
        model.expect = model.trades([units_to_price(t.price) for t in trades])

    @staticmethod
    def _same_trailing_state(m: Cond, snap) -> None:
        assert units_to_price(snap.trigger_price) == m.trigger, (snap, m.trigger)
        assert units_to_price(snap.tracked_price) == m.tracked, (snap, m.tracked)

    @staticmethod
    def _placed_as_asked(m: Cond, snap, order) -> None:
        r = m.request
        assert order.parent_id == m.id and order.account == m.account and order.side == m.side
        assert order.type == ("limit" if m.kind in LIMIT_KINDS else "market")
        assert units_to_price(order.price) == (amount(r["price"]) if "price" in r else None)
        assert order.tif == r.get("tif", "GTC" if m.kind in LIMIT_KINDS else "IOC")
        if "quote_size" in r:
            assert order.quote_size == m.reserve and order.size is None
        else:
            assert Fraction(order.size, 10**5) == amount(r["size"])
        if snap.status == "finished":
            assert snap.reason == order.status and not order.is_open
        else:
            assert order.is_open

    # -- after every step ----------------------------------------------------------------------------------------
    def ledger_clean(self) -> None:
        report = self.store.ledger_report()
        assert all(not v for k, v in report.items() if k != "asset_totals"), report

    def invariants(self) -> None:
        store = self.store
        reserved: dict[tuple[str, str], int] = defaultdict(int)
        for o in store.open_orders():
            reserved[(o.account, "USDT" if o.side == "buy" else "BTC")] += o.reserved
        live: dict[str, object] = {}
        for account in ACCOUNTS:
            for c in store.list_conditionals(account, {"live": True}, 10_000, None):
                live[c.id] = c
                if c.status == "new":
                    reserved[(account, "USDT" if c.side == "buy" else "BTC")] += c.reserved
                else:
                    assert c.reserved == 0, c
        for account in ACCOUNTS:
            for asset in ("BTC", "USDT"):
                assert store.balance(account, asset)[1] == reserved[(account, asset)], (account, asset)
        for m in self.model.conds.values():  # the store holds what the model says
            stored = store.get_conditional(m.account, m.id)
            assert (stored.status == "new") == (m.status == "new"), (stored, m)
            assert (stored.status == "cancelled") == (m.status == "cancelled"), (stored, m)
            assert (stored.id in live) == (stored.status in ("new", "triggered"))
            if m.status == "new":
                assert stored.reserved == m.reserve
                self._same_trailing_state(m, stored)
            if m.status == "fired":
                order = store.get_order(m.account, m.order_id)
                assert order.parent_id == m.id and stored.order_id == order.id
                assert (stored.status == "triggered") == order.is_open, (stored, order)


# -- actions -----------------------------------------------------------------------------------------------------
GRID = list(range(9_950, 10_051, 10))  # 99.50 .. 100.50 by 0.10
prices = st.one_of(st.sampled_from(GRID), st.integers(9_950, 10_050))
sizes = st.integers(6_000, 100_000)  # 0.06 .. 1 BTC: above the minimum notional at any grid price
held_sizes = st.integers(6_000, 50_000)  # 0.06 .. 0.5 BTC
sides = st.sampled_from(["buy", "sell"])


@st.composite
def conditional_request(draw) -> tuple:
    """A conditional order whose prices are given relative to the last price when it is placed (100.00 before the
    first trade): `ahead` ticks before the trigger is met (negative: already met), or `trigger_at` (a price of the
    grid the trades favour); the limit price `price_off` ticks from the trigger; the activation price
    `activation_off` ticks from the last price, or `activation_at`."""
    kind = draw(st.sampled_from(list(dict.fromkeys(k for k, _ in FIRES_WHEN))))
    side = draw(sides)
    spec: dict = {"side": side, "type": kind}
    if kind != "trailing_stop":
        if draw(st.booleans()):
            spec["ahead"] = draw(st.integers(-5, 40))
        else:
            spec["trigger_at"] = draw(st.sampled_from(GRID))
    if kind in LIMIT_KINDS:
        spec["price_off"] = draw(st.integers(-20, 20))
        spec["size"] = dec(draw(held_sizes), 5)
        tif = draw(st.sampled_from([None, "GTC", "IOC", "FOK"]))
    elif side == "buy":
        spec["quote_size"] = dec(draw(st.integers(500, 6_000)), 2)  # 5.00 .. 60.00 USDT
        tif = draw(st.sampled_from([None, "IOC"]))
    else:
        spec["size"] = dec(draw(held_sizes), 5)
        tif = draw(st.sampled_from([None, "IOC", "FOK"]))
    if tif is not None:
        spec["tif"] = tif
    if kind == "trailing_stop":
        if draw(st.booleans()):
            rate = draw(st.one_of(st.integers(10, 150), st.sampled_from([10, 20, 33, 50, 67, 1_000])))
            spec["callback_rate"] = dec(rate, 2)
        else:
            spec["callback_amount"] = dec(draw(st.one_of(st.integers(1, 120), st.sampled_from([10, 20, 50]))), 2)
        activation = draw(st.sampled_from(["none", "off", "at"]))
        if activation == "off":
            spec["activation_off"] = draw(st.integers(-30, 30))
        elif activation == "at":
            spec["activation_at"] = draw(st.sampled_from(GRID))
    return ("conditional", draw(st.sampled_from(HOLDERS)), spec)


def request_of(spec: dict, last: Fraction | None) -> dict:
    """The wire request of a conditional order `spec`, its prices placed around `last`."""
    base = 10_000 if last is None else int(last * 100)
    request = {"symbol": "BTC/USDT", **{k: v for k, v in spec.items() if not k.endswith(("ahead", "_off", "_at"))}}
    if "ahead" in spec or "trigger_at" in spec:
        falls = FIRES_WHEN[(spec["type"], spec["side"])] == "fall"
        trigger = spec.get("trigger_at") or (base - spec["ahead"] if falls else base + spec["ahead"])
        request["trigger_price"] = dec(trigger, 2)
        if "price_off" in spec:
            request["price"] = dec(trigger + spec["price_off"], 2)
    if "activation_off" in spec:
        request["activation_price"] = dec(base + spec["activation_off"], 2)
    if "activation_at" in spec:
        request["activation_price"] = dec(spec["activation_at"], 2)
    return request


def _weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """One of `choices`, each as often as its weight (one_of flattens and merges equal branches: copies needed)."""
    return st.one_of(*[strategy() for weight, strategy in choices for _ in range(weight)])


action = _weighted(
    (4, lambda: st.tuples(st.just("trades"), sides, st.lists(st.tuples(prices, sizes), min_size=1, max_size=4))),
    (1, lambda: st.tuples(st.just("sweep"), sides, st.lists(prices, min_size=2, max_size=4, unique=True), sizes)),
    (3, lambda: st.tuples(st.just("at"), st.integers(0, 30), st.sampled_from(["trigger", "activation", "tracked"]),
                          st.sampled_from([0, 0, -1, 1]), sides, sizes)),
    (1, lambda: st.tuples(st.just("make"), sides, prices, sizes)),
    (1, lambda: st.tuples(st.just("take"), sides, st.one_of(st.none(), prices), sizes)),
    (4, conditional_request),
    (1, lambda: st.tuples(st.just("cancel_conditional"), st.integers(0, 30))),
    (1, lambda: st.tuples(st.just("cancel_placed"), st.integers(0, 30))),
)
restarts = st.tuples(st.just("restart"))


def scripts(chunks: int, per_chunk: int) -> st.SearchStrategy:
    """Lists of actions, made of up to `chunks` runs of up to `per_chunk` actions: long on average (a list of
    single actions averages a handful), yet each run can shrink to one action or away."""
    runs = st.lists(st.lists(st.one_of(action, restarts), min_size=1, max_size=per_chunk), min_size=1, max_size=chunks)
    return runs.map(lambda rs: [a for r in rs for a in r])


def funded(database: str) -> None:
    """Migrate, seed and fund a new database."""
    store = open_any_store(database)
    try:
        store.migrate()
        demo.seed_if_empty(store)
        trading = make_trading(store)
        try:
            for account, (btc, usdt) in FUNDS.items():
                trading.deposit(account, "BTC", btc, f"dep-{account}-btc")
                trading.deposit(account, "USDT", usdt, f"dep-{account}-usdt")
        finally:
            trading.close()
    finally:
        store.close()


_template: list[str] = []  # a funded SQLite file, made once per test process; each example starts from a copy
# Memory-backed when the machine has it: the store's fsync per commit is not under test, and on a disk it is most of
# an example's time.
TMP = "/dev/shm" if Path("/dev/shm").is_dir() else None


def sqlite_copy(directory: str) -> str:
    if not _template:
        home = tempfile.mkdtemp(prefix="cooud-cond-", dir=TMP)
        atexit.register(shutil.rmtree, home, True)
        funded(f"{home}/template.sqlite3")
        _template.append(f"{home}/template.sqlite3")
    path = f"{directory}/db.sqlite3"
    shutil.copyfile(_template[0], path)
    return path


class Run:
    """One example: a funded store, the engine over it, the checker listening."""

    def __init__(self, database: str) -> None:
        self.store = open_any_store(database)
        self.trading = make_trading(self.store)
        self.checker = Checker(self.store)
        self.trading.listeners.append(self.checker.listen)

    def close(self) -> None:
        self.trading.close()
        self.store.close()

    def step(self, call) -> object:
        """Run one command; a refusal changes nothing. The checker then reads its commits and the store."""
        try:
            return call()
        except DomainError as exc:
            return exc
        finally:
            self.checker.drain()
            self.checker.invariants()

    def apply(self, act: tuple) -> None:
        trading, model, kind = self.trading, self.checker.model, act[0]
        if kind == "trades":
            _, taker_side, trades = act
            for price, size in trades:
                self.trade(taker_side, price, size)
        elif kind == "at":  # a trade at a waiting conditional order's trigger, activation or tracked price ± 1 tick
            _, k, level, delta, taker_side, size = act
            waiting = [c for c in model.conds.values() if c.status == "new"]
            if waiting:
                c = waiting[k % len(waiting)]
                price = {"trigger": c.trigger, "activation": c.activation, "tracked": c.tracked}[level] or c.trigger
                if price is not None:
                    self.trade(taker_side, int(price * 100) + delta, size)
        elif kind == "sweep":  # usr_A offers at several prices in one command, usr_B takes them all in one
            _, taker_side, levels, size = act
            maker_side = "sell" if taker_side == "buy" else "buy"
            self.step(lambda: trading.place_batch(MAKER, [_limit(maker_side, price, size) for price in levels]))
            self.step(lambda: trading.place(TAKER, {"symbol": "BTC/USDT", "side": taker_side, "type": "market",
                                                    "size": dec(size * len(levels), 5)}))
        elif kind == "make":
            _, side, price, size = act
            self.step(lambda: trading.place(MAKER, _limit(side, price, size)))
        elif kind == "take":
            _, side, price, size = act
            request = ({"symbol": "BTC/USDT", "side": side, "type": "market", "size": dec(size, 5)} if price is None
                       else _limit(side, price, size, tif="IOC"))
            self.step(lambda: trading.place(TAKER, request))
        elif kind == "conditional":
            _, account, spec = act
            request = request_of(spec, model.last)
            _, asset = _reserve_of(request)
            code = model.refusal(request, self.store.balance(account, asset)[0])
            outcome = self._place_conditional(account, request)
            if code is None:
                assert not isinstance(outcome, DomainError), f"{request} refused: {outcome!r}"
            else:
                assert isinstance(outcome, OrderRejected) and outcome.code == code, (
                    f"{request} (last {model.last}) must be refused with {code}: {outcome!r}")
        elif kind == "cancel_conditional":
            if not model.conds:
                return
            c = list(model.conds.values())[act[1] % len(model.conds)]
            waiting = c.status == "new"
            self.checker.cancelling = c.id
            outcome = self.step(lambda: trading.cancel_conditional(c.account, c.id))
            if waiting:
                assert not isinstance(outcome, DomainError) and outcome.status == "cancelled", outcome
            else:
                assert isinstance(outcome, OrderRejected) and outcome.code == "conditional_order_not_open", outcome
            outcome = self.step(lambda: trading.cancel_conditional(MAKER, c.id))  # not theirs
            assert isinstance(outcome, ConditionalOrderNotFound), outcome
        elif kind == "cancel_placed":
            fired = [c for c in model.conds.values() if c.order_id is not None]
            if not fired:
                return
            c = fired[act[1] % len(fired)]
            was_open = self.store.get_order(c.account, c.order_id).is_open
            outcome = self.step(lambda: trading.cancel(c.account, c.order_id))
            if was_open:
                assert outcome.status == "cancelled" and c.engine_status == "finished", outcome
                assert self.store.get_conditional(c.account, c.id).reason == "cancelled"
            else:
                assert isinstance(outcome, OrderRejected | OrderNotFound), outcome
        else:  # restart: a new engine over the same store keeps waiting triggers, trailing state and last price
            self.trading.close()
            self.store.release_writer()
            self.trading = make_trading(self.store)
            self.trading.listeners.append(self.checker.listen)
            last = self.trading.engine.last_price.get("BTC/USDT")
            assert units_to_price(last) == model.last

    def trade(self, taker_side: str, price: int, size: int) -> None:
        """usr_A offers at the price, usr_B takes it at once (or better levels first)."""
        maker_side = "sell" if taker_side == "buy" else "buy"
        self.step(lambda: self.trading.place(MAKER, _limit(maker_side, price, size)))
        self.step(lambda: self.trading.place(TAKER, _limit(taker_side, price, size, tif="IOC")))

    def _place_conditional(self, account: str, request: dict):
        holder = {}

        def place():
            placed = self.trading.place_conditional(account, request)
            holder["c"] = self.checker.model.placed(placed.id, account, request)  # before its commit is read
            self.checker.placing = placed.id
            return placed

        outcome = self.step(place)
        if not isinstance(outcome, DomainError):
            assert outcome.status == "new" and outcome.reserved == holder["c"].reserve
        return outcome


def _limit(side: str, price: int, size: int, **extra) -> dict:
    return {"symbol": "BTC/USDT", "side": side, "type": "limit", "price": dec(price, 2), "size": dec(size, 5),
            **extra}


def run_actions(database: str, actions: list[tuple]) -> None:
    note(f"actions = {actions!r}")  # (under pytest, Hypothesis 6.170 prints the failing example as `actions=,`)
    run = Run(database)
    try:
        for act in actions:
            run.apply(act)
            run.checker.ledger_clean()
    finally:
        run.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts(8, 10))
def test_conditional_orders_follow_the_reference_model_on_sqlite(actions):
    with tempfile.TemporaryDirectory(dir=TMP) as tmp:
        run_actions(sqlite_copy(tmp), actions)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts(3, 6))
def test_conditional_orders_follow_the_reference_model_on_postgres(actions):
    from pg_support import fresh_database

    with fresh_database() as url:
        funded(url)
        run_actions(url, actions)
