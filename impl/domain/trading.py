"""Spot trading: places, amends and cancels orders against in-memory books and settles every fill in the ledger.

One lock serialises all trading operations of the process. Each operation runs inside one store transaction:
balances are read inside it, the books are changed in memory, and the orders, fills, public trades (with their
candles), journal entries, balances and book sequences are written and committed before the operation returns —
so a response is only ever sent for a durable change. If anything fails after a book was touched, the
transaction rolls back and the books are rebuilt from the store, so memory never disagrees with what is stored.
Deposits made by another process (the operator CLI) are therefore seen at once: balances are never cached.

After each commit, still under the lock, the `on_commit` hook (the stream's publisher, impl/ws/events.py) sees
the operation's changes, so subscribers get events in commit order and only for durable changes.

Start-up rebuild: every open order is restored into its book in time-priority order (`seq`) and the L2 views
get their levels and their persisted sequence numbers back.

Money rules (see also impl/domain/orders.py): a buy reserves `price × size` of the quote asset (a market buy by
size its exact cost against the current book, a market buy by quote amount that amount); a sell reserves `size`
of the base asset. When a buy fills below its limit the difference is released at once, so an open order always
has exactly `remaining × price` (buy) or `remaining` (sell) locked. Fees are charged in the asset received, at the
account's rate (the lower of the market's published rate and the account's fee-tier rate), rounded up.
Self-trade prevention is the engine's "cancel resting" policy.

Exactly once across crashes: an operation may carry a `Receipt` (the caller's idempotency key and how to render
the answer). The rendered answer is stored with the key in the same transaction as the effect, so a retry after
a crash between commit and response replays it instead of acting again; a key whose operation never committed
is released at start-up (impl/app.py) so the retry runs. A batch is one transaction for the same reason.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from fractions import Fraction

from impl.domain.book import L2Book
from impl.domain.errors import DomainError, InvalidArgument, OrderNotFound, OrderRejected
from impl.domain.ledger import Journal
from impl.domain.market_data import decode_cursor, page_of
from impl.domain.matching import Fill, Order, OrderBook, Result
from impl.domain.model import Market, Page, Trade
from impl.domain.orders import (
    FillRecord,
    MarketUnits,
    NewOrder,
    OrderState,
    check_notional,
    check_price,
    check_size,
    fee_of,
    validate,
)
from impl.domain.units import NotRepresentable, to_units

_ORDER_ID = re.compile(r"^ord_[0-9A-HJKMNP-TV-Z]{26}$")
_FILL_ID = re.compile(r"^fill_[0-9A-HJKMNP-TV-Z]{26}$")
_DEPTH_ALL = 1 << 30


@dataclass
class Changes:
    """Everything one operation writes, besides the journal."""

    orders: dict[str, OrderState] = field(default_factory=dict)
    fills: list[FillRecord] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)
    levels: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)  # symbol -> L2 level changes
    sequences: dict[str, int] = field(default_factory=dict)  # symbol -> book sequence after the changes
    receipt: tuple[str, str, int, bytes] | None = None  # (account, idempotency key, status, body) of the answer


@dataclass(frozen=True)
class Receipt:
    """Store the answer to an idempotent request with its effect: `render(outcome) -> (status, body bytes)`."""

    account: str
    key: str
    render: Callable[[object], tuple[int, bytes]]


@dataclass(frozen=True)
class Preview:
    order: NewOrder
    fills: list[tuple[int, int]]
    filled: int
    rests: int
    unfilled: int
    notional: int  # quote minor units
    fee: int  # minor units of the asset received
    fee_asset: str
    reserve_asset: str
    reserve_amount: int
    available: int


class Trading:
    def __init__(self, store, markets: Iterable[Market], assets: dict[str, int], books: dict[str, L2Book],
                 fee_rates: Callable[[str], tuple[Fraction, Fraction]], now_ms: Callable[[], int],
                 new_id: Callable[[str], str]) -> None:
        self._store = store
        self._units = {m.symbol: MarketUnits(m, assets[m.base], assets[m.quote]) for m in markets}
        self.assets = dict(assets)
        self._l2 = books
        self._fee_rates = fee_rates
        self._now_ms = now_ms
        self._new_id = new_id
        self._lock = threading.Lock()
        self._dirty = False
        # Called with (changes, journal) after every commit, under the lock, so calls come in commit order
        # (the stream publishes from it). It must not raise and must not call back into Trading.
        self.on_commit: Callable[[Changes, Journal], None] | None = None
        self._load()

    # -- start-up and recovery ---------------------------------------------------------------------------------
    def _load(self) -> None:
        self._books = {symbol: OrderBook(symbol) for symbol in self._units}
        self._open: dict[str, OrderState] = {}
        for o in self._store.open_orders():
            self._books[o.symbol].restore(Order(o.id, o.account, o.side, o.price, o.remaining, o.seq))
            self._open[o.id] = o
        sequences = self._store.book_sequences()
        for symbol, book in self._books.items():
            l2 = self._l2.setdefault(symbol, L2Book(symbol))
            l2.restore(book.depth("buy", _DEPTH_ALL), book.depth("sell", _DEPTH_ALL), sequences.get(symbol, 0))

    def units(self, symbol: str) -> MarketUnits | None:
        return self._units.get(symbol)

    # -- operations --------------------------------------------------------------------------------------------
    def place(self, account: str, request: dict, receipt: Receipt | None = None) -> OrderState:
        order = validate(request, self._units.get(request["symbol"]))
        return self._run(lambda journal, changes, now: self._place(account, order, journal, changes, now), receipt)

    def place_batch(self, account: str, requests: list[dict],
                    receipt: Receipt | None = None) -> list[OrderState | DomainError]:
        """Each order as `place` would, in order, in one transaction; a refused one changes nothing."""

        def run(journal: Journal, changes: Changes, now: int) -> list[OrderState | DomainError]:
            results: list[OrderState | DomainError] = []
            for request in requests:
                try:
                    order = validate(request, self._units.get(request["symbol"]))
                    results.append(self._place(account, order, journal, changes, now))
                except (OrderRejected, InvalidArgument) as exc:
                    results.append(exc)
            return results

        return self._run(run, receipt)

    def cancel(self, account: str, order_id: str, receipt: Receipt | None = None) -> OrderState:
        def run(journal: Journal, changes: Changes, now: int) -> OrderState:
            return self._cancel(self._open_order(account, order_id), "requested", journal, changes, now)

        return self._run(run, receipt)

    def cancel_batch(self, account: str, order_ids: list[str],
                     receipt: Receipt | None = None) -> list[OrderState | DomainError]:
        def run(journal: Journal, changes: Changes, now: int) -> list[OrderState | DomainError]:
            results: list[OrderState | DomainError] = []
            for order_id in order_ids:
                try:
                    results.append(self._cancel(self._open_order(account, order_id), "requested", journal, changes,
                                                now))
                except (OrderRejected, OrderNotFound) as exc:
                    results.append(exc)
            return results

        return self._run(run, receipt)

    def cancel_all(self, account: str, symbol: str, side: str | None,
                   receipt: Receipt | None = None) -> list[OrderState]:
        if symbol not in self._units:
            raise OrderRejected("unknown_market", f"No market {symbol!r} is listed.", field="symbol")

        def run(journal: Journal, changes: Changes, now: int) -> list[OrderState]:
            mine = sorted((o for o in self._open.values() if o.account == account and o.symbol == symbol
                           and side in (None, o.side)), key=lambda o: o.id)
            return [self._cancel(o, "requested", journal, changes, now) for o in mine]

        return self._run(run, receipt)

    def amend(self, account: str, order_id: str, price: str | None, size: str | None,
              receipt: Receipt | None = None) -> OrderState:
        return self._run(lambda journal, changes, now: self._amend(account, order_id, price, size, journal, changes,
                                                                   now), receipt)

    def preview(self, account: str, request: dict) -> Preview:
        order = validate(request, self._units.get(request["symbol"]))
        u = self._units[order.symbol]
        with self._lock:
            result = self._submit(u, "ord_preview", account, order, dry_run=True)
            if result.reason == "post_only_would_take":
                raise _post_only()
            fills = [(f.price, f.size) for f in result.fills]
            notional = sum(u.quote_amount(p, s) for p, s in fills)
            received = sum(u.base_amount(s) for _, s in fills) if order.side == "buy" else notional
            taker_rate = self._rates(account, u.market)[1]
            reserve_asset, reserve = self._reservation(u, order, result)
            available = self._store.balance(account, reserve_asset)[0]
        quote_order = order.quote_size is not None
        return Preview(order, fills, sum(s for _, s in fills), result.rested, 0 if quote_order else result.unfilled,
                       notional, fee_of(received, taker_rate), u.received_asset(order.side)[0], reserve_asset,
                       reserve, available)

    def deposit(self, account: str, asset: str, amount: str, ref: str) -> tuple[int, int]:
        if asset not in self.assets:
            raise InvalidArgument(f"Unknown asset {asset!r}.", field="asset")
        try:
            units = to_units(amount, self.assets[asset])
        except NotRepresentable:
            raise InvalidArgument(f"{amount} has more decimals than {asset} allows.", field="amount") from None
        if units <= 0:
            raise InvalidArgument("A deposit must be positive.", field="amount")

        def run(journal: Journal, changes: Changes, now: int) -> tuple[int, int]:
            journal.deposit(account, asset, units, ref, now)
            return journal.balance(account, asset)

        return self._run(run)

    # -- reads -------------------------------------------------------------------------------------------------
    def order(self, account: str, order_id: str) -> OrderState:
        order = self._store.get_order(account, order_id)
        if order is None:
            raise OrderNotFound(order_id)
        return order

    def orders(self, account: str, filters: dict, limit: int, cursor: str | None) -> Page:
        before = decode_cursor(cursor, _ORDER_ID) if cursor else None
        return page_of(self._store.list_orders(account, filters, limit + 1, before), limit)

    def fills(self, account: str, filters: dict, limit: int, cursor: str | None) -> Page:
        before = decode_cursor(cursor, _FILL_ID) if cursor else None
        return page_of(self._store.list_fills(account, filters, limit + 1, before), limit)

    def balances(self, account: str) -> list[tuple[str, int, int]]:
        held = self._store.balances_of(account)
        return [(asset, *held.get(asset, (0, 0))) for asset in sorted(self.assets)]

    def resting(self) -> dict[str, list[Order]]:
        """The books' resting orders per market (for consistency checks against the store)."""
        with self._lock:
            return {symbol: sorted(book.orders(), key=lambda o: o.seq) for symbol, book in self._books.items()}

    def exclusively(self, fn: Callable[[], object]) -> object:
        """Run `fn` while no trading operation runs (a consistent view of the L2 books and the commit stream)."""
        with self._lock:
            return fn()

    # -- the transaction around every change -------------------------------------------------------------------
    def _run(self, operation, receipt: Receipt | None = None):
        with self._lock:
            self._dirty = False  # set before the first change to a book
            try:
                with self._store.transaction():
                    journal, changes, now = Journal(self._store.balance), Changes(), self._now_ms()
                    outcome = operation(journal, changes, now)
                    if receipt is not None:
                        changes.receipt = (receipt.account, receipt.key, *receipt.render(outcome))
                    for symbol, levels in changes.levels.items():
                        changes.sequences[symbol] = self._l2[symbol].sequence + len(levels)
                    self._store.write_trading(journal, changes)
            except BaseException:
                if self._dirty:
                    self._load()
                raise
            for symbol, levels in changes.levels.items():
                l2 = self._l2[symbol]
                for side, price, size in levels:
                    l2.set_level(side, price, size)
            if self.on_commit is not None:
                self.on_commit(changes, journal)
            # A copy: the live orders keep changing under later operations once the lock is released.
            return _snapshot(outcome)

    # -- placing -----------------------------------------------------------------------------------------------
    def _submit(self, u: MarketUnits, order_id: str, account: str, order: NewOrder, dry_run: bool = False) -> Result:
        quote = None if order.quote_size is None else order.quote_size // u.quote_factor
        return self._books[u.market.symbol].submit(
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

    def _place(self, account: str, order: NewOrder, journal: Journal, changes: Changes, now: int) -> OrderState:
        u = self._units[order.symbol]
        if order.client_order_id and (self._store.client_order_id_taken(account, order.client_order_id) or any(
                o.account == account and o.client_order_id == order.client_order_id for o in changes.orders.values())):
            raise OrderRejected("duplicate_client_order_id",
                                f"client_order_id {order.client_order_id!r} is already used.", field="client_order_id")
        needs_estimate = order.side == "buy" and order.price is None and order.quote_size is None
        dry = self._submit(u, "ord_estimate", account, order, dry_run=True) if needs_estimate else None
        asset, reserve = self._reservation(u, order, dry)
        if journal.balance(account, asset)[0] < reserve:
            raise OrderRejected("insufficient_balance", f"Account does not have enough {asset} to place this order.")
        state = OrderState(self._new_id("ord"), account, order.symbol, order.side, order.type, order.tif,
                           order.post_only, order.price, order.size, order.quote_size, order.client_order_id, "open",
                           0, 0, 0, 0, 0, None, None, now, now)
        self._dirty = True
        result = self._submit(u, state.id, account, order)
        if result.reason == "post_only_would_take":  # nothing changed in the book
            raise _post_only()
        journal.reserve(account, asset, reserve, state.id, now)
        state.reserved = reserve
        return self._settle(u, state, result, journal, changes, now)

    def _settle(self, u: MarketUnits, taker: OrderState, result: Result, journal: Journal, changes: Changes,
                now: int) -> OrderState:
        symbol = u.market.symbol
        for maker in result.stp_cancelled:
            self._close(self._open.pop(maker.id), "cancelled", "self_trade_prevention", journal, changes, now)
        for fill in result.fills:
            self._fill(u, taker, self._open[fill.maker_id], fill, journal, changes, now)
        if result.rested:
            taker.remaining = result.rested
            taker.seq = self._books[symbol].get(taker.id).seq
            taker.status = "partially_filled" if taker.filled else "open"
            taker.updated_at_ms = now
            self._open[taker.id] = taker
            changes.orders[taker.id] = taker
        else:
            self._close(taker, "filled" if result.reason is None else "expired", None, journal, changes, now)
        _add_levels(changes, symbol, result.levels)
        return taker

    def _fill(self, u: MarketUnits, taker: OrderState, maker: OrderState, fill: Fill, journal: Journal,
              changes: Changes, now: int) -> None:
        m = u.market
        buyer, seller = (taker, maker) if taker.side == "buy" else (maker, taker)
        base_amount, quote_amount = u.base_amount(fill.size), u.quote_amount(fill.price, fill.size)
        trade = Trade(self._new_id("trd"), m.symbol, fill.price, fill.size, taker.side, now)
        fees = {}
        for order, received, liquidity in ((buyer, base_amount, _liq(buyer, taker)),
                                           (seller, quote_amount, _liq(seller, taker))):
            maker_rate, taker_rate = self._rates(order.account, m)
            fees[order.id] = fee_of(received, taker_rate if liquidity == "taker" else maker_rate)
            changes.fills.append(FillRecord(self._new_id("fill"), order.id, order.account, trade.id, m.symbol,
                                            order.side, fill.price, fill.size, quote_amount, fees[order.id], liquidity,
                                            now))
            order.filled += fill.size
            order.filled_quote += quote_amount
            order.fee += fees[order.id]
            order.updated_at_ms = now
        journal.settle_fill(buyer=buyer.account, seller=seller.account, base=m.base, quote=m.quote,
                            base_amount=base_amount, quote_amount=quote_amount, buyer_fee=fees[buyer.id],
                            seller_fee=fees[seller.id], ref=trade.id, ts_ms=now)
        buyer.reserved -= quote_amount
        seller.reserved -= base_amount
        if taker is buyer and taker.price is not None and fill.price < taker.price:
            improvement = u.quote_amount(taker.price - fill.price, fill.size)
            journal.release(taker.account, m.quote, improvement, taker.id, now)
            taker.reserved -= improvement
        changes.trades.append(trade)
        maker.remaining -= fill.size
        if maker.remaining == 0:
            self._close(self._open.pop(maker.id), "filled", None, journal, changes, now)
        else:
            maker.status = "partially_filled"
            changes.orders[maker.id] = maker

    def _close(self, order: OrderState, status: str, reason: str | None, journal: Journal, changes: Changes,
               now: int) -> OrderState:
        """End an order: release what it still reserves."""
        u = self._units[order.symbol]
        asset = u.reserved_asset(order.side)
        journal.release(order.account, asset, order.reserved, order.id, now)
        order.reserved, order.remaining, order.status, order.cancel_reason = 0, 0, status, reason
        order.seq, order.updated_at_ms = None, now
        changes.orders[order.id] = order
        return order

    # -- cancelling and amending -------------------------------------------------------------------------------
    def _open_order(self, account: str, order_id: str) -> OrderState:
        order = self._open.get(order_id)
        if order is not None and order.account == account:
            return order
        if self._store.get_order(account, order_id) is None:
            raise OrderNotFound(order_id)
        raise OrderRejected("order_not_open", f"Order {order_id} is already filled, cancelled or expired.",
                            field="order_id")

    def _cancel(self, order: OrderState, reason: str, journal: Journal, changes: Changes, now: int) -> OrderState:
        self._dirty = True
        _, levels = self._books[order.symbol].cancel(order.id)
        del self._open[order.id]
        _add_levels(changes, order.symbol, levels)
        return self._close(order, "cancelled", reason, journal, changes, now)

    def _amend(self, account: str, order_id: str, price: str | None, size: str | None, journal: Journal,
               changes: Changes, now: int) -> OrderState:
        order = self._open_order(account, order_id)
        u = self._units[order.symbol]
        if u.market.status != "trading":
            raise OrderRejected("market_halted", f"{order.symbol} is halted; amends are refused.", field="order_id")
        new_price = order.price if price is None else check_price(price, u)
        new_size = order.size if size is None else check_size(size, u)
        check_notional(new_price, new_size, u)
        if new_size <= order.filled:
            raise OrderRejected("size_too_small", "The new size must exceed what has filled already.", field="size")
        new_remaining = new_size - order.filled
        if new_price == order.price and new_remaining == order.remaining:
            return order
        if new_price == order.price and new_remaining < order.remaining:
            self._dirty = True
            levels = self._books[order.symbol].reduce(order.id, new_remaining)
            freed = order.reserved - self._reserved_for(u, order.side, new_price, new_remaining)
            journal.release(account, u.reserved_asset(order.side), freed, order.id, now)
            order.reserved -= freed
            order.size, order.remaining, order.updated_at_ms = new_size, new_remaining, now
            _add_levels(changes, order.symbol, levels)
            changes.orders[order.id] = order
            return order
        # Any other change re-queues the order: it loses time priority and may cross as a taker.
        opposite = "sell" if order.side == "buy" else "buy"
        best = self._books[order.symbol].best(opposite)
        crosses = best is not None and (best[0] <= new_price if order.side == "buy" else best[0] >= new_price)
        if order.post_only and crosses:
            raise _post_only()
        asset = u.reserved_asset(order.side)
        extra = self._reserved_for(u, order.side, new_price, new_remaining) - order.reserved
        if extra > journal.balance(account, asset)[0]:
            raise OrderRejected("insufficient_balance", f"Account does not have enough {asset} for this amend.")
        self._dirty = True
        _, levels = self._books[order.symbol].cancel(order.id)
        del self._open[order.id]
        _add_levels(changes, order.symbol, levels)
        if extra > 0:
            journal.reserve(account, asset, extra, order.id, now)
        else:
            journal.release(account, asset, -extra, order.id, now)
        order.reserved += extra
        order.price, order.size, order.updated_at_ms = new_price, new_size, now
        result = self._books[order.symbol].submit(order.id, account, order.side, price=new_price, size=new_remaining,
                                                  tif="GTC", post_only=order.post_only)
        return self._settle(u, order, result, journal, changes, now)

    # -- helpers -----------------------------------------------------------------------------------------------
    def _reserved_for(self, u: MarketUnits, side: str, price: int, remaining: int) -> int:
        return u.quote_amount(price, remaining) if side == "buy" else u.base_amount(remaining)

    def _rates(self, account: str, market: Market) -> tuple[Fraction, Fraction]:
        tier_maker, tier_taker = self._fee_rates(account)
        return min(tier_maker, Fraction(market.maker_fee_rate)), min(tier_taker, Fraction(market.taker_fee_rate))


def _add_levels(changes: Changes, symbol: str, levels) -> None:
    """Record L2 level changes; a market with none is not recorded (its book did not change)."""
    if levels:
        changes.levels.setdefault(symbol, []).extend(levels)


def _snapshot(outcome):
    """Copies of the orders in an outcome (an order, or a list of orders and refusals)."""
    if isinstance(outcome, OrderState):
        return replace(outcome)
    if isinstance(outcome, list):
        return [_snapshot(item) for item in outcome]
    return outcome


def _liq(order: OrderState, taker: OrderState) -> str:
    return "taker" if order is taker else "maker"


def _post_only() -> OrderRejected:
    return OrderRejected("post_only_would_take", "The post-only order would have matched on arrival; not placed.",
                         field="post_only")
