"""The trading engine: the only writer of books, balances and orders. Commands in, results and events out.

Not thread-safe by design: exactly one thread — the sequencer's (impl/domain/sequencer.py) — calls it. The engine
keeps the whole trading state in memory (order books, open orders, balances, L2 sequences) and applies
commands (impl/domain/commands.py) to it one after another. Each command's effect is added to the current `Batch`:
the orders it changed, fills, trades, journal entries, balances, L2 level changes, its idempotent result and its
outbox row (impl/domain/events.py). `applied(batch)` makes its balances the base of the next batch; the sequencer
commits it in one store transaction and only then calls `committed(batch)` (L2 views for readers), publishes its
events and answers its commands. If a commit fails, or a command fails in a way that may have left the books
half-changed, `load()` rebuilds everything from the store, so memory never disagrees with what is stored. A batch
is immutable once applied (orders are recorded as snapshots).

Reactions: what happens "because the price moved" runs at once, in the same batch and the same writer, before the
next queued command — so it is committed with the move. The engine's own: every trade of a market with waiting
conditional orders (impl/domain/conditional.py) is shown to that market's `TriggerIndex` by an engine-originated
`TrackPrices` command right after the command that traded, in trade order; what crosses fires there (a trigger fires
at most once: it leaves the index as it fires) and the orders it places match in that same step — whose trades may
fire more. Strategy orders (impl/domain/order_lists.py) are followed through their legs: `_fill`, `_close` and
`_end_conditional` tell a leg's list at once (an OCO sibling is cancelled in the step of the fill or of the
trigger), and the pending legs of a list whose working order filled completely are placed by an engine-originated
`ActivateLists` right after the triggers have seen the command's trades. Then every registered `Reaction` sees each
command's events and may return commands of its own (origin "engine"). A chain of reactions is bounded
(`MAX_REACTIONS` per command).

Money rules (see also impl/domain/orders.py): a buy reserves `price × size` of the quote asset (a market buy by
size its exact cost against the current book, a market buy by quote amount that amount); a sell reserves `size`
of the base asset. When a buy fills below its limit the difference is released at once, so an open order always
has exactly `remaining × price` (buy) or `remaining` (sell) locked. Fees are charged in the asset received, at the
account's rate (the lower of the market's published rate and the account's fee-tier rate), rounded up.
Self-trade prevention is the book's "cancel resting" policy.

Refusals: a command refused by a rule (DomainError) changes nothing — every check runs before the first change.
A DomainError raised after a book was touched, or any other exception, is a bug: the sequencer drops the batch,
reloads and re-runs the other commands (`Poisoned`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

from impl.domain import events as ev
from impl.domain.book import L2Book
from impl.domain.commands import (
    ActivateLists,
    AmendOrder,
    AmendOrders,
    CancelAll,
    CancelConditional,
    CancelOrder,
    CancelOrderList,
    CancelOrders,
    Command,
    Deposit,
    PlaceConditional,
    PlaceOrder,
    PlaceOrderList,
    PlaceOrders,
    Preview,
    QuotesReplaced,
    ReplaceQuotes,
    TrackPrices,
    encode_result,
)
from impl.domain.conditional import ConditionalOrder, NewConditional, TriggerIndex, crossed, direction, track
from impl.domain.errors import (
    ConditionalOrderNotFound,
    DomainError,
    InvalidArgument,
    OrderListNotFound,
    OrderNotFound,
    OrderRejected,
)
from impl.domain.ledger import Journal
from impl.domain.matching import Fill, Order, OrderBook, Result
from impl.domain.model import Market, Trade
from impl.domain.order_lists import ROLES, Leg, OrderList, parse_leg, validate_order_list
from impl.domain.orders import (
    FillRecord,
    MarketUnits,
    NewOrder,
    OrderState,
    check_notional,
    check_price,
    check_size,
    fee_of,
    listed,
    tradable,
)

DEPTH_ALL = 1 << 30
MAX_REACTIONS = 1000  # engine-originated commands one command may set off (a runaway rule is a bug)
CLOSED_REMEMBERED = 100_000  # recently ended orders kept in memory (older ones are looked up in the store)


class Reaction(Protocol):
    def __call__(self, engine: Engine, committed: ev.Committed) -> Iterable[Command]:
        """Commands to run now because of what `committed` changed (called after every command)."""
        ...


class AnotherWriter(RuntimeError):
    """Another process already runs the engine on this database (one writer per database). Not a DomainError:
    an operator's mistake at start-up, never an answer to a request (raised by a store's `claim_writer`)."""


class Deposed(AnotherWriter):
    """This process held the writer guard and lost it — a standby took it over (fencing), or the connection that held
    it died — so it may no longer write trading state: raised by a store's write (`write_trading`), which then wrote
    nothing. The engine process must stop writing — exit, and come back as a standby if supervised."""


class Poisoned(Exception):
    """A command failed after it may have changed the in-memory state; the batch must be dropped and rebuilt."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(repr(cause))
        self.cause = cause


@dataclass
class Batch:
    """Everything a group of commands changed, written by the store in one transaction (`write_trading`)."""

    journal: Journal
    orders: dict[str, OrderState] = field(default_factory=dict)  # snapshot of every order touched, as last left
    conditionals: dict[str, ConditionalOrder] = field(default_factory=dict)  # likewise, conditional orders
    order_lists: dict[str, OrderList] = field(default_factory=dict)  # likewise, strategy orders
    fills: list[FillRecord] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)
    levels: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)  # symbol -> L2 changes, in order
    sequences: dict[str, int] = field(default_factory=dict)  # symbol -> L2 sequence after the batch
    # (origin, account, idempotency key, result): stored with the effect (operator commands: key = inbox row id)
    results: list[tuple[str, str, str, bytes]] = field(default_factory=list)
    outbox: list[ev.Committed] = field(default_factory=list)
    first_entry_id: int = 1  # journal entry ids continue from here
    client_order_ids: set[tuple[str, str]] = field(default_factory=set)  # taken by orders of this batch
    prune_outbox_through: int | None = None  # outbox rows up to this seq may be deleted with this batch

    @property
    def empty(self) -> bool:
        return not (self.outbox or self.results or self.journal.entries)

    @property
    def balances(self) -> list[tuple[str, str, int, int]]:
        j = self.journal
        return [(account, asset, *j.balances[(account, asset)]) for account, asset in sorted(j.changed)]


