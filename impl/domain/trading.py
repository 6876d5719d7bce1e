"""Spot trading as the API layer and operator tools use it: build typed commands, hand them to the single-writer
engine, await their results; and the reads that need no engine (orders, fills, balances from the store).

`Trading` owns one `Engine` (impl/domain/engine.py: books, balances, orders — the only writer) and its
`Sequencer` (impl/domain/sequencer.py: the engine's thread, group commit, answers after commit, events to
`listeners` in commit order). Requests are checked against the market's static rules here, on the caller's side
(`validate` turns wire strings into a `NewOrder` in integer units); everything that depends on state (balances,
the book, client order ids, open orders) is decided by the engine.

Two ways in, one path: `await execute(command)` on an event loop (handlers), or the blocking helpers (`place`,
`cancel`, `deposit`, …) from any other thread (tests, the operator CLI). Each returns the domain's result
(snapshots of orders, never the live objects) or raises the DomainError that refused it.

One writer per database: constructing a `Trading` claims the store's writer guard (`claim_writer`); a second
process on the same database is refused before it loads anything (impl/store/sqlite.py) — or, with
`wait_for_writer=True` (a standby engine, impl/bus/engine_process.py), waits until the guard is free.

`TradingFacade` is everything but the engine: building commands, previews, the store reads. `Trading` runs its
commands on the local engine; `impl.bus.remote.RemoteTrading` sends them to an engine in another process. Both
offer `execute`, `call`, `listeners` (callables of `list[Committed]`, called in commit order) and
`exclusively_async(fn)` (run `fn` where no event is applied meanwhile).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from impl.domain.book import L2Book
from impl.domain.commands import (
    AmendOrder,
    AmendOrders,
    CancelAll,
    CancelConditional,
    CancelOrder,
    CancelOrderList,
    CancelOrders,
    Command,
    Deposit,
    Inspect,
    PlaceConditional,
    PlaceOrder,
    PlaceOrderList,
    PlaceOrders,
    ReplaceQuotes,
)
from impl.domain.commands import Preview as PreviewQuery
from impl.domain.conditional import ConditionalOrder, validate_conditional
from impl.domain.engine import Engine, Reaction
from impl.domain.errors import (
    ConditionalOrderNotFound,
    DomainError,
    InvalidArgument,
    OrderListNotFound,
    OrderNotFound,
    OrderRejected,
)
from impl.domain.market_data import decode_cursor, page_of
from impl.domain.matching import Order
from impl.domain.model import Market, Page
from impl.domain.order_lists import OrderList, validate_order_list
from impl.domain.orders import (
    MarketUnits,
    NewOrder,
    OrderState,
    check_notional,
    check_price,
    check_size,
    fee_of,
    listed,
    tradable,
    validate,
)
from impl.domain.sequencer import Sequencer
from impl.domain.units import NotRepresentable, to_units

_ORDER_ID = re.compile(r"^ord_[0-9A-HJKMNP-TV-Z]{26}$")
_FILL_ID = re.compile(r"^fill_[0-9A-HJKMNP-TV-Z]{26}$")
_CONDITIONAL_ID = re.compile(r"^cond_[0-9A-HJKMNP-TV-Z]{26}$")
_ORDER_LIST_ID = re.compile(r"^olst_[0-9A-HJKMNP-TV-Z]{26}$")


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


def deposit_units(assets: dict[str, int], asset: str, amount: str) -> int:
    """A deposit amount (decimal string) in minor units of a listed asset; refused if unknown, inexact or not > 0."""
    if asset not in assets:
        raise InvalidArgument(f"Unknown asset {asset!r}.", field="asset")
    try:
        units = to_units(amount, assets[asset])
    except NotRepresentable:
        raise InvalidArgument(f"{amount} has more decimals than {asset} allows.", field="amount") from None
    if units <= 0:
        raise InvalidArgument("A deposit must be positive.", field="amount")
    return units


class TradingFacade:
    """Commands from requests, previews and the store reads; `call`/`execute` and the queries are the link's."""

    def __init__(self, store, units: dict[str, MarketUnits], assets: dict[str, int]) -> None:
        self._store = store
        self._units = units
        self.assets = assets

    def units(self, symbol: str) -> MarketUnits | None:
        return self._units.get(symbol)

    async def start(self) -> None:
        """Called by the app's lifespan on its event loop (a remote link connects here)."""

    async def stop(self) -> None: ...

    async def execute(self, command: Command):
        raise NotImplementedError

    def call(self, command: Command):
        raise NotImplementedError

    def preview_facts(self, account: str, order: NewOrder) -> dict:
        """`preview_facts_of` the engine's answer to a Preview query."""
        raise NotImplementedError

    # -- commands from requests ----------------------------------------------------------------------------------
    def place_command(self, account: str, request: dict, key: str | None = None) -> PlaceOrder:
        return PlaceOrder(account, validate(request, self._units.get(request["symbol"])), key)

    def place_batch_command(self, account: str, requests: list[dict], key: str | None = None) -> PlaceOrders:
        orders: list = []
        for request in requests:
            try:
                orders.append(validate(request, self._units.get(request["symbol"])))
            except (OrderRejected, InvalidArgument) as exc:
                orders.append(exc)
        return PlaceOrders(account, tuple(orders), key)

    def cancel_all_command(self, account: str, symbol: str | None, side: str | None, key: str | None = None,
                           kind: str = "normal") -> CancelAll:
        if symbol is not None:
            listed(symbol, self._units.get(symbol))
        return CancelAll(account, symbol, side, key, kind=kind)

    def place_conditional_command(self, account: str, request: dict, key: str | None = None) -> PlaceConditional:
        return PlaceConditional(account, validate_conditional(request, self._units.get(request["symbol"])), key)

    def place_list_command(self, account: str, request: dict, key: str | None = None) -> PlaceOrderList:
        validate_order_list(request["type"], request["legs"], self._units.get)
        return PlaceOrderList(account, request["type"], tuple(request["legs"]), request.get("client_list_id"), key)

    def amend_batch_command(self, account: str, request: dict, key: str | None = None) -> AmendOrders:
        symbol = listed(request["symbol"], self._units.get(request["symbol"])).market.symbol
        items = tuple((item["order_id"], item.get("price"), item.get("size")) for item in request["orders"])
        return AmendOrders(account, symbol, items, key)

    def replace_quotes_command(self, account: str, owner: str, symbol: str, request: dict,
                               key: str | None = None) -> ReplaceQuotes:
        """Each level checked against the market's rules (the field named `bids[i].price` …); bids and asks must not
        cross each other."""
        u = tradable(symbol, self._units.get(symbol))
        sides = {}
        for side in ("bids", "asks"):
            levels = []
            for i, level in enumerate(request[side]):
                try:
                    price, size = check_price(level["price"], u), check_size(level["size"], u)
                    check_notional(price, size, u)
                except OrderRejected as exc:
                    raise OrderRejected(exc.code, exc.message, field=f"{side}[{i}].{exc.field}") from None
                levels.append((price, size))
            sides[side] = tuple(levels)
        if sides["bids"] and sides["asks"] and max(p for p, _ in sides["bids"]) >= min(p for p, _ in sides["asks"]):
            raise InvalidArgument("Bids and asks cross each other: every bid must be below every ask.", field="asks")
        return ReplaceQuotes(account, symbol, owner, sides["bids"], sides["asks"],
                             bool(request.get("post_only", False)), key)

    def replace_quotes(self, account: str, owner: str, symbol: str, request: dict):
        return self.call(self.replace_quotes_command(account, owner, symbol, request))

    def amend_batch(self, account: str, request: dict) -> list[OrderState | DomainError]:
        return self.call(self.amend_batch_command(account, request))

    def deposit_command(self, account: str, asset: str, amount: str, ref: str) -> Deposit:
        return Deposit(account, asset, deposit_units(self.assets, asset, amount), ref)

    def place(self, account: str, request: dict) -> OrderState:
        return self.call(self.place_command(account, request))

    def place_batch(self, account: str, requests: list[dict]) -> list[OrderState | DomainError]:
        return self.call(self.place_batch_command(account, requests))

    def cancel(self, account: str, order_id: str) -> OrderState:
        return self.call(CancelOrder(account, order_id))

    def cancel_batch(self, account: str, order_ids: list[str]) -> list[OrderState | DomainError]:
        return self.call(CancelOrders(account, tuple(order_ids)))

    def cancel_all(self, account: str, symbol: str | None, side: str | None,
                   kind: str = "normal") -> list[OrderState | ConditionalOrder]:
        return self.call(self.cancel_all_command(account, symbol, side, kind=kind))

    def amend(self, account: str, order_id: str, price: str | None, size: str | None) -> OrderState:
        return self.call(AmendOrder(account, order_id, price, size))

    def place_conditional(self, account: str, request: dict) -> ConditionalOrder:
        return self.call(self.place_conditional_command(account, request))

    def cancel_conditional(self, account: str, conditional_id: str) -> ConditionalOrder:
        return self.call(CancelConditional(account, conditional_id))

    def place_list(self, account: str, request: dict) -> OrderList:
        return self.call(self.place_list_command(account, request))

    def cancel_list(self, account: str, order_list_id: str) -> OrderList:
        return self.call(CancelOrderList(account, order_list_id))

    def deposit(self, account: str, asset: str, amount: str, ref: str) -> tuple[int, int]:
        return self.call(self.deposit_command(account, asset, amount, ref))

    def preview(self, account: str, request: dict) -> Preview:
        order = validate(request, self._units.get(request["symbol"]))
        u = self._units[order.symbol]
        p = self.preview_facts(account, order)
        fills = p["fills"]
        notional = sum(u.quote_amount(price, size) for price, size in fills)
        received = sum(u.base_amount(size) for _, size in fills) if order.side == "buy" else notional
        quote_order = order.quote_size is not None
        return Preview(order, fills, sum(size for _, size in fills), p["rested"],
                       0 if quote_order else p["unfilled"], notional, fee_of(received, p["taker_rate"]),
                       u.received_asset(order.side)[0], p["reserve_asset"], p["reserve"], p["available"])

    # -- reads (the committed state, from the store) -------------------------------------------------------------
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

    def conditional(self, account: str, conditional_id: str) -> ConditionalOrder:
        found = self._store.get_conditional(account, conditional_id)
        if found is None:
            raise ConditionalOrderNotFound(conditional_id)
        return found

    def conditionals(self, account: str, filters: dict, limit: int, cursor: str | None) -> Page:
        """filters: symbol, live (True: new/triggered; False: ended), start_ms/end_ms."""
        before = decode_cursor(cursor, _CONDITIONAL_ID) if cursor else None
        return page_of(self._store.list_conditionals(account, filters, limit + 1, before), limit)

    def order_list(self, account: str, order_list_id: str) -> OrderList:
        found = self._store.get_order_list(account, order_list_id)
        if found is None:
            raise OrderListNotFound(order_list_id)
        return found

    def order_lists(self, account: str, filters: dict, limit: int, cursor: str | None) -> Page:
        """filters: symbol, live (True: working; False: ended), start_ms/end_ms."""
        before = decode_cursor(cursor, _ORDER_LIST_ID) if cursor else None
        return page_of(self._store.list_order_lists(account, filters, limit + 1, before), limit)

    def balances(self, account: str) -> list[tuple[str, int, int]]:
        held = self._store.balances_of(account)
        return [(asset, *held.get(asset, (0, 0))) for asset in sorted(self.assets)]


