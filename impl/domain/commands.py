"""Typed commands to the trading engine, and the codec of their results.

A command names one change of books, balances or orders; the engine (impl/domain/engine.py) is the only code that
applies them. The API layer (through impl/domain/trading.py) builds commands from requests it has already checked
against the market's static rules (`NewOrder` is in integer units), submits them and awaits their results.
`origin` says who asked: "api" (a caller, `account` is theirs), "operator" (a CLI command) or "engine" (a reaction
the engine itself ran after another command, see `Reaction` in impl/domain/engine.py).

`idempotency_key`, when set, makes the engine store the command's result under (account, key) in the same
transaction as its effect, so a retry after a crash between commit and answer is answered from it (the API
layer renders it; impl/api/orders.py). Results are the domain's own records: an `OrderState`, a `ConditionalOrder`,
an `OrderList`, a list of `OrderState | DomainError` for batches, `(free, locked)` for a deposit.
`encode_result`/`decode_result` store them as JSON.

`encode_command`/`decode_command` carry every command type as JSON (the bus to an engine in another process,
impl/bus/): `decode_command(encode_command(c)) == c` for every command, except that a `DomainError` item of
`PlaceOrders` comes back as an `OrderRejected` with the same code, message and field (errors compare by identity;
the one error mapping, impl/errors.py, answers both alike).

Queries (`Preview`, `Inspect`) run in the engine's thread between batches — a consistent view of the books — and
write nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields

import orjson

from impl.domain.conditional import ConditionalOrder, NewConditional
from impl.domain.errors import DomainError, OrderRejected
from impl.domain.events import order_list_of
from impl.domain.order_lists import OrderList
from impl.domain.orders import NewOrder, OrderState


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    account: str
    order: NewOrder
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class PlaceOrders:
    """Each order as PlaceOrder would, in order; an item that failed the edge's checks is passed as its error."""

    account: str
    orders: tuple[NewOrder | DomainError, ...]
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class CancelOrder:
    account: str
    order_id: str
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class CancelOrders:
    account: str
    order_ids: tuple[str, ...]
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class CancelAll:
    """Cancel the account's open orders (kind "normal"), waiting conditional orders ("conditional") or both ("all"),
    in one market or in all (`symbol` None), optionally of one side; the result lists orders, then conditional
    orders, each by id."""

    account: str
    symbol: str | None
    side: str | None = None
    idempotency_key: str | None = None
    origin: str = "api"
    kind: str = "normal"


@dataclass(frozen=True, slots=True)
class AmendOrder:
    account: str
    order_id: str
    price: str | None
    size: str | None
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class AmendOrders:
    """Amend several orders of one market, each as AmendOrder would, in order: items (order_id, price, size)."""

    account: str
    symbol: str
    items: tuple[tuple[str, str | None, str | None], ...]
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class ReplaceQuotes:
    """Cancel `owner`'s open quotes in `symbol` and place these levels ((price, size) in integer units) as limit GTC
    orders, atomically (bulk quotes); `owner` is the credential that quotes (an API key's or a session's id)."""

    account: str
    symbol: str
    owner: str
    bids: tuple[tuple[int, int], ...]
    asks: tuple[tuple[int, int], ...]
    post_only: bool = False
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class PlaceConditional:
    account: str
    order: NewConditional
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class CancelConditional:
    account: str
    conditional_id: str
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class TrackPrices:
    """Engine-originated: the trades of the last command moved these markets' last prices, in order ((symbol,
    price) per trade): move trailing stops and fire what they cross (impl/domain/conditional.py)."""

    moves: tuple[tuple[str, int], ...]
    account: str = ""
    idempotency_key: None = None
    origin: str = "engine"


@dataclass(frozen=True, slots=True)
class PlaceOrderList:
    """A strategy order (impl/domain/order_lists.py): `legs` are the leg requests as accepted (wire strings)."""

    account: str
    type: str
    legs: tuple[dict, ...]
    client_list_id: str | None = None
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class CancelOrderList:
    account: str
    order_list_id: str
    idempotency_key: str | None = None
    origin: str = "api"


@dataclass(frozen=True, slots=True)
class ActivateLists:
    """Engine-originated: these lists' working orders filled completely in the last command: place their pending
    legs."""

    list_ids: tuple[str, ...]
    account: str = ""
    idempotency_key: None = None
    origin: str = "engine"


@dataclass(frozen=True, slots=True)
class Deposit:
    account: str
    asset: str
    amount: int  # minor units of the asset, > 0
    ref: str
    idempotency_key: str | None = None
    origin: str = "operator"


