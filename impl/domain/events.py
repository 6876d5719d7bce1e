"""The engine's events: what one committed command changed, as typed records, in the order it changed them.

Every command that changes anything produces one `Committed` — its engine sequence number, its time and its
events — written to the outbox in the same transaction as its effect (impl/domain/engine.py) and handed to
in-process listeners after that commit, in sequence order (impl/domain/sequencer.py). A consumer that remembers
the last sequence it handled resumes after it from the outbox (impl/domain/outbox.py), across a reconnect or a
restart, and sees every event once and in order.

Order of events within a command: book deltas (per market, with the L2 sequences they move between), then
trades, fills, order updates (final state of each order the command touched), conditional-order and strategy-order
updates (likewise) and balance changes (free and locked after the command) — the order the stream publishes them in.

Encoding: `encode` writes a JSON array of [kind, payload] pairs (orjson; payloads are the records' fields);
`decode` reads it back into the same records, so the outbox is readable by any consumer, not just Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from impl.domain.conditional import ConditionalOrder
from impl.domain.model import Trade
from impl.domain.order_lists import Leg, OrderList
from impl.domain.orders import FillRecord, OrderState


@dataclass(frozen=True, slots=True)
class BookChanged:
    symbol: str
    prev_sequence: int
    sequence: int
    levels: tuple[tuple[str, int, int], ...]  # (side, price, new total size) in change order; size 0 removes


@dataclass(frozen=True, slots=True)
class TradeMade:
    trade: Trade


@dataclass(frozen=True, slots=True)
class FillMade:
    fill: FillRecord


@dataclass(frozen=True, slots=True)
class OrderUpdated:
    order: OrderState  # a snapshot: the order as the command left it


@dataclass(frozen=True, slots=True)
class ConditionalUpdated:
    conditional: ConditionalOrder  # a snapshot: the conditional order as the command left it


@dataclass(frozen=True, slots=True)
class OrderListUpdated:
    order_list: OrderList  # a snapshot: the strategy order as the command left it


@dataclass(frozen=True, slots=True)
class BalanceChanged:
    account: str
    asset: str
    free: int
    locked: int


Event = BookChanged | TradeMade | FillMade | OrderUpdated | ConditionalUpdated | OrderListUpdated | BalanceChanged


@dataclass(frozen=True, slots=True)
class Committed:
    """One command's events, as committed: `seq` is the engine's sequence (strictly increasing, no gaps)."""

    seq: int
    ts_ms: int
    events: tuple[Event, ...]


_KIND = {BookChanged: "book", TradeMade: "trade", FillMade: "fill", OrderUpdated: "order",
         ConditionalUpdated: "conditional", OrderListUpdated: "order_list", BalanceChanged: "balance"}


def encode(events) -> bytes:
    return orjson.dumps([(_KIND[type(e)], e) for e in events])


def decode(blob: bytes | str) -> tuple[Event, ...]:
    out: list[Event] = []
    for kind, data in orjson.loads(blob):
        if kind == "book":
            out.append(BookChanged(data["symbol"], data["prev_sequence"], data["sequence"],
                                   tuple(tuple(level) for level in data["levels"])))
        elif kind == "trade":
            out.append(TradeMade(Trade(**data["trade"])))
        elif kind == "fill":
            out.append(FillMade(FillRecord(**data["fill"])))
        elif kind == "order":
            out.append(OrderUpdated(OrderState(**data["order"])))
        elif kind == "conditional":
            out.append(ConditionalUpdated(ConditionalOrder(**data["conditional"])))
        elif kind == "order_list":
            out.append(OrderListUpdated(order_list_of(data["order_list"])))
        elif kind == "balance":
            out.append(BalanceChanged(**data))
        else:
            raise ValueError(f"unknown event kind {kind!r}")
    return tuple(out)


def order_list_of(data: dict) -> OrderList:
    """An OrderList from its JSON form (legs as objects)."""
    return OrderList(**{**data, "legs": [Leg(**leg) for leg in data["legs"]]})