def preview_facts_of(p: dict) -> dict:
    """The engine's preview (`Engine.preview`) as plain values: fills as (price, size), rested, unfilled, taker_rate,
    reserve_asset, reserve, available — what `TradingFacade.preview` needs, and what crosses the bus."""
    result = p["result"]
    return {"fills": [(f.price, f.size) for f in result.fills], "rested": result.rested, "unfilled": result.unfilled,
            "taker_rate": p["taker_rate"], "reserve_asset": p["reserve_asset"], "reserve": p["reserve"],
            "available": p["available"]}


class Trading(TradingFacade):
    """The facade over the local engine and its sequencer (the only writer)."""

    def __init__(self, store, markets: Iterable[Market], assets: dict[str, int], books: dict[str, L2Book],
                 fee_rates: Callable[[str], tuple[Fraction, Fraction]], now_ms: Callable[[], int],
                 new_id: Callable[[str], str], reactions: Iterable[Reaction] = (), *, max_batch: int = 4096,
                 wait_for_writer: bool = False) -> None:
        if wait_for_writer:
            store.claim_writer(wait=True)
        else:
            store.claim_writer()
        self.engine = Engine(store, markets, assets, books, fee_rates, now_ms, new_id, reactions)
        super().__init__(store, self.engine.units, self.engine.assets)
        self.sequencer = Sequencer(self.engine, store, max_batch=max_batch)
        self._l2 = books

    @property
    def listeners(self) -> list:
        """Called in the engine's thread with each committed batch's `Committed` events, in commit order."""
        return self.sequencer.listeners

    def close(self) -> None:
        self.sequencer.close()

    # -- running them --------------------------------------------------------------------------------------------
    async def execute(self, command: Command):
        """Run a command from an event loop; the result once its effect is committed."""
        return await self.sequencer.submit_async(command)

    def call(self, command: Command):
        """Run a command from a thread that may block (not the event loop)."""
        return self.sequencer.call(command)

    def preview_facts(self, account: str, order: NewOrder) -> dict:
        return preview_facts_of(self.call(PreviewQuery(account, order)))

    def resting(self) -> dict[str, list[Order]]:
        """The books' resting orders per market (for consistency checks against the store)."""
        return self.call(Inspect(lambda engine: engine.resting()))

    async def exclusively_async(self, fn: Callable[[], object]) -> object:
        """Run `fn` in the engine's thread between two batches — a consistent view of the committed L2 books and of
        the event stream (nothing is published while it runs) — awaited from an event loop, which stays free while
        the engine gets to it."""
        return await self.sequencer.submit_async(Inspect(lambda engine: fn()))