Command = (PlaceOrder | PlaceOrders | CancelOrder | CancelOrders | CancelAll | AmendOrder | AmendOrders
           | ReplaceQuotes | PlaceConditional | CancelConditional | TrackPrices | PlaceOrderList | CancelOrderList
           | ActivateLists | Deposit)


@dataclass(frozen=True, slots=True)
class Preview:
    account: str
    order: NewOrder


@dataclass(frozen=True, slots=True)
class Inspect:
    """Run `fn(engine)` in the engine's thread between two batches (consistent reads, test hooks)."""

    fn: Callable


Query = Preview | Inspect


@dataclass(frozen=True, slots=True)
class QuotesReplaced:
    """The result of ReplaceQuotes: the quotes cancelled and the orders placed (bids, then asks)."""

    symbol: str
    cancelled: tuple[OrderState, ...]
    placed: tuple[OrderState, ...]


# -- results, stored with their effect under an idempotency key ------------------------------------------------
def encode_result(outcome) -> bytes:
    return orjson.dumps(_plain(outcome))


def _plain(outcome):
    if isinstance(outcome, OrderState):
        return {"order": outcome}
    if isinstance(outcome, ConditionalOrder):
        return {"conditional": outcome}
    if isinstance(outcome, OrderList):
        return {"order_list": outcome}
    if isinstance(outcome, QuotesReplaced):
        return {"quotes": outcome}
    if isinstance(outcome, DomainError):
        return {"error": {"code": outcome.code, "message": outcome.message, "field": outcome.field}}
    if isinstance(outcome, list):
        return {"items": [_plain(item) for item in outcome]}
    if isinstance(outcome, tuple):
        return {"tuple": list(outcome)}
    raise TypeError(f"cannot store a result of type {type(outcome).__name__}")


def decode_result(blob: bytes | str):
    return _typed(orjson.loads(blob))


def _typed(data: dict):
    if "order" in data:
        return OrderState(**data["order"])
    if "conditional" in data:
        return ConditionalOrder(**data["conditional"])
    if "order_list" in data:
        return order_list_of(data["order_list"])
    if "quotes" in data:
        q = data["quotes"]
        return QuotesReplaced(q["symbol"], tuple(OrderState(**o) for o in q["cancelled"]),
                              tuple(OrderState(**o) for o in q["placed"]))
    if "error" in data:
        e = data["error"]
        return OrderRejected(e["code"], e["message"], field=e["field"])
    if "items" in data:
        return [_typed(item) for item in data["items"]]
    return tuple(data["tuple"])


# -- commands, carried between processes ----------------------------------------------------------------------
_COMMANDS: dict[str, type] = {c.__name__: c for c in (PlaceOrder, PlaceOrders, CancelOrder, CancelOrders, CancelAll,
                                                      AmendOrder, AmendOrders, PlaceConditional, CancelConditional,
                                                      TrackPrices, PlaceOrderList, CancelOrderList, ActivateLists,
                                                      ReplaceQuotes, Deposit)}


def encode_command(command: Command) -> bytes:
    data = {f.name: getattr(command, f.name) for f in fields(command)}
    if isinstance(command, PlaceOrder | PlaceConditional):
        data["order"] = asdict(command.order)
    elif isinstance(command, PlaceOrders):
        data["orders"] = [_plain(item) if isinstance(item, DomainError) else {"new": asdict(item)}
                          for item in command.orders]
    elif isinstance(command, PlaceOrderList):
        data["list_type"] = data.pop("type")  # "type" names the command: the list's own would overwrite it
    return orjson.dumps({"type": type(command).__name__, **data})


def decode_command(blob: bytes | str) -> Command:
    data = orjson.loads(blob)
    kind = _COMMANDS[data.pop("type")]
    if kind is PlaceOrder:
        data["order"] = NewOrder(**data["order"])
    elif kind is PlaceConditional:
        data["order"] = NewConditional(**data["order"])
    elif kind is TrackPrices:
        data["moves"] = tuple(tuple(move) for move in data["moves"])
    elif kind is PlaceOrderList:
        data["type"] = data.pop("list_type")
        data["legs"] = tuple(data["legs"])
    elif kind is ActivateLists:
        data["list_ids"] = tuple(data["list_ids"])
    elif kind is PlaceOrders:
        data["orders"] = tuple(NewOrder(**item["new"]) if "new" in item else _typed(item) for item in data["orders"])
    elif kind is CancelOrders:
        data["order_ids"] = tuple(data["order_ids"])
    elif kind is AmendOrders:
        data["items"] = tuple(tuple(item) for item in data["items"])
    elif kind is ReplaceQuotes:
        data["bids"] = tuple(tuple(level) for level in data["bids"])
        data["asks"] = tuple(tuple(level) for level in data["asks"])
    return kind(**data)
