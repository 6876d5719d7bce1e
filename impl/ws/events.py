"""Committed engine events -> stream events (the frames of spec/asyncapi.yaml, rendered like REST bodies).

`Publisher.committed` is an engine listener (impl/domain/sequencer.py): it is called in the engine's thread after
each commit with that batch's `Committed` records in sequence order, and only posts them to the event loop; the
frames are rendered there (`_deliver`), so the engine never pays for rendering. Posts reach the loop in commit
order, hence every subscriber gets events in commit order. With no connection open only the book deltas are
built (the hub's book copies need them). Rendering must never break delivery: a rendering bug is logged and that
batch's frames are dropped (subscribers resynchronise from the next book snapshot).
"""

from __future__ import annotations

import logging

from impl.api import wire
from impl.domain.events import (
    BalanceChanged,
    BookChanged,
    ConditionalUpdated,
    OrderListUpdated,
    OrderUpdated,
    TradeMade,
)
from impl.domain.ledger import DEPOSITS, FEES
from impl.domain.units import to_string
from impl.ws.hub import Event, Hub

log = logging.getLogger("cooud.stream")
_SYSTEM = (DEPOSITS, FEES)


class Publisher:
    def __init__(self, trading, hub: Hub) -> None:
        self._trading = trading
        self._hub = hub

    def committed(self, batch: list) -> None:
        """Engine thread: hand the batch to the loop (nothing to do while no lifespan runs: nobody can be
        subscribed, and attach() re-copies the books)."""
        if self._hub.attached:
            self._hub.post(self._deliver, batch)

    def _deliver(self, batch: list) -> None:
        try:
            events = self._events(batch)
        except Exception:
            log.exception("stream: could not render a commit's events")
            return
        self._hub.dispatch(events)

    def _events(self, batch: list) -> list[Event]:
        events: list[Event] = []
        everyone = bool(self._hub.connections)
        for committed in batch:
            now = wire.timestamp(committed.ts_ms)
            for e in committed.events:
                kind = type(e)
                if kind is BookChanged:
                    events.append(self._delta(e, now))
                elif not everyone:
                    continue  # nobody to deliver to: only the deltas are needed (the hub's book copies)
                elif kind is TradeMade:
                    channel = f"trades.{e.trade.symbol}"
                    data = wire.trade(e.trade, self._trading.units(e.trade.symbol).market)
                    events.append(Event(channel, {"op": "trade", "channel": channel, "data": data},
                                        symbol=e.trade.symbol))
                elif kind is OrderUpdated:
                    data = wire.order(e.order, self._trading.units(e.order.symbol))
                    events.append(Event("orders", {"op": "order", "channel": "orders", "data": data},
                                        owner=e.order.account))
                elif kind is ConditionalUpdated:
                    c = e.conditional
                    data = wire.conditional_order(c, self._trading.units(c.symbol))
                    events.append(Event("conditional_orders", {"op": "conditional_order",
                                                               "channel": "conditional_orders", "data": data},
                                        owner=c.account))
                elif kind is OrderListUpdated:
                    lst = e.order_list
                    events.append(Event("order_lists", {"op": "order_list", "channel": "order_lists",
                                                        "data": wire.order_list(lst)}, owner=lst.account))
                elif kind is BalanceChanged and e.account not in _SYSTEM:
                    data = wire.balance(e.asset, e.free, e.locked, self._trading.assets[e.asset])
                    events.append(Event("balances", {"op": "balance", "channel": "balances", "data": data},
                                        owner=e.account))
        return events

    def _delta(self, e: BookChanged, now: str) -> Event:
        market = self._trading.units(e.symbol).market
        last: dict[tuple[str, int], int] = {}
        for side, price, size in e.levels:
            last[(side, price)] = size  # the frame carries the final size per level, in first-change order
        bids = [_level(p, s, market) for (side, p), s in last.items() if side == "buy"]
        asks = [_level(p, s, market) for (side, p), s in last.items() if side == "sell"]
        frame = {"op": "book_delta", "channel": f"orderbook.{e.symbol}",
                 "data": {"symbol": e.symbol, "prev_sequence": e.prev_sequence, "sequence": e.sequence,
                          "bids": bids, "asks": asks, "ts": now}}
        return Event(frame["channel"], frame, symbol=e.symbol, levels=e.levels)


def _level(price: int, size: int, market) -> list[str]:
    """[price, size] of a delta; a removed level is written "0", as the document says."""
    return [to_string(price, market.price_precision), to_string(size, market.size_precision) if size else "0"]
