"""Strategy orders (impl/domain/order_lists.py) under random traffic, on a real SQLite store — property-based.

A hypothesis state machine lets usr_C and usr_D place OCO, OTO and OTOCO lists of random legs (limit and market
orders, the five conditional kinds) at prices a few 0.50 steps from the last trade (a grid 90.00 .. 110.00; the market
starts at 100.00), with sizes their balances cover mostly but not always; usr_A makes and usr_B takes near the market
and walks it up and down the grid (partial and full fills, triggers); owners cancel whole lists, single legs (DELETE of
the order, cancel of the conditional order, DELETE of the order a fired leg placed), everything at once, try to amend
legs, deposit; and the engine restarts now and then on the same store. After every step, from the committed events
(`Trading.listeners`: one call per committed batch, each `Committed` one engine step) and from store reads:

1. OCO: once a leg has executed (its order has a fill, or its conditional order fired), the other leg never gets a
   fill and never fires; and in the very engine step (`Committed`) of that first fill / trigger the sibling is
   cancelled with reason `oco_sibling`.
2. OTO/OTOCO: the pending legs are placed (live/ended, with an order or conditional order) iff the working order is
   fully filled — in the commit of its last fill, or the list is rejected in that commit with them `not_placed` —
   and never if the working order ended otherwise.
3. Funds: every account's `locked` equals what its open orders and live conditional orders reserve; the store's
   ledger report is clean.
4. Lists: `working` iff some leg is pending or live; an ended list has no pending or live leg and no live order or
   conditional order of its own; a leg's status follows its order / conditional order; every order a list placed
   has `parent_id` = the list (a conditional leg's order: the conditional order, whose `order_list_id` is the list);
   the engine's memory follows the store (`Engine.lists`, `Engine.member_of`).
Cancelling a live leg cancels its list (reason `requested`); amending an order a working list placed is refused
(`order_in_order_list`; the order a fired conditional leg placed is that conditional order's and may be amended).

Units as in test_conditional_orders.py (BTC/USDT: price 2 decimals, size 5; both assets 8 decimals).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from test_conditional_orders import clean, stop, trade_at
from test_engine import make_trading

from impl import demo
from impl.domain.commands import Inspect
from impl.domain.conditional import KINDS, LIMIT_KINDS, direction
from impl.domain.errors import OrderRejected
from impl.domain.events import ConditionalUpdated, FillMade, OrderListUpdated, OrderUpdated
from impl.store import open_store

SYMBOL = "BTC/USDT"
LISTERS = ("usr_C", "usr_D")
ACCOUNTS = ("usr_A", "usr_B", *LISTERS)
GRID = [f"{Decimal('100.00') + Decimal('0.50') * k:.2f}" for k in range(-20, 21)]  # 90.00 .. 110.00, 0.50 apart
SIZES = ["0.1", "0.2", "0.3", "0.5", "0.8"]
QUOTES = ["10", "25", "50", "80"]
OPEN = ("open", "partially_filled")
LIVE_CONDITIONAL = ("new", "triggered")
CANCEL_REASONS = ("requested", "working_order_cancelled", "working_order_expired", "leg_cancelled")

sizes = st.sampled_from(SIZES)
sides = st.sampled_from(("buy", "sell"))
picks = st.sampled_from(range(60))  # which list (modulo their number): uniform, not mostly the first
steps = st.sampled_from((-4, -3, -2, -1, 0, 1, 2, 3, 4))  # grid steps from the last trade price
# which lists an owner's move picks from: working ones, the working ones with a fired conditional leg whose order still
# works (else any working one), or any (an ended one: refusals)
lists_among = st.sampled_from(("working", "working", "fired", "any"))


# -- requests ------------------------------------------------------------------------------------------------------
# Prices are drawn relative to the market when the request is sent (`_resolve`): ("last", k) is the last trade price
# k grid steps up (k < 0: down), ("trigger", k) the leg's trigger price moved likewise — so resting legs mostly
# rest, triggers mostly wait on their side of the market (sometimes not: would_trigger_immediately), and a fired
# limit leg sometimes rests, whatever the market did before.
@st.composite
def plain_leg(draw, side: str, resting: bool = False) -> dict:
    """An order leg: a GTC limit (`resting`: an OCO's plain leg), else also IOC limits and market orders."""
    kind = "limit" if resting else draw(st.sampled_from(("limit", "limit", "limit", "market")))
    request = {"symbol": SYMBOL, "side": side, "type": kind}
    if kind == "limit":
        # grid steps from the last price on its passive side (<= 0: it may trade at once)
        away = draw(st.sampled_from((-2, -1, 0, 1, 1, 2, 2, 3, 4, 5, 6) if resting else (-2, -1, 0, 1, 2, 3)))
        request |= {"price": ("last", away if side == "sell" else -away), "size": draw(sizes)}
        if not resting and draw(st.integers(0, 3)) == 0:
            request["tif"] = "IOC"
    elif side == "buy" and draw(st.booleans()):
        request["quote_size"] = draw(st.sampled_from(QUOTES))
    else:
        request["size"] = draw(sizes)
    return request


@st.composite
def conditional_leg(draw, side: str) -> dict:
    kind = draw(st.sampled_from(KINDS + LIMIT_KINDS))  # the limit kinds twice: a fired one may rest
    request = {"symbol": SYMBOL, "side": side, "type": kind}
    rise = direction(kind, side) == "rise"
    if kind == "trailing_stop":
        if draw(st.booleans()):
            request["callback_amount"] = draw(st.sampled_from(("0.50", "1.00", "2.00")))
        else:
            request["callback_rate"] = draw(st.sampled_from(("0.5", "1", "1.5")))
        if draw(st.booleans()):
            ahead = draw(st.sampled_from((-1, 0, 1, 2, 3, 4)))  # a sell activates at or above it, a buy at or below
            request["activation_price"] = ("last", ahead if side == "sell" else -ahead)
    else:
        # grid steps before it fires (<= 0: refused, would_trigger_immediately)
        away = draw(st.sampled_from((-1, 0, 1, 1, 2, 2, 3, 3, 4, 5)))
        request["trigger_price"] = ("last", away if rise else -away)
    if kind in LIMIT_KINDS:
        beyond = draw(st.sampled_from((-2, -1, 0, 1, 2, 3, 4)))  # grid steps from the trigger on its passive side
        request |= {"price": ("trigger", beyond if side == "sell" else -beyond), "size": draw(sizes)}
        tif = draw(st.sampled_from(("GTC", "GTC", "GTC", "IOC", "FOK")))
        if tif != "GTC":
            request["tif"] = tif
    elif side == "buy":
        request["quote_size"] = draw(st.sampled_from(QUOTES))
    else:
        request["size"] = draw(sizes)
    return request


@st.composite
def oco_pair(draw, side: str) -> list[dict]:
    shape = draw(st.sampled_from(("limit+conditional", "conditional+limit", "conditional+conditional")))
    if shape == "conditional+conditional":
        return [draw(conditional_leg(side)), draw(conditional_leg(side))]
    pair = [draw(plain_leg(side, resting=True)), draw(conditional_leg(side))]
    return pair if shape == "limit+conditional" else pair[::-1]


@st.composite
def list_requests(draw) -> dict:
    kind = draw(st.sampled_from(("oco", "oto", "otoco")))
    side = draw(sides)
    if kind == "oco":
        return {"type": "oco", "legs": draw(oco_pair(side))}
    working = draw(plain_leg(side))
    then = {"buy": "sell", "sell": "buy"}[side] if draw(st.integers(0, 3)) else side  # mostly the way out
    if kind == "oto":
        pending = draw(st.one_of(plain_leg(then), conditional_leg(then)))
        return {"type": "oto", "legs": [working, pending]}
    return {"type": "otoco", "legs": [working, *draw(oco_pair(then))]}


def _oco_indexes(lst) -> list[int]:
    return [i for i, leg in enumerate(lst.legs) if leg.role == "oco"]


# -- the machine ---------------------------------------------------------------------------------------------------
class StrategyOrders(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.mkdtemp(prefix="lprop-")
        shutil.copyfile(_template(), Path(self.dir) / "db.sqlite3")
        self.store = open_store(str(Path(self.dir) / "db.sqlite3"))
        self.store.migrate()
        self.batches: list[list] = []  # what the listener saw, one item per committed batch
        self.trading = self._start()
        self.deposits = 0
        for account in ("usr_A", "usr_B"):
            self._deposit(account, "BTC", "1000")
            self._deposit(account, "USDT", "10000000")
        for account in LISTERS:
            self._deposit(account, "BTC", "1")
            self._deposit(account, "USDT", "150")
        self.trading.place("usr_A", _limit("sell", "100.00", "0.06"))
        self.trading.place("usr_B", _limit("buy", "100.00", "0.06", tif="IOC"))
        self.known: list[tuple[str, str]] = []  # (account, list id) of every accepted list
        # what the events said so far
        self.seen = 0  # batches checked
        self.lists: dict = {}  # list id -> its latest snapshot
        self.member: dict[str, tuple[str, int]] = {}  # order / conditional order id -> (list id, leg index)
        self.executed: dict[str, int] = {}  # list id -> the OCO leg that executed first
        self.fired: set[str] = set()
        self.working_filled: dict[str, int] = {}  # list id -> batch of its working order's last fill
        self.pending_placed: dict[str, int] = {}  # list id -> batch its pending legs were placed or refused in

    def _start(self):
        trading = make_trading(self.store)
        trading.listeners.append(lambda outbox: self.batches.append(list(outbox)))
        return trading

    def _deposit(self, account: str, asset: str, amount: str) -> None:
        self.deposits += 1
        self.trading.deposit(account, asset, amount, f"dep-{self.deposits}")

    def teardown(self) -> None:
        self.trading.close()
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- steps ---------------------------------------------------------------------------------------------------
    def _last(self) -> int:
        """The grid index of the last trade price (100.00 before the first trade)."""
        last = self.store.last_prices().get(SYMBOL)
        text = None if last is None else f"{Decimal(last) / 100:.2f}"
        return GRID.index(text) if text in GRID else GRID.index("100.00")

    def _price(self, k: int, base: int | None = None) -> str:
        return GRID[max(0, min(len(GRID) - 1, (self._last() if base is None else base) + k))]

    def _resolve(self, request: dict) -> dict:
        out = dict(request)
        for name in ("trigger_price", "activation_price", "price"):  # a limit price may follow the trigger
            if isinstance(out.get(name), tuple):
                base, k = out[name]
                out[name] = self._price(k, None if base == "last" else GRID.index(out["trigger_price"]))
        return out

    @rule(account=st.sampled_from(LISTERS), request=list_requests())
    def place_list(self, account, request):
        request = {**request, "legs": [self._resolve(leg) for leg in request["legs"]]}
        before = len(self.store.list_order_lists(account, {}, 10_000, None))
        try:
            lst = self.trading.place_list(account, request)
        except OrderRejected as refused:  # funds, would_trigger_immediately, notional_too_small …: nothing placed
            event(f"list refused: {refused.code}")
            assert len(self.store.list_order_lists(account, {}, 10_000, None)) == before
            return
        self.known.append((account, lst.id))

    @rule(side=sides, k=steps, size=sizes)
    def make(self, side, k, size):
        """usr_A: a resting order near the market (it trades at once if it crosses)."""
        self.trading.place("usr_A", _limit(side, self._price(k), size))

    @rule(side=sides, k=steps, size=sizes)
    def take(self, side, k, size):
        """usr_B: an IOC order through the book up to a price near the market."""
        self.trading.place("usr_B", _limit(side, self._price(k), size, tif="IOC"))

    @rule(k=steps, size=st.sampled_from(("0.06", "0.1")))
    def trade_at(self, k, size):
        price = self._price(k)
        self.trading.place("usr_A", _limit("sell", price, size))
        self.trading.place("usr_B", _limit("buy", price, size, tif="IOC"))

    @rule(k=st.sampled_from((-3, -2, -1, 1, 2, 3)), sweep=st.sampled_from(("0.5", "2")))
    def walk(self, k, sweep):
        """Move the market `k` grid steps, one at a time: usr_A offers 0.06 at the next price and usr_B takes up to
        `sweep` through it — every better order first (partial and full fills), the last trade at that price."""
        side, step = ("buy", 1) if k > 0 else ("sell", -1)
        for _ in range(abs(k)):
            price = self._price(step)
            self.trading.place("usr_A", _limit("sell" if side == "buy" else "buy", price, "0.06"))
            self.trading.place("usr_B", _limit(side, price, sweep, tif="IOC"))

    @rule(pick=picks, among=lists_among, what=st.sampled_from(("list", 0, 1, 2)))
    def cancel(self, pick, among, what):
        """The owner cancels a list, or one of its legs (`what`: the index among its live legs, if any)."""
        chosen = self._pick(pick, among)
        if chosen is not None:
            self._cancel_list(*chosen) if what == "list" else self._cancel_leg(*chosen, what)

    @precondition(lambda self: self._fired_lists())
    @rule(pick=picks)
    def cancel_fired_leg(self, pick):
        """The owner cancels the order a fired conditional leg placed (while there is one)."""
        fired = sorted(self._fired_lists())
        account, list_id = fired[pick % len(fired)]
        legs = self.store.get_order_list(account, list_id).legs
        self._cancel_leg(account, list_id, next(i for i, leg in enumerate(legs) if _fired(leg)))

    @rule(action=st.sampled_from(("amend_leg", "amend_leg", "cancel_all", "top_up")), pick=picks, among=lists_among,
          index=st.sampled_from((0, 1, 2)), k=steps, account=st.sampled_from(LISTERS),
          what=st.sampled_from(("normal", "conditional", "all")))
    def owner_else(self, action, pick, among, index, k, account, what):
        """An owner's other moves: try to amend a leg; cancel everything (of a kind); deposit."""
        if action == "cancel_all":
            self.trading.cancel_all(account, None, None, kind=what)
        elif action == "top_up":
            self._deposit(account, "BTC", "0.3") if what == "normal" else self._deposit(account, "USDT", "30")
        else:
            chosen = self._pick(pick, "working" if among == "any" else among)
            if chosen is not None:
                self._amend_leg(*chosen, index, self._price(k))

    def _cancel_list(self, account, list_id):
        was = self.store.get_order_list(account, list_id)
        try:
            done = self.trading.cancel_list(account, list_id)
        except OrderRejected as refused:
            assert refused.code == "order_list_not_open" and was.status != "working", (refused.code, was)
            return
        assert was.status == "working"
        assert (done.status, done.reason) == ("cancelled", "requested")

    def _cancel_leg(self, account, list_id, index):
        was = self.store.get_order_list(account, list_id)
        legs = [leg for leg in was.legs if leg.status == "live"] or was.legs  # an ended list: refusals
        leg = legs[index % len(legs)]
        live = False
        if leg.conditional_order_id is not None:
            c = self.store.get_conditional(account, leg.conditional_order_id)
            if c.status == "new":
                self.trading.cancel_conditional(account, c.id)
                live = True
            elif c.order_id is not None and self.store.get_order(account, c.order_id).status in OPEN:
                event("cancel the order of a fired leg")
                self.trading.cancel(account, c.order_id)  # a fired leg: its order is what still works
                live = True
            else:
                try:
                    self.trading.cancel_conditional(account, c.id)
                except OrderRejected as refused:
                    assert refused.code == "conditional_order_not_open"
                else:
                    raise AssertionError(f"cancelled {c.id} that was {c.status}")
        elif leg.order_id is not None:
            if self.store.get_order(account, leg.order_id).status in OPEN:
                self.trading.cancel(account, leg.order_id)
                live = True
            else:
                try:
                    self.trading.cancel(account, leg.order_id)
                except OrderRejected as refused:
                    assert refused.code == "order_not_open"
                else:
                    raise AssertionError(f"cancelled {leg.order_id} that had ended")
        if live:  # cancelling any leg cancels the whole list
            assert leg.status == "live" and was.status == "working", (leg, was)
            now = self.store.get_order_list(account, list_id)
            assert (now.status, now.reason) == ("cancelled", "requested"), (was, now)

    def _amend_leg(self, account, list_id, index, price):
        was = self.store.get_order_list(account, list_id)
        order_id = was.legs[index % len(was.legs)].order_id
        order = None if order_id is None else self.store.get_order(account, order_id)
        if order is None or order.status not in OPEN:
            return
        try:
            self.trading.amend(account, order_id, price, None)
        except OrderRejected as refused:
            assert refused.code in ("order_in_order_list", "insufficient_balance"), refused.code
            assert (refused.code == "order_in_order_list") == (order.parent_id == list_id), (refused.code, order)
        else:
            # The contract refuses amending an order the list placed (its `order_list_id`); the order a fired
            # conditional leg placed is that conditional order's (`conditional_order_id`) and may be amended.
            assert order.parent_id != list_id, f"amended {order_id}, a leg of the working list {list_id}"

    @precondition(lambda self: self.store.live_order_lists())
    @rule(now=st.sampled_from((False, False, True)))
    def restart(self, now):
        """Now and then, with lists working: close the engine, release the writer guard, start on the same store."""
        if not now:
            return
        event(f"restart with {len(self.store.live_order_lists())} working lists")
        self.trading.close()
        self.store.release_writer()
        self.trading = self._start()

    def _fired_lists(self) -> set[tuple[str, str]]:
        """The working lists with a conditional leg that fired and whose order still works."""
        return {(lst.account, lst.id) for lst in self.store.live_order_lists() if any(map(_fired, lst.legs))}

    def _pick(self, pick: int, among: str) -> tuple[str, str] | None:
        """A list the owners placed: any (an ended one: refusals), a working one, or one whose conditional leg fired
        and whose order still works (else a working one)."""
        chosen = self.known
        if among != "any":
            working = self.store.live_order_lists()
            fired = {lst.id for lst in working if any(map(_fired, lst.legs))}
            live = (among == "fired" and fired) or {lst.id for lst in working}
            chosen = [k for k in self.known if k[1] in live]
        return chosen[pick % len(chosen)] if chosen else None

    # -- what must hold after every step ---------------------------------------------------------------------------
    @invariant()
    def events_keep_the_promises(self):
        for batch in self.batches[self.seen:]:
            self.seen += 1
            for commit in batch:
                self._commit(commit)
            self._batch_end()

    def _commit(self, commit) -> None:
        """One engine step: its list snapshots first (they name the legs placed in it), then its fills and
        triggers against the OCO pairs (1), and the working orders' ends (2)."""
        orders, conditionals = {}, {}
        for e in commit.events:
            if type(e) is OrderListUpdated:
                lst = e.order_list
                self.lists[lst.id] = lst
                for i, leg in enumerate(lst.legs):
                    for member in (leg.order_id, leg.conditional_order_id):
                        if member is not None:
                            self.member[member] = (lst.id, i)
            elif type(e) is OrderUpdated:
                orders[e.order.id] = e.order
            elif type(e) is ConditionalUpdated:
                conditionals[e.conditional.id] = e.conditional
        executed: dict[str, set[int]] = {}
        for e in commit.events:
            if type(e) is FillMade and e.fill.order_id in self.member:
                list_id, i = self.member[e.fill.order_id]
                executed.setdefault(list_id, set()).add(i)
        for c in conditionals.values():
            if c.triggered_at_ms is not None and c.id not in self.fired:
                self.fired.add(c.id)
                if c.order_list_id is not None:
                    list_id, i = self.member[c.id]
                    assert list_id == c.order_list_id
                    executed.setdefault(list_id, set()).add(i)
        for list_id, legs in executed.items():
            lst = self.lists[list_id]
            pair = _oco_indexes(lst)
            legs &= set(pair)
            if not legs:
                continue
            first = self.executed.get(list_id)
            assert len(legs) == 1 and first in (None, *legs), \
                f"both legs of the OCO pair of {list_id} executed (first {first}, now {legs}): {lst}"
            if first is not None:
                continue
            (i,) = legs
            self.executed[list_id] = i
            event(f"OCO leg executed first: {'conditional' if lst.legs[i].conditional else 'limit'}")
            (sibling,) = (lst.legs[j] for j in pair if j != i)
            assert sibling.status == "ended", f"{list_id}: leg {i} executed, its sibling is {sibling}"
            if sibling.conditional_order_id is not None:
                ended = conditionals.get(sibling.conditional_order_id)
                assert ended is not None and (ended.status, ended.reason) == ("cancelled", "oco_sibling"), \
                    f"{list_id}: leg {i} executed; in that step its sibling became {ended}"
            else:
                ended = orders.get(sibling.order_id)
                assert ended is not None and (ended.status, ended.cancel_reason) == ("cancelled", "oco_sibling"), \
                    f"{list_id}: leg {i} executed; in that step its sibling became {ended}"
        for order in orders.values():
            if order.id in self.member:
                list_id, i = self.member[order.id]
                lst = self.lists[list_id]
                if lst.legs[i].role == "working" and order.status == "filled":
                    assert list_id not in self.working_filled
                    self.working_filled[list_id] = self.seen

    def _batch_end(self) -> None:
        """(2) in events: the pending legs leave `pending` in the commit of the working order's last fill, and only
        then — unless the list ended first (then they are `not_placed`, reason `list_ended`)."""
        for list_id, lst in self.lists.items():
            if lst.type == "oco" or list_id in self.pending_placed:
                continue
            pending = lst.legs[1:]
            if all(leg.status == "pending" for leg in pending):
                assert self.working_filled.get(list_id) != self.seen, \
                    f"{list_id}: its working order filled in this commit, its pending legs were not placed: {lst}"
                continue
            self.pending_placed[list_id] = self.seen
            if all(leg.status == "not_placed" and leg.reason == "list_ended" for leg in pending):
                assert list_id not in self.working_filled and lst.status == "cancelled", lst
                continue
            assert self.working_filled.get(list_id) == self.seen, \
                f"{list_id}: pending legs placed in commit {self.seen}, the working order filled in " \
                f"{self.working_filled.get(list_id)}: {lst}"
            event(f"{lst.type} pending legs: {' '.join(leg.status for leg in pending)}")
            if all(leg.status == "not_placed" for leg in pending):
                assert lst.status == "rejected" and lst.reason not in (None, "list_ended"), lst
                assert all(leg.reason == lst.reason and leg.member_id is None for leg in pending), lst
            else:
                assert all(leg.status in ("live", "ended") and leg.member_id is not None for leg in pending), lst

    @invariant()
    def funds_are_accounted_for(self):
        report = self.store.ledger_report()
        assert all(not v for k, v in report.items() if k != "asset_totals"), report
        for account in ACCOUNTS:
            reserved = {"BTC": 0, "USDT": 0}
            for o in self.store.list_orders(account, {}, 100_000, None):
                if o.status in OPEN:
                    reserved["BTC" if o.side == "sell" else "USDT"] += o.reserved
            for c in self.store.list_conditionals(account, {"live": True}, 100_000, None):
                reserved["BTC" if c.side == "sell" else "USDT"] += c.reserved
            for asset, amount in reserved.items():
                assert self.store.balance(account, asset).locked == amount, (account, asset, amount)

    @invariant()
    def lists_agree_with_their_legs(self):
        for account in LISTERS:
            orders = {o.id: o for o in self.store.list_orders(account, {}, 100_000, None)}
            conditionals = {c.id: c for c in self.store.list_conditionals(account, {}, 100_000, None)}
            for lst in self.store.list_order_lists(account, {}, 100_000, None):
                _check_list(lst, orders, conditionals)
        lists, members = self.trading.call(Inspect(lambda engine: (set(engine.lists), dict(engine.member_of))))
        working = self.store.live_order_lists()
        assert lists == {lst.id for lst in working}
        assert members == {leg.member_id: lst.id for lst in working for leg in lst.legs if leg.status == "live"}


def _check_list(lst, orders: dict, conditionals: dict) -> None:
    """Properties (4), (1) and (2) of one stored list against the stored orders and conditional orders."""
    where = f"{lst.id} ({lst.type}, {lst.status} {lst.reason}): {lst.legs}"
    statuses = [leg.status for leg in lst.legs]
    assert (lst.status == "working") == any(s in ("pending", "live") for s in statuses), where
    if lst.status == "done":
        assert lst.reason is None, where
    elif lst.status == "cancelled":
        assert lst.reason in CANCEL_REASONS, where
    elif lst.status == "rejected":
        assert lst.reason is not None, where
    own_orders, own_conditionals = set(), set()
    executed, cancels = [], []  # the legs that traded or fired; why a leg's order / conditional order was cancelled
    for i, leg in enumerate(lst.legs):
        if leg.status in ("pending", "not_placed"):
            assert leg.order_id is None and leg.conditional_order_id is None, where
            assert (leg.status == "not_placed") == (leg.reason is not None), where
            continue
        assert leg.member_id is not None, where
        if leg.conditional:
            c = conditionals[leg.conditional_order_id]
            assert c.order_list_id == lst.id and c.order_id == leg.order_id, (c, where)
            assert (leg.status == "live") == (c.status in LIVE_CONDITIONAL), (c, where)
            if c.order_id is not None:
                assert orders[c.order_id].parent_id == c.id, where
                if orders[c.order_id].status == "cancelled":
                    cancels.append(orders[c.order_id].cancel_reason)
            if c.status == "cancelled":
                cancels.append(c.reason)
            own_conditionals.add(c.id)
            if c.triggered_at_ms is not None:
                executed.append(i)
        else:
            o = orders[leg.order_id]
            assert o.parent_id == lst.id, (o, where)
            assert (leg.status == "live") == (o.status in OPEN), (o, where)
            own_orders.add(o.id)
            if o.status == "cancelled":
                cancels.append(o.cancel_reason)
            if o.filled:
                executed.append(i)
    assert {o.id for o in orders.values() if o.parent_id == lst.id} == own_orders, where
    if lst.status == "done":  # every leg ended without a cancel of the list: only OCO siblings were cancelled
        assert set(cancels) <= {"oco_sibling"}, (cancels, where)
    assert {c.id for c in conditionals.values() if c.order_list_id == lst.id} == own_conditionals, where
    # (1) OCO: at most one leg executed, and then its sibling was cancelled for it
    pair = _oco_indexes(lst)
    hit = [i for i in executed if i in pair]
    assert len(hit) <= 1, f"both OCO legs executed: {where}"
    if hit:
        (sibling,) = (lst.legs[j] for j in pair if j != hit[0])
        assert sibling.status == "ended", where
        if sibling.conditional:
            ended = conditionals[sibling.conditional_order_id]
            assert (ended.status, ended.reason) == ("cancelled", "oco_sibling"), (ended, where)
        else:
            ended = orders[sibling.order_id]
            assert (ended.status, ended.cancel_reason) == ("cancelled", "oco_sibling"), (ended, where)
    # (2) OTO/OTOCO: the pending legs are placed iff the working order filled completely
    if lst.type != "oco":
        working = orders[lst.legs[0].order_id]
        pending = lst.legs[1:]
        if working.status == "filled":
            placed = all(leg.status in ("live", "ended") for leg in pending)
            refused = lst.status == "rejected" and all(
                leg.status == "not_placed" and leg.reason == lst.reason for leg in pending)
            assert placed or refused, where
        else:
            wanted = "pending" if working.status in OPEN else "not_placed"
            assert all(leg.status == wanted for leg in pending), where
            assert wanted == "pending" or all(leg.reason == "list_ended" for leg in pending), where


def _fired(leg) -> bool:
    """A conditional leg that fired and whose order still works."""
    return leg.conditional and leg.order_id is not None and leg.status == "live"


def _limit(side: str, price: str, size: str, **extra) -> dict:
    return {"symbol": SYMBOL, "side": side, "type": "limit", "price": price, "size": size, **extra}


_TEMPLATE: list[str] = []


def _template() -> str:
    """A migrated, seeded SQLite database, made once and copied for every example (migrating is the slow part)."""
    if not _TEMPLATE:
        where = tempfile.mkdtemp(prefix="lprop-template-")
        atexit.register(shutil.rmtree, where, True)
        path = Path(where) / "db.sqlite3"
        store = open_store(str(path))
        store.migrate()
        demo.seed_if_empty(store)
        store.close()
        _TEMPLATE.append(str(path))
    return _TEMPLATE[0]


TestStrategyOrders = StrategyOrders.TestCase
TestStrategyOrders.settings = settings(max_examples=50, stateful_step_count=100, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow])


# -- what the machine found, as plain examples ---------------------------------------------------------------------
def _funded(tmp_path):
    shutil.copyfile(_template(), tmp_path / "db.sqlite3")
    store = open_store(str(tmp_path / "db.sqlite3"))
    store.migrate()
    trading = make_trading(store)
    for account in ("usr_A", "usr_B", "usr_C"):
        trading.deposit(account, "BTC", "50", f"dep-{account}-btc")
        trading.deposit(account, "USDT", "5000000", f"dep-{account}-usdt")
    trade_at(trading, "100.00")
    return store, trading


def test_cancel_all_ends_an_oco_pair_of_two_conditional_orders_once(tmp_path):
    """Cancelling one leg ends the list, which cancels the other: cancel-all must not cancel that one again (it did:
    KeyError in the engine, the batch dropped, nothing cancelled)."""
    store, trading = _funded(tmp_path)
    try:
        lst = trading.place_list("usr_C", {"type": "oco", "legs": [stop("sell", "stop_market", "95.00", size="0.1"),
                                                                   stop("sell", "take_profit_market", "105.00",
                                                                        size="0.1")]})
        cancelled = trading.cancel_all("usr_C", None, None, kind="conditional")
        assert [c.id for c in cancelled] == [lst.legs[0].conditional_order_id]
        now = trading.order_list("usr_C", lst.id)
        assert (now.status, now.reason) == ("cancelled", "requested")
        other = trading.conditional("usr_C", lst.legs[1].conditional_order_id)
        assert (other.status, other.reason) == ("cancelled", "list_cancelled")
        clean(store)
    finally:
        trading.close()
        store.close()


def test_the_order_a_fired_leg_placed_ends_its_list_as_the_leg_would(tmp_path):
    """Cancelling the resting order of a fired conditional leg cancels the list (`requested`; self-trade prevention:
    `leg_cancelled`), as cancelling a plain leg does — it used to end the list `done`."""
    store, trading = _funded(tmp_path)
    try:
        ids = []
        for _ in range(2):
            lst = trading.place_list("usr_C", {"type": "oco", "legs": [
                stop("sell", "take_profit_limit", "101.00", price="103.00", size="0.1"),
                stop("sell", "stop_market", "95.00", size="0.1")]})
            ids.append(lst.id)
        trade_at(trading, "101.00")  # both take-profits fire; their limit sells rest at 103.00
        first, second = (trading.order_list("usr_C", list_id) for list_id in ids)
        assert first.status == second.status == "working" and first.legs[0].order_id and second.legs[0].order_id
        trading.cancel("usr_C", first.legs[0].order_id)
        now = trading.order_list("usr_C", first.id)
        assert (now.status, now.reason) == ("cancelled", "requested")
        trading.place("usr_C", _limit("buy", "103.00", "0.1", tif="IOC"))  # self-trade prevention cancels it
        assert trading.order("usr_C", second.legs[0].order_id).cancel_reason == "self_trade_prevention"
        now = trading.order_list("usr_C", second.id)
        assert (now.status, now.reason) == ("cancelled", "leg_cancelled")
        clean(store)
    finally:
        trading.close()
        store.close()
