"""Committed trading changes -> stream events (the frames of spec/asyncapi.yaml, rendered like REST bodies).

`Publisher.committed` is the trading service's `on_commit` hook: it runs in the trading thread, under the
trading lock, right after a commit, so it renders the orders while they cannot change and hands the events to
the hub in commit order. With no connection open it renders only the book deltas (the hub's book copies need
them). It must never raise into trading: a rendering bug is logged and the events of that
commit are dropped (subscribers resynchronise from the next book snapshot).
"""

from __future__ import annotations

import logging

from impl.api import wire
from impl.domain.ledger import DEPOSITS, FEES
from impl.domain.units import to_string
from impl.ws.hub import Event, Hub

log = logging.getLogger("cooud.stream")
_SYSTEM = (DEPOSITS, FEES)


class Publisher:
    def __init__(self, trading, hub: Hub, now_ms) -> None:
        self._trading = trading
        self._hub = hub
        self._now_ms = now_ms

    def committed(self, changes, journal) -> None:
        if not self._hub.attached:  # no lifespan running: nobody can be subscribed, and attach() re-copies books
            return
        try:
            events = self._events(changes, journal)
        except Exception:
            log.exception("stream: could not render a commit's events")
            return
        self._hub.publish(events)

    def _events(self, changes, journal) -> list[Event]:
        events: list[Event] = []
        now = wire.timestamp(self._now_ms())
        for symbol, levels in changes.levels.items():
            u = self._trading.units(symbol)
            sequence = changes.sequences[symbol]
            last: dict[tuple[str, int], int] = {}
            for side, price, size in levels:
                last[(side, price)] = size  # the frame carries the final size per level, in first-change order
            bids = [_level(p, s, u.market) for (side, p), s in last.items() if side == "buy"]
            asks = [_level(p, s, u.market) for (side, p), s in last.items() if side == "sell"]
            frame = {"op": "book_delta", "channel": f"orderbook.{symbol}",
                     "data": {"symbol": symbol, "prev_sequence": sequence - len(levels), "sequence": sequence,
                              "bids": bids, "asks": asks, "ts": now}}
            events.append(Event(frame["channel"], frame, symbol=symbol, levels=tuple(levels)))
        if not self._hub.connections:
            # Nobody to deliver to: only the deltas are needed (they keep the hub's book copies in step), so the
            # trading lock is not held to render frames nobody reads. A connection opened meanwhile has not
            # subscribed yet, so it could not have received these events anyway.
            return events
        for trade in changes.trades:
            u = self._trading.units(trade.symbol)
            channel = f"trades.{trade.symbol}"
            events.append(Event(channel, {"op": "trade", "channel": channel, "data": wire.trade(trade, u.market)},
                                symbol=trade.symbol))
        for order in changes.orders.values():
            u = self._trading.units(order.symbol)
            events.append(Event("orders", {"op": "order", "channel": "orders", "data": wire.order(order, u)},
                                owner=order.account))
        for account, asset in sorted(journal.changed):
            if account in _SYSTEM:
                continue
            free, locked = journal.balances[(account, asset)]
            data = wire.balance(asset, free, locked, self._trading.assets[asset])
            events.append(Event("balances", {"op": "balance", "channel": "balances", "data": data}, owner=account))
        return events


def _level(price: int, size: int, market) -> list[str]:
    """[price, size] of a delta; a removed level is written "0", as the document says."""
    return [to_string(price, market.price_precision), to_string(size, market.size_precision) if size else "0"]