class _Step:
    """The working set of one command: its batch, time, and what it changed (for its events)."""

    __slots__ = ("batch", "now", "orders", "conditionals", "order_lists", "levels", "trades", "fills", "dirty")

    def __init__(self, batch: Batch, now: int) -> None:
        self.batch, self.now = batch, now
        self.orders: dict[str, OrderState] = {}
        self.conditionals: dict[str, ConditionalOrder] = {}
        self.order_lists: dict[str, OrderList] = {}
        self.levels: dict[str, list[tuple[str, int, int]]] = {}
        self.trades: list[Trade] = []
        self.fills: list[FillRecord] = []
        self.dirty = False  # a book was touched: a failure from here on cannot be undone in memory


class Engine:
    def __init__(self, store, markets: Iterable[Market], assets: dict[str, int], books: dict[str, L2Book],
                 fee_rates: Callable[[str], tuple[Fraction, Fraction]], now_ms: Callable[[], int],
                 new_id: Callable[[str], str], reactions: Iterable[Reaction] = ()) -> None:
        self._store = store
        self.units = {m.symbol: MarketUnits(m, assets[m.base], assets[m.quote]) for m in markets}
        self.assets = dict(assets)
        self.l2 = books
        self._fee_rates = fee_rates
        self._rates_cache: dict[tuple[str, str], tuple[Fraction, Fraction]] = {}
        self._now_ms = now_ms
        self._new_id = new_id
        self.reactions: list[Reaction] = list(reactions)
        self.load()

    # -- state from the store ------------------------------------------------------------------------------------
    def load(self) -> None:
        """(Re)build the whole state from the store: books in time priority, balances, sequences, counters."""
        store = self._store
        self.books = {symbol: OrderBook(symbol) for symbol in self.units}
        self.open: dict[str, OrderState] = {}
        self.closed: dict[str, str] = {}  # order id -> account of recently ended orders, oldest first
        for o in store.open_orders():
            self.books[o.symbol].restore(Order(o.id, o.account, o.side, o.price, o.remaining, o.seq))
            self.open[o.id] = o
        self.balances: dict[tuple[str, str], tuple[int, int]] = store.all_balances()
        stored = store.book_sequences()
        self.sequences: dict[str, int] = {}
        for symbol, book in self.books.items():
            l2 = self.l2.setdefault(symbol, L2Book(symbol))
            l2.restore(book.depth("buy", DEPTH_ALL), book.depth("sell", DEPTH_ALL), stored.get(symbol, 0))
            self.sequences[symbol] = l2.sequence
        self.next_entry_id = store.last_entry_id() + 1
        self.seq = store.last_outbox_seq()
        self.last_price: dict[str, int] = store.last_prices()
        self.conditionals: dict[str, ConditionalOrder] = {}  # live ones (new or triggered) by id
        self.triggers: dict[str, TriggerIndex] = {symbol: TriggerIndex() for symbol in self.units}
        self.placed_by: dict[str, str] = {}  # open order id -> the triggered conditional order that placed it
        self._moves: list[tuple[str, int]] = []  # trades (symbol, price) not yet shown to the triggers
        for c in store.live_conditionals():
            self.conditionals[c.id] = c
            if c.waiting:
                self.triggers[c.symbol].add(c)
            elif c.order_id is not None:
                self.placed_by[c.order_id] = c.id
        self.lists: dict[str, OrderList] = {}  # working strategy orders by id
        self.member_of: dict[str, str] = {}  # id of a live leg (its conditional order's, else its order's) -> list id
        self._activations: list[str] = []  # lists whose working order filled completely in the last command
        for lst in store.live_order_lists():
            self.lists[lst.id] = lst
            for leg in lst.legs:
                if leg.status == "live":
                    self.member_of[leg.member_id] = lst.id

    def begin(self) -> Batch:
        return Batch(Journal(self._balance), first_entry_id=self.next_entry_id)

    def _balance(self, account: str, asset: str) -> tuple[int, int]:
        return self.balances.get((account, asset), (0, 0))

    def applied(self, batch: Batch) -> None:
        """The batch is fully applied: what follows builds on its balances and journal entry ids (if its commit
        fails, the sequencer reloads everything from the store)."""
        journal = batch.journal
        for key in journal.changed:
            self.balances[key] = tuple(journal.balances[key])
        self.next_entry_id = batch.first_entry_id + len(journal.entries)

    def committed(self, batch: Batch) -> None:
        """The batch is durable: readers see its L2 changes from now on."""
        for symbol, levels in batch.levels.items():
            self.l2[symbol].apply(levels)

    # -- commands ------------------------------------------------------------------------------------------------
    def execute(self, batch: Batch, command: Command):
        """Apply one command (and the reactions it sets off) to `batch`; returns its result or raises the
        DomainError that refused it (nothing changed) or `Poisoned` (the batch must be dropped)."""
        mark = len(batch.outbox)
        outcome = self._one(batch, command)
        if self.reactions or self._moves or self._activations:
            self._react(batch, mark)
        return outcome

    def _react(self, batch: Batch, mark: int) -> None:
        """Run what the command set off, and what that sets off in turn: first the triggers (one `TrackPrices` with
        the trades not yet shown to them, in trade order), then every registered reaction on each command's events
        in order."""
        ran = 0
        while True:
            if self._moves:
                follow_ups = [TrackPrices(tuple(self._moves))]
                self._moves = []
            elif self._activations:  # after the triggers: a leg placed now must not see trades from before it
                follow_ups = [ActivateLists(tuple(self._activations))]
                self._activations = []
            elif self.reactions and mark < len(batch.outbox):
                committed = batch.outbox[mark]
                mark += 1
                follow_ups = []
                for reaction in self.reactions:
                    try:
                        follow_ups += reaction(self, committed)
                    except Exception as exc:
                        raise Poisoned(exc) from exc
            else:
                return
            for follow_up in follow_ups:
                ran += 1
                if ran > MAX_REACTIONS:
                    raise Poisoned(RuntimeError("reactions did not settle"))
                try:
                    self._one(batch, follow_up)
                except DomainError:
                    pass  # an engine-originated command refused by a rule does not happen; nothing changed

    def _one(self, batch: Batch, command: Command):
        step = _Step(batch, self._now_ms())
        batch.journal.touched.clear()
        try:
            outcome = self._dispatch(step, command)
        except DomainError:
            if step.dirty:
                raise Poisoned(RuntimeError("a refusal after the book changed")) from None
            raise
        except Exception as exc:
            raise Poisoned(exc) from exc
        self._finish(step)
        if command.idempotency_key is not None:
            batch.results.append((command.origin, command.account, command.idempotency_key, encode_result(outcome)))
        return _snapshot(outcome)

    def _dispatch(self, step: _Step, c: Command):
        if type(c) is PlaceOrder:
            return self._place(c.account, c.order, step)
        if type(c) is CancelOrder:
            return self._cancel(self._open_order(c.account, c.order_id), "requested", step)
        if type(c) is PlaceOrders:
            results: list = []
            for order in c.orders:
                if isinstance(order, DomainError):
                    results.append(order)
                    continue
                before, step.dirty = step.dirty, False
                try:
                    results.append(self._place(c.account, order, step))
                except (OrderRejected, InvalidArgument) as exc:
                    if step.dirty:  # refused after its book changed: a bug, not a refusal
                        raise
                    results.append(exc)
                step.dirty = step.dirty or before
            return results
        if type(c) is CancelOrders:
            results = []
            for order_id in c.order_ids:
                try:
                    results.append(self._cancel(self._open_order(c.account, order_id), "requested", step))
                except (OrderRejected, OrderNotFound) as exc:
                    results.append(exc)
            return results
        if type(c) is CancelAll:
            return self._cancel_all(c, step)
        if type(c) is AmendOrders:
            return self._amend_each(c, step)
        if type(c) is ReplaceQuotes:
            return self._replace_quotes(c, step)
        if type(c) is AmendOrder:
            return self._amend(c.account, c.order_id, c.price, c.size, step)
        if type(c) is TrackPrices:
            return self._track(c.moves, step)
        if type(c) is PlaceConditional:
            return self._place_conditional(c.account, c.order, step)
        if type(c) is CancelConditional:
            return self._cancel_conditional(c.account, c.conditional_id, step)
        if type(c) is PlaceOrderList:
            return self._place_list(c, step)
        if type(c) is CancelOrderList:
            return self._cancel_list(c.account, c.order_list_id, step)
        if type(c) is ActivateLists:
            for list_id in c.list_ids:
                self._activate(list_id, step)
            return None
        if type(c) is Deposit:
            if c.asset not in self.assets or c.amount <= 0:
                raise InvalidArgument("A deposit needs a listed asset and a positive amount.", field="amount")
            step.batch.journal.deposit(c.account, c.asset, c.amount, c.ref, step.now)
            return step.batch.journal.balance(c.account, c.asset)
        raise TypeError(f"not a command: {c!r}")

    def _finish(self, step: _Step) -> None:
        """Record the command's events (book deltas, trades, fills, orders, balances) as its outbox row."""
        batch, journal = step.batch, step.batch.journal
        events: list = []
        for symbol, levels in step.levels.items():
            before = self.sequences[symbol]
            after = before + len(levels)
            self.sequences[symbol] = batch.sequences[symbol] = after
            batch.levels.setdefault(symbol, []).extend(levels)
            events.append(ev.BookChanged(symbol, before, after, tuple(levels)))
        events += [ev.TradeMade(t) for t in step.trades]
        events += [ev.FillMade(f) for f in step.fills]
        for order in step.orders.values():
            snapshot = batch.orders[order.id] = order.snapshot()  # the batch is written while the next one applies
            events.append(ev.OrderUpdated(snapshot))
        for c in step.conditionals.values():
            snapshot = batch.conditionals[c.id] = c.snapshot()
            events.append(ev.ConditionalUpdated(snapshot))
        for lst in step.order_lists.values():
            snapshot = batch.order_lists[lst.id] = lst.snapshot()
            events.append(ev.OrderListUpdated(snapshot))
        for account, asset in sorted(journal.touched):
            free, locked = journal.balances[(account, asset)]
            events.append(ev.BalanceChanged(account, asset, free, locked))
        if events:
            self.seq += 1
            batch.outbox.append(ev.Committed(self.seq, step.now, tuple(events)))
        batch.trades += step.trades
        batch.fills += step.fills

    # -- queries -------------------------------------------------------------------------------------------------
    def preview(self, q: Preview) -> dict:
        """What placing `q.order` would do now (no change): fills, rest, reservation and available balance."""
        order, account = q.order, q.account
        u = self.units[order.symbol]
        result = self._submit(u, "ord_preview", account, order, dry_run=True)
        if result.reason == "post_only_would_take":
            raise _post_only()
        reserve_asset, reserve = self._reservation(u, order, result)
        return {"result": result, "taker_rate": self._rates(account, u.market)[1], "reserve_asset": reserve_asset,
                "reserve": reserve, "available": self._balance(account, reserve_asset)[0]}

    # -- placing -------------------------------------------------------------------------------------------------
    def _submit(self, u: MarketUnits, order_id: str, account: str, order: NewOrder, dry_run: bool = False) -> Result:
        quote = None if order.quote_size is None else order.quote_size // u.quote_factor
        return self.books[u.market.symbol].submit(
            order_id, account, order.side, price=order.price, size=order.size if quote is None else None,
            quote=quote, tif=order.tif, post_only=order.post_only, dry_run=dry_run)

    def _reservation(self, u: MarketUnits, order: NewOrder, dry: Result | None) -> tuple[str, int]:
        if order.side == "sell":
            return u.market.base, u.base_amount(order.size)
        if order.price is not None:
            return u.market.quote, u.quote_amount(order.price, order.size)
        if order.quote_size is not None:
            return u.market.quote, order.quote_size
        return u.market.quote, sum(u.quote_amount(f.price, f.size) for f in dry.fills)

    def _order_checks(self, account: str, order: NewOrder, step: _Step, covered: int = 0) -> tuple[str, int]:
        """Every refusal placing `order` can meet before it touches the book (post-only aside: that is known at
        submission, which changes nothing when it refuses); its reservation (asset, amount). `covered`: what is
        already free for it beyond the balance (a sibling's reservation it will replace)."""
        u = tradable(order.symbol, self.units[order.symbol])
        coid = order.client_order_id
        if coid is not None:
            if (account, coid) in step.batch.client_order_ids or self._store.client_order_id_taken(account, coid):
                raise OrderRejected("duplicate_client_order_id", f"client_order_id {coid!r} is already used.",
                                    field="client_order_id")
        needs_estimate = order.side == "buy" and order.price is None and order.quote_size is None
        dry = self._submit(u, "ord_estimate", account, order, dry_run=True) if needs_estimate else None
        asset, reserve = self._reservation(u, order, dry)
        if step.batch.journal.balance(account, asset)[0] + covered < reserve:
            raise OrderRejected("insufficient_balance", f"Account does not have enough {asset} to place this order.")
        return asset, reserve

    def _place(self, account: str, order: NewOrder, step: _Step, parent_id: str | None = None) -> OrderState:
        u = self.units[order.symbol]
        journal, now, coid = step.batch.journal, step.now, order.client_order_id
        asset, reserve = self._order_checks(account, order, step)
        state = OrderState(self._new_id("ord"), account, order.symbol, order.side, order.type, order.tif,
                           order.post_only, order.price, order.size, order.quote_size, coid, "open",
                           0, 0, 0, 0, 0, None, None, now, now, parent_id)
        before, step.dirty = step.dirty, True
        result = self._submit(u, state.id, account, order)
        if result.reason == "post_only_would_take":  # nothing changed in the book
            step.dirty = before
            raise _post_only()
        if coid is not None:
            step.batch.client_order_ids.add((account, coid))
        journal.reserve(account, asset, reserve, state.id, now)
        state.reserved = reserve
        return self._settle(u, state, result, step)

    def _settle(self, u: MarketUnits, taker: OrderState, result: Result, step: _Step) -> OrderState:
        symbol = u.market.symbol
        for maker in result.stp_cancelled:
            self._close(self.open.pop(maker.id), "cancelled", "self_trade_prevention", step)
        for fill in result.fills:
            self._fill(u, taker, self.open[fill.maker_id], fill, step)
        if result.rested:
            taker.remaining = result.rested
            taker.seq = self.books[symbol].get(taker.id).seq
            taker.status = "partially_filled" if taker.filled else "open"
            taker.updated_at_ms = step.now
            self.open[taker.id] = taker
            step.orders[taker.id] = taker
        else:
            self._close(taker, "filled" if result.reason is None else "expired", None, step)
        _add_levels(step, symbol, result.levels)
        return taker

    def _fill(self, u: MarketUnits, taker: OrderState, maker: OrderState, fill: Fill, step: _Step) -> None:
        m, now, journal = u.market, step.now, step.batch.journal
        buyer, seller = (taker, maker) if taker.side == "buy" else (maker, taker)
        base_amount, quote_amount = u.base_amount(fill.size), u.quote_amount(fill.price, fill.size)
        trade = Trade(self._new_id("trd"), m.symbol, fill.price, fill.size, taker.side, now)
        fees = {}
        for order, received in ((buyer, base_amount), (seller, quote_amount)):
            liquidity = "taker" if order is taker else "maker"
            maker_rate, taker_rate = self._rates(order.account, m)
            fees[order.id] = fee_of(received, taker_rate if liquidity == "taker" else maker_rate)
            step.fills.append(FillRecord(self._new_id("fill"), order.id, order.account, trade.id, m.symbol,
                                         order.side, fill.price, fill.size, quote_amount, fees[order.id], liquidity,
                                         now))
            order.filled += fill.size
            order.filled_quote += quote_amount
            order.fee += fees[order.id]
            order.updated_at_ms = now
            if order.id in self.member_of:
                self._leg_filled(order.id, step)
        journal.settle_fill(buyer=buyer.account, seller=seller.account, base=m.base, quote=m.quote,
                            base_amount=base_amount, quote_amount=quote_amount, buyer_fee=fees[buyer.id],
                            seller_fee=fees[seller.id], ref=trade.id, ts_ms=now)
        buyer.reserved -= quote_amount
        seller.reserved -= base_amount
        if taker is buyer and taker.price is not None and fill.price < taker.price:
            improvement = u.quote_amount(taker.price - fill.price, fill.size)
            journal.release(taker.account, m.quote, improvement, taker.id, now)
            taker.reserved -= improvement
        step.trades.append(trade)
        self.last_price[m.symbol] = fill.price
        if self.triggers[m.symbol]:
            self._moves.append((m.symbol, fill.price))
        maker.remaining -= fill.size
        if maker.remaining == 0:
            self._close(self.open.pop(maker.id), "filled", None, step)
        else:
            maker.status = "partially_filled"
            step.orders[maker.id] = maker

    def _close(self, order: OrderState, status: str, reason: str | None, step: _Step) -> OrderState:
        """End an order: release what it still reserves (and remember it ended: cancels of just-ended orders are
        refused without a store read)."""
        closed = self.closed
        closed[order.id] = order.account
        if len(closed) > CLOSED_REMEMBERED:
            del closed[next(iter(closed))]
        asset = self.units[order.symbol].reserved_asset(order.side)
        step.batch.journal.release(order.account, asset, order.reserved, order.id, step.now)
        order.reserved, order.remaining, order.status, order.cancel_reason = 0, 0, status, reason
        order.seq, order.updated_at_ms = None, step.now
        step.orders[order.id] = order
        parent = self.placed_by.pop(order.id, None)
        if parent is not None:
            self._end_conditional(self.conditionals[parent], "finished", status, step, cause=(status, reason))
        if order.id in self.member_of:
            self._leg_ended(order.id, status, reason, step)
        return order

    # -- cancelling and amending ---------------------------------------------------------------------------------
    def _open_order(self, account: str, order_id: str) -> OrderState:
        order = self.open.get(order_id)
        if order is not None and order.account == account:
            return order
        if self.closed.get(order_id) != account and self._store.get_order(account, order_id) is None:
            raise OrderNotFound(order_id)
        raise OrderRejected("order_not_open", f"Order {order_id} is already filled, cancelled or expired.",
                            field="order_id")

    def _cancel(self, order: OrderState, reason: str, step: _Step) -> OrderState:
        step.dirty = True
        _, levels = self.books[order.symbol].cancel(order.id)
        del self.open[order.id]
        _add_levels(step, order.symbol, levels)
        return self._close(order, "cancelled", reason, step)

    def _amend_each(self, c: AmendOrders, step: _Step) -> list[OrderState | DomainError]:
        """Each item as one amend, in order; a refused item is its error and changes nothing."""
        results: list[OrderState | DomainError] = []
        for order_id, price, size in c.items:
            before, step.dirty = step.dirty, False
            try:
                order = self.open.get(order_id)
                if order is not None and order.account == c.account and order.symbol != c.symbol:
                    raise InvalidArgument(f"Order {order_id} trades {order.symbol}, not {c.symbol}.", field="order_id")
                results.append(self._amend(c.account, order_id, price, size, step))
            except (OrderRejected, InvalidArgument, OrderNotFound) as exc:
                if step.dirty:  # refused after its book changed: a bug, not a refusal
                    raise
                results.append(exc)
            step.dirty = step.dirty or before
        return results

    def _replace_quotes(self, c: ReplaceQuotes, step: _Step) -> QuotesReplaced:
        """Bulk quotes: everything that can refuse is checked first (funds against free + what the old quotes
        release; post-only against the book without them), then the old quotes are cancelled and the levels placed.
        """
        u, account = tradable(c.symbol, self.units[c.symbol]), c.account
        tag = _quote_tag(c.owner)
        old = sorted((o for o in self.open.values() if o.parent_id == tag and o.account == account
                      and o.symbol == c.symbol), key=lambda o: o.id)
        journal = step.batch.journal
        for side, levels, asset in (("buy", c.bids, u.market.quote), ("sell", c.asks, u.market.base)):
            need = sum(_reserved_for(u, side, price, size) for price, size in levels)
            have = journal.balance(account, asset)[0] + sum(o.reserved for o in old if o.side == side)
            if need > have:
                raise OrderRejected("insufficient_balance", f"Account does not have enough {asset} for these quotes.")
        if c.post_only:
            self._quotes_post_only(c, old)
        step.dirty = True
        cancelled = [self._cancel(o, "requested", step) for o in old]
        placed = [self._place(account, NewOrder(c.symbol, side, "limit", "GTC", c.post_only, price, size, None, None),
                              step, parent_id=tag)
                  for side, levels in (("buy", c.bids), ("sell", c.asks)) for price, size in levels]
        return QuotesReplaced(c.symbol, tuple(cancelled), tuple(placed))

    def _quotes_post_only(self, c: ReplaceQuotes, old: list[OrderState]) -> None:
        """Refuse if a level would trade on arrival against the book as it will be without the old quotes."""
        leaving: dict[tuple[str, int], int] = {}
        for o in old:
            leaving[(o.side, o.price)] = leaving.get((o.side, o.price), 0) + o.remaining
        book = self.books[c.symbol]
        for side, levels, opposite in (("bids", c.bids, "sell"), ("asks", c.asks, "buy")):
            best = next((price for price, size in book.depth(opposite, DEPTH_ALL)
                         if size > leaving.get((opposite, price), 0)), None)
            for i, (price, _) in enumerate(levels):
                if best is not None and (price >= best if opposite == "sell" else price <= best):
                    refusal = _post_only()
                    refusal.field = f"{side}[{i}].price"
                    raise refusal

    def _cancel_all(self, c: CancelAll, step: _Step) -> list[OrderState | ConditionalOrder]:
        if c.symbol is not None:
            listed(c.symbol, self.units.get(c.symbol))

        def mine(x) -> bool:
            return x.account == c.account and c.symbol in (None, x.symbol) and c.side in (None, x.side)

        # Cancelling a leg of a strategy order ends its list, which cancels the list's other legs (`list_cancelled`):
        # what ended so while this ran is skipped, not cancelled twice.
        cancelled: list[OrderState | ConditionalOrder] = []
        if c.kind in ("normal", "all"):
            for o in sorted((o for o in self.open.values() if mine(o)), key=lambda o: o.id):
                if o.id in self.open:
                    cancelled.append(self._cancel(o, "requested", step))
        if c.kind in ("conditional", "all"):
            for x in sorted((x for x in self.conditionals.values() if x.waiting and mine(x)), key=lambda x: x.id):
                if x.waiting:
                    self.triggers[x.symbol].remove(x)
                    cancelled.append(self._end_conditional(x, "cancelled", "requested", step))
        return cancelled

    def _amend(self, account: str, order_id: str, price: str | None, size: str | None, step: _Step) -> OrderState:
        order = self._open_order(account, order_id)
        u = self.units[order.symbol]
        journal, now = step.batch.journal, step.now
        if u.market.status != "trading":
            raise OrderRejected("market_halted", f"{order.symbol} is halted; amends are refused.", field="order_id")
        if order_id in self.member_of:
            raise OrderRejected("order_in_order_list", f"Order {order_id} is a leg of order list "
                                f"{self.member_of[order_id]}; cancel the list and place a new one.", field="order_id")
        new_price = order.price if price is None else check_price(price, u)
        new_size = order.size if size is None else check_size(size, u)
        check_notional(new_price, new_size, u)
        if new_size <= order.filled:
            raise OrderRejected("size_too_small", "The new size must exceed what has filled already.", field="size")
        new_remaining = new_size - order.filled
        if new_price == order.price and new_remaining == order.remaining:
            return order
        if new_price == order.price and new_remaining < order.remaining:
            step.dirty = True
            levels = self.books[order.symbol].reduce(order.id, new_remaining)
            freed = order.reserved - _reserved_for(u, order.side, new_price, new_remaining)
            journal.release(account, u.reserved_asset(order.side), freed, order.id, now)
            order.reserved -= freed
            order.size, order.remaining, order.updated_at_ms = new_size, new_remaining, now
            _add_levels(step, order.symbol, levels)
            step.orders[order.id] = order
            return order
        # Any other change re-queues the order: it loses time priority and may cross as a taker.
        opposite = "sell" if order.side == "buy" else "buy"
        best = self.books[order.symbol].best(opposite)
        crosses = best is not None and (best[0] <= new_price if order.side == "buy" else best[0] >= new_price)
        if order.post_only and crosses:
            raise _post_only()
        asset = u.reserved_asset(order.side)
        extra = _reserved_for(u, order.side, new_price, new_remaining) - order.reserved
        if extra > journal.balance(account, asset)[0]:
            raise OrderRejected("insufficient_balance", f"Account does not have enough {asset} for this amend.")
        step.dirty = True
        _, levels = self.books[order.symbol].cancel(order.id)
        del self.open[order.id]
        _add_levels(step, order.symbol, levels)
        if extra > 0:
            journal.reserve(account, asset, extra, order.id, now)
        else:
            journal.release(account, asset, -extra, order.id, now)
        order.reserved += extra
        order.price, order.size, order.updated_at_ms = new_price, new_size, now
        result = self.books[order.symbol].submit(order.id, account, order.side, price=new_price, size=new_remaining,
                                                 tif="GTC", post_only=order.post_only)
        return self._settle(u, order, result, step)

    # -- conditional orders (impl/domain/conditional.py) ---------------------------------------------------------
    def _conditional_checks(self, account: str, new: NewConditional, step: _Step) -> tuple[str, int]:
        """Every refusal placing `new` can meet, except funds; its full reservation (asset, amount)."""
        u = tradable(new.symbol, self.units[new.symbol])
        coid = new.client_order_id
        if coid is not None and ((account, coid, "conditional") in step.batch.client_order_ids
                                 or self._store.conditional_client_id_taken(account, coid)):
            raise OrderRejected("duplicate_client_order_id", f"client_order_id {coid!r} is already used.",
                                field="client_order_id")
        last = self.last_price.get(new.symbol)
        if new.trigger_price is not None and last is not None and \
                crossed(direction(new.type, new.side), new.trigger_price, last):
            raise OrderRejected("would_trigger_immediately", "The last price already meets trigger_price; place "
                                "an order instead.", field="trigger_price")
        if new.side == "sell":
            return u.market.base, u.base_amount(new.size)
        return u.market.quote, new.quote_size if new.price is None else u.quote_amount(new.price, new.size)

    def _place_conditional(self, account: str, new: NewConditional, step: _Step, covered: int = 0,
                           order_list_id: str | None = None) -> ConditionalOrder:
        """Place a conditional order; it reserves what its order will need less `covered` (an OCO sibling's
        reservation that it replaces when it fires)."""
        u = self.units[new.symbol]
        journal, now, coid = step.batch.journal, step.now, new.client_order_id
        asset, full = self._conditional_checks(account, new, step)
        reserve = max(0, full - covered)
        if journal.balance(account, asset)[0] < reserve:
            raise OrderRejected("insufficient_balance", f"Account does not have enough {asset} to place this order.")
        last = self.last_price.get(new.symbol)
        c = ConditionalOrder(self._new_id("cond"), account, new.symbol, new.side, new.type,
                             direction(new.type, new.side), new.trigger_price, new.price, new.size, new.quote_size,
                             new.tif, new.activation_price, new.callback_rate, new.callback_amount, None, coid, "new",
                             None, None, order_list_id, reserve, now, now, None)
        if c.type == "trailing_stop" and last is not None:
            track(c, last, u.tick, now)  # active at once unless its activation price is still ahead
        if coid is not None:
            step.batch.client_order_ids.add((account, coid, "conditional"))
        journal.reserve(account, asset, reserve, c.id, now)
        self.conditionals[c.id] = c
        self.triggers[c.symbol].add(c)
        step.conditionals[c.id] = c
        return c

    def _cancel_conditional(self, account: str, conditional_id: str, step: _Step) -> ConditionalOrder:
        c = self.conditionals.get(conditional_id)
        if c is None or c.account != account:
            if self._store.get_conditional(account, conditional_id) is None:
                raise ConditionalOrderNotFound(conditional_id)
            c = None
        if c is None or not c.waiting:
            raise OrderRejected("conditional_order_not_open", f"Conditional order {conditional_id} has already "
                                "fired or ended; to stop a fired one, cancel the order it placed.",
                                field="conditional_order_id")
        self.triggers[c.symbol].remove(c)
        return self._end_conditional(c, "cancelled", "requested", step)

    def _end_conditional(self, c: ConditionalOrder, status: str, reason: str, step: _Step,
                         cause: tuple[str, str | None] | None = None) -> ConditionalOrder:
        """End a live conditional order, releasing what it still reserves (it is out of the trigger index).
        `cause`: a fired one's order's final (status, cancel reason) — what its strategy order goes by (the owner
        cancelling that order cancels the list, as cancelling any leg does)."""
        if c.reserved:
            step.batch.journal.release(c.account, self.units[c.symbol].reserved_asset(c.side), c.reserved, c.id,
                                       step.now)
            c.reserved = 0
        c.status, c.reason, c.updated_at_ms = status, reason, step.now
        del self.conditionals[c.id]
        step.conditionals[c.id] = c
        if c.id in self.member_of:
            self._leg_ended(c.id, *(cause or (status, reason)), step)
        return c

    def _track(self, moves: tuple[tuple[str, int], ...], step: _Step) -> list[ConditionalOrder]:
        """The trades of a command, in order: move trailing stops, then fire what crossed, in firing order (by trade,
        then nearest trigger, then oldest). Each fires once: it leaves the index as it fires."""
        fired: list[ConditionalOrder] = []
        moved: list[ConditionalOrder] = []
        for symbol, price in moves:
            index = self.triggers[symbol]
            if index:
                fired += index.crossed(price, self.units[symbol].tick, step.now, moved)
        for c in moved:
            if c.waiting:
                step.conditionals[c.id] = c
        for c in fired:
            self._fire(c, step)
        return fired

    def _fire(self, c: ConditionalOrder, step: _Step) -> None:
        """Release the conditional order's reservation and place its order in this same step (which reserves the
        same amount again). A rule that refuses the order ends the conditional order `rejected` with its code."""
        if c.status != "new":
            return  # an OCO sibling that fired before it in this step cancelled it
        journal, now = step.batch.journal, step.now
        list_id = self.member_of.get(c.id)
        if list_id is not None:
            self._cancel_siblings(self.lists[list_id], c.id, step)  # frees what they reserve before it places
        journal.release(c.account, self.units[c.symbol].reserved_asset(c.side), c.reserved, c.id, now)
        c.reserved, c.triggered_at_ms, c.updated_at_ms = 0, now, now
        order = NewOrder(c.symbol, c.side, c.order_type, c.tif, False, c.price, c.size, c.quote_size, None)
        before, step.dirty = step.dirty, False
        try:
            placed = self._place(c.account, order, step, parent_id=c.id)
        except (OrderRejected, InvalidArgument) as exc:
            if step.dirty:
                raise
            step.dirty = before
            self._end_conditional(c, "rejected", exc.code, step)
            return
        step.dirty = True
        c.status, c.order_id = "triggered", placed.id
        step.conditionals[c.id] = c
        if list_id is not None:
            lst = self.lists[list_id]
            lst.leg_of(c.id).order_id = placed.id
            self._touch(lst, step)
        if placed.is_open:
            self.placed_by[placed.id] = c.id
        else:
            self._end_conditional(c, "finished", placed.status, step, cause=(placed.status, placed.cancel_reason))

    # -- strategy orders (impl/domain/order_lists.py) -----------------------------------------------------------
    def _place_list(self, c: PlaceOrderList, step: _Step) -> OrderList:
        """Check everything that can refuse the legs placed now, then place them: a refusal changes nothing."""
        account, cid = c.account, c.client_list_id
        if cid is not None and ((account, cid, "list") in step.batch.client_order_ids
                                or self._store.order_list_client_id_taken(account, cid)):
            raise OrderRejected("duplicate_client_order_id", f"client_list_id {cid!r} is already used.",
                                field="client_list_id")
        symbol = validate_order_list(c.type, list(c.legs), self.units.get)
        lst = OrderList(self._new_id("olst"), account, symbol, c.type, cid, "working", None,
                        [Leg(role, dict(request)) for role, request in zip(ROLES[c.type], c.legs, strict=True)],
                        step.now, step.now)
        if c.type == "oco":
            self._open_oco(lst, (0, 1), step)
        else:
            working = parse_leg(lst.legs[0].request, self.units[symbol], 0)
            self._order_checks(account, working, step)
            self._post_only_check(account, working, 0)
            self._register(lst, step)
            self._place_leg(lst, 0, working, step)
        if cid is not None:
            step.batch.client_order_ids.add((account, cid, "list"))
        return lst

    def _post_only_check(self, account: str, order: NewOrder, index: int) -> None:
        if order.post_only:
            u = self.units[order.symbol]
            if self._submit(u, "ord_check", account, order, dry_run=True).reason == "post_only_would_take":
                refusal = _post_only()
                refusal.field = f"legs[{index}].post_only"
                raise refusal

    def _register(self, lst: OrderList, step: _Step) -> None:
        """From here on the list exists: a refusal would be a bug (the batch is rebuilt, `Poisoned`)."""
        step.dirty = True
        self.lists[lst.id] = lst
        self._touch(lst, step)

    def _open_oco(self, lst: OrderList, indexes: tuple[int, int], step: _Step) -> None:
        """Place an OCO pair. Funds once for the pair: the plain order (else the first conditional leg) reserves
        what it needs, the other only what it needs beyond that. Conditional legs go first, so the plain order's
        fills on arrival already see (and cancel) its sibling."""
        account, u = lst.account, self.units[lst.symbol]
        legs = {i: parse_leg(lst.legs[i].request, u, i) for i in indexes}
        needs: dict[int, int] = {}
        asset = None
        for i, new in legs.items():
            try:
                if isinstance(new, NewOrder):
                    asset, needs[i] = self._order_checks(account, new, step)
                    self._post_only_check(account, new, i)
                else:
                    asset, needs[i] = self._conditional_checks(account, new, step)
            except DomainError as exc:
                exc.field = f"legs[{i}].{exc.field}" if exc.field else f"legs[{i}]"
                raise
        coids = [new.client_order_id for new in legs.values()
                 if isinstance(new, NewConditional) and new.client_order_id is not None]
        if len(set(coids)) != len(coids):
            raise OrderRejected("duplicate_client_order_id", "Two legs have the same client_order_id.",
                                field=f"legs[{indexes[1]}].client_order_id")
        if step.batch.journal.balance(account, asset)[0] < max(needs.values()):
            raise OrderRejected("insufficient_balance", f"Account does not have enough {asset} for this OCO pair.")
        primary = next((i for i in indexes if isinstance(legs[i], NewOrder)), indexes[0])
        if lst.id not in self.lists:
            self._register(lst, step)
        for i in sorted(indexes, key=lambda i: (isinstance(legs[i], NewOrder), i != primary)):
            self._place_leg(lst, i, legs[i], step, covered=0 if i == primary else needs[primary])

    def _place_leg(self, lst: OrderList, index: int, new, step: _Step, covered: int = 0) -> None:
        """Place one leg (a refusal changes nothing). An order's fills on arrival are seen here, as `_fill` and
        `_close` see them later: a fill cancels its OCO sibling, an end ends the leg."""
        leg = lst.legs[index]
        if isinstance(new, NewOrder):
            placed = self._place(lst.account, new, step, parent_id=lst.id)
            leg.status, leg.order_id = "live", placed.id
            self.member_of[placed.id] = lst.id
            self._touch(lst, step)
            if placed.filled and leg.role == "oco":
                self._cancel_siblings(lst, placed.id, step)
            if not placed.is_open:
                self._leg_ended(placed.id, placed.status, placed.cancel_reason, step)
        else:
            c = self._place_conditional(lst.account, new, step, covered=covered, order_list_id=lst.id)
            leg.status, leg.conditional_order_id = "live", c.id
            self.member_of[c.id] = lst.id
            self._touch(lst, step)

    def _activate(self, list_id: str, step: _Step) -> None:
        """The working order filled completely: place the pending leg(s); a refusal ends the list `rejected`."""
        lst = self.lists.get(list_id)
        if lst is None or not lst.is_live:
            return
        pending = tuple(i for i, leg in enumerate(lst.legs) if leg.status == "pending")
        before, step.dirty = step.dirty, False
        try:
            if lst.type == "otoco":
                self._open_oco(lst, pending, step)
            else:
                (i,) = pending
                new = parse_leg(lst.legs[i].request, self.units[lst.symbol], i)
                self._place_leg(lst, i, new, step)
        except (OrderRejected, InvalidArgument) as exc:
            if step.dirty:
                raise
            step.dirty = before
            for i in pending:
                lst.legs[i].status, lst.legs[i].reason = "not_placed", exc.code
            self._end_list(lst, "rejected", exc.code, step)
            return
        step.dirty = True

    def _cancel_list(self, account: str, list_id: str, step: _Step) -> OrderList:
        lst = self.lists.get(list_id)
        if lst is None or lst.account != account:
            if self._store.get_order_list(account, list_id) is None:
                raise OrderListNotFound(list_id)
            raise OrderRejected("order_list_not_open", f"Order list {list_id} has already ended.",
                                field="order_list_id")
        step.dirty = True
        self._end_list(lst, "cancelled", "requested", step)
        return lst

    def _leg_filled(self, member_id: str, step: _Step) -> None:
        """A leg's order filled (even partly): the other leg of its OCO pair is cancelled in this step."""
        lst = self.lists[self.member_of[member_id]]
        if lst.is_live and lst.leg_of(member_id).role == "oco":
            self._cancel_siblings(lst, member_id, step)

    def _cancel_siblings(self, lst: OrderList, member_id: str, step: _Step) -> None:
        """Cancel the live OCO legs of `lst` other than `member_id` (reason `oco_sibling`)."""
        for leg in lst.legs:
            if leg.role == "oco" and leg.status == "live" and leg.member_id != member_id:
                self._cancel_member(leg, "oco_sibling", step)

    def _cancel_member(self, leg: Leg, reason: str, step: _Step) -> None:
        if leg.conditional:
            c = self.conditionals.get(leg.conditional_order_id)
            if c is not None and c.waiting:
                self.triggers[c.symbol].remove(c)
                self._end_conditional(c, "cancelled", reason, step)
            elif c is not None and c.order_id in self.open:  # fired: its order is what still works
                self._cancel(self.open[c.order_id], reason, step)
        elif leg.order_id in self.open:
            self._cancel(self.open[leg.order_id], reason, step)

    def _leg_ended(self, member_id: str, status: str, reason: str | None, step: _Step) -> None:
        """A leg's order or conditional order ended: what that means for its list."""
        lst = self.lists[self.member_of.pop(member_id)]
        leg = lst.leg_of(member_id)
        leg.status = "ended"
        self._touch(lst, step)
        if not lst.is_live:
            return  # the list is ending these legs itself
        if leg.role == "working":
            if status == "filled":
                self._activations.append(lst.id)
            else:
                why = "requested" if reason == "requested" else f"working_order_{status}"
                self._end_list(lst, "cancelled", why, step)
            return
        if status == "cancelled" and reason != "oco_sibling":
            self._end_list(lst, "cancelled", "requested" if reason == "requested" else "leg_cancelled", step)
        elif status == "rejected":
            self._end_list(lst, "rejected", reason, step)
        elif all(leg.status in ("ended", "not_placed") for leg in lst.legs):
            lst.status = "done"
            del self.lists[lst.id]

    def _end_list(self, lst: OrderList, status: str, reason: str | None, step: _Step) -> None:
        """End a working list: its live legs are cancelled (reason `list_cancelled`), its pending legs not placed."""
        lst.status, lst.reason = status, reason
        for leg in lst.legs:
            if leg.status == "pending":
                leg.status, leg.reason = "not_placed", "list_ended"
            elif leg.status == "live":
                self._cancel_member(leg, "list_cancelled", step)
        self.lists.pop(lst.id, None)
        self._touch(lst, step)

    def _touch(self, lst: OrderList, step: _Step) -> None:
        lst.updated_at_ms = step.now
        step.order_lists[lst.id] = lst

    # -- helpers -------------------------------------------------------------------------------------------------
    def _rates(self, account: str, market: Market) -> tuple[Fraction, Fraction]:
        """(maker, taker): the lower of the market's rate and the account's fee tier. Fee tiers are fixed when an
        account is created (no operation changes them), so each pair is worked out once."""
        key = (account, market.symbol)
        rates = self._rates_cache.get(key)
        if rates is None:
            tier_maker, tier_taker = self._fee_rates(account)
            rates = self._rates_cache[key] = (min(tier_maker, Fraction(market.maker_fee_rate)),
                                              min(tier_taker, Fraction(market.taker_fee_rate)))
        return rates

    def resting(self) -> dict[str, list[Order]]:
        return {symbol: sorted(book.orders(), key=lambda o: o.seq) for symbol, book in self.books.items()}


def _reserved_for(u: MarketUnits, side: str, price: int, remaining: int) -> int:
    return u.quote_amount(price, remaining) if side == "buy" else u.base_amount(remaining)


def _quote_tag(owner: str) -> str:
    """The parent_id of the quotes a credential placed with ReplaceQuotes."""
    return f"quotes:{owner}"


def _add_levels(step: _Step, symbol: str, levels) -> None:
    """Record L2 level changes; a market with none is not recorded (its book did not change)."""
    if levels:
        step.levels.setdefault(symbol, []).extend(levels)


def _snapshot(outcome):
    """Copies of the orders in an outcome: the live orders keep changing under later commands."""
    if isinstance(outcome, OrderState | ConditionalOrder | OrderList):
        return outcome.snapshot()
    if isinstance(outcome, list):
        return [_snapshot(item) for item in outcome]
    if isinstance(outcome, QuotesReplaced):
        return QuotesReplaced(outcome.symbol, tuple(o.snapshot() for o in outcome.cancelled),
                              tuple(o.snapshot() for o in outcome.placed))
    return outcome


def _post_only() -> OrderRejected:
    return OrderRejected("post_only_would_take", "The post-only order would have matched on arrival; not placed.",
                         field="post_only")
