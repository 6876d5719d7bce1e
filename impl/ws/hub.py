"""The stream's fan-out: which connection is subscribed to which channel, and delivery of events to them.

Threads: the engine's thread hands committed events to `post`/`publish` (impl/ws/events.py), which post them to
the event loop in commit order; everything else here runs on the loop, so the subscription tables need no lock.
Hence events reach every subscriber in commit order.

Order book consistency: the hub keeps its own copy of every market's L2 book and applies each delta to it as
the delta is dispatched. A snapshot sent to a subscriber is taken from that copy on the loop, between two
deltas, so `snapshot.sequence` is exactly the `prev_sequence` of the next delta that subscriber receives. The
copy is taken from the engine's committed L2 books in the engine's thread between two batches (`attach`, through
`Trading.exclusively_async`), and the copy, the REST
snapshot and the deltas all carry the same sequence numbers (impl/domain/book.py).

Memory: each connection's send queue is bounded (impl/ws/connection.py); the hub itself holds only the
subscription tables, the book copies and the set of markets whose ticker or candles changed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from impl.domain.book import L2Book

log = logging.getLogger("cooud.stream")

CANDLE_INTERVALS = ("1m", "5m", "15m", "1h", "4h", "1d")
PRIVATE_CHANNELS = ("orders", "conditional_orders", "order_lists", "balances", "withdrawals")


@dataclass(frozen=True)
class Event:
    """One frame for one channel. `owner` is the account of a private channel's event, else None.
    `levels` (book deltas only) are the (side, price, size) changes in minor units, applied to the hub's copy."""

    channel: str
    frame: dict
    owner: str | None = None
    symbol: str | None = None
    levels: tuple = ()


def dumps(frame: dict) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


class Hub:
    def __init__(self, render_book: Callable[[L2Book], dict]) -> None:
        self._render_book = render_book  # L2Book -> the REST OrderBook shape
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subs: dict[str, set] = {}  # channel key -> connections
        self._books: dict[str, L2Book] = {}
        self.connections: set = set()
        self.credentials: dict[str, set] = {}  # credential (Grant.id, impl/domain/identity.py) -> its connections
        self.changed_markets: set[str] = set()  # markets whose ticker/candles may have changed
        self.delivered = 0  # frames handed to connection queues (for benchmarks and tests)

    # -- life cycle (the app's lifespan) ------------------------------------------------------------------------
    def attach(self, loop: asyncio.AbstractEventLoop, books: dict[str, L2Book]) -> None:
        """Start delivering on `loop`, from a copy of `books`. Call while trading is paused."""
        self._books = {}
        for symbol, book in books.items():
            copy = L2Book(symbol)
            snap = book.snapshot(1 << 30, 0)
            copy.restore(snap.bids, snap.asks, book.sequence)
            self._books[symbol] = copy
        self._loop = loop

    def detach(self) -> None:
        self._loop = None

    @property
    def attached(self) -> bool:
        return self._loop is not None

    # -- from any thread ----------------------------------------------------------------------------------------
    def post(self, fn, *args) -> None:
        """Run `fn(*args)` on the loop, after everything posted before it."""
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the loop closed under us (shutdown): nobody is listening any more
            self._loop = None

    def publish(self, events: list[Event]) -> None:
        if events:
            self.post(self.dispatch, events)

    # -- on the loop --------------------------------------------------------------------------------------------
    def dispatch(self, events: Iterable[Event]) -> None:
        for event in events:
            if event.levels:
                self._apply(event)
            if event.symbol is not None:  # trades move the ticker and candles; book changes its best bid/ask
                self.changed_markets.add(event.symbol)
            subscribers = self._subs.get(_key(event.channel, event.owner))
            if subscribers:
                self.send_to(subscribers, event.frame)

    def send_to(self, connections: Iterable, frame: dict) -> None:
        """Queue one frame, serialised once, to each connection."""
        text = dumps(frame)
        for conn in tuple(connections):
            conn.offer(text)
            self.delivered += 1

    def _apply(self, event: Event) -> None:
        book = self._books.get(event.symbol)
        if book is None:
            return
        for side, price, size in event.levels:
            book.set_level(side, price, size)
        expected = event.frame["data"]["sequence"]
        if book.sequence != expected:  # cannot happen while events arrive in commit order; say so loudly if it does
            log.error("stream book copy of %s at %d, delta says %d", event.symbol, book.sequence, expected)

    def book(self, symbol: str) -> L2Book | None:
        return self._books.get(symbol)

    def book_frame(self, symbol: str) -> dict:
        return {"op": "book_snapshot", "channel": f"orderbook.{symbol}", "data": self._render_book(self._books[symbol])}

    # -- subscriptions ------------------------------------------------------------------------------------------
    def subscribe(self, conn, channel: str, owner: str | None) -> None:
        self._subs.setdefault(_key(channel, owner), set()).add(conn)

    def unsubscribe(self, conn, channel: str, owner: str | None) -> None:
        key = _key(channel, owner)
        subscribers = self._subs.get(key)
        if subscribers is not None:
            subscribers.discard(conn)
            if not subscribers:
                del self._subs[key]

    def subscribers(self, channel: str, owner: str | None = None) -> set:
        return self._subs.get(_key(channel, owner), set())

    def channels(self, prefix: str) -> list[str]:
        """Public channels with at least one subscriber whose name starts with `prefix`."""
        return [key for key in self._subs if key.startswith(prefix) and "#" not in key]

    def add(self, conn) -> None:
        self.connections.add(conn)

    def remove(self, conn) -> None:
        self.connections.discard(conn)
        for channel in list(conn.channels):
            self.unsubscribe(conn, channel, conn.owner(channel))
        if conn.credential is not None:
            holders = self.credentials.get(conn.credential)
            if holders is not None:
                holders.discard(conn)
                if not holders:
                    del self.credentials[conn.credential]


def _key(channel: str, owner: str | None) -> str:
    return channel if owner is None else f"{channel}#{owner}"
