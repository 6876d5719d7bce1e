"""Aggregated (L2) view of a market's resting orders, with a sequence number.

Invariants: every level has a positive size; `sequence` increases by exactly one per change and never
decreases (it is persisted with every change and restored at start-up); bids are returned highest price first,
asks lowest first. The trading service owns the order books (impl/domain/matching.py) and applies their level
changes here; a market that never traded has an empty book at sequence 0.

Threads: the engine applies a committed batch's changes (`apply`, `restore`) under the book's lock and readers
take their `snapshot` and `best` under it too, so a snapshot's sequence always matches its levels.

Away from the engine (a stream worker of the scaled deployment, impl/bus/events.py) the same views are kept from
the store and the event stream: `restore_books` sets them from the open orders and L2 sequences of one consistent
read (`OutboxStore.book_state`), and `apply_book_changes` moves them with each later command's `BookChanged`
events — which must continue each book's sequence exactly (`prev_sequence`), else `BookOutOfStep` is raised and
the views must be restored afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from impl.domain.events import BookChanged, Committed
from impl.domain.model import BookSnapshot
from impl.domain.orders import OrderState


class L2Book:
    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self.sequence = 0
        self._bids: dict[int, int] = {}
        self._asks: dict[int, int] = {}
        self._lock = threading.Lock()

    def set_level(self, side: str, price: int, size: int) -> int:
        """Set the total size at a price (0 removes the level); returns the new sequence."""
        if size < 0 or price <= 0:
            raise ValueError("price must be positive and size non-negative")
        levels = self._bids if side == "buy" else self._asks
        if size == 0:
            levels.pop(price, None)
        else:
            levels[price] = size
        self.sequence += 1
        return self.sequence

    def apply(self, levels) -> None:
        """Set several levels (side, price, size) at once, as one step for readers."""
        with self._lock:
            for side, price, size in levels:
                self.set_level(side, price, size)

    def restore(self, bids: list[tuple[int, int]], asks: list[tuple[int, int]], sequence: int) -> None:
        """Replace the levels and the sequence at once (start-up rebuild); not a change, so no new sequence."""
        with self._lock:
            self._bids, self._asks, self.sequence = dict(bids), dict(asks), sequence

    def best(self, side: str) -> tuple[int, int] | None:
        with self._lock:
            levels = self._bids if side == "buy" else self._asks
            if not levels:
                return None
            price = max(levels) if side == "buy" else min(levels)
            return price, levels[price]

    def snapshot(self, depth: int, ts_ms: int) -> BookSnapshot:
        with self._lock:
            bids = sorted(self._bids.items(), reverse=True)[:depth]
            asks = sorted(self._asks.items())[:depth]
            return BookSnapshot(self.symbol, self.sequence, bids, asks, ts_ms)


class BookOutOfStep(Exception):
    """A book change does not continue the view's sequence: the view must be restored from the store."""


def restore_books(books: dict[str, L2Book], symbols: Iterable[str], orders: Iterable[OrderState],
                  sequences: dict[str, int]) -> None:
    """Set the view of every market in `symbols` (created in `books` if missing) to the open `orders`' remaining
    sizes summed per side and price, at its L2 sequence (0 for a market that never changed)."""
    levels: dict[str, tuple[dict[int, int], dict[int, int]]] = {s: ({}, {}) for s in symbols}
    for o in orders:
        side = levels.setdefault(o.symbol, ({}, {}))[0 if o.side == "buy" else 1]
        side[o.price] = side.get(o.price, 0) + o.remaining
    for symbol, (bids, asks) in levels.items():
        books.setdefault(symbol, L2Book(symbol)).restore(list(bids.items()), list(asks.items()),
                                                         sequences.get(symbol, 0))


def apply_book_changes(books: dict[str, L2Book], committed: Committed) -> None:
    """Apply a command's `BookChanged` events; BookOutOfStep when one does not start at its book's sequence."""
    for e in committed.events:
        if type(e) is BookChanged:
            book = books.get(e.symbol)
            if book is None or book.sequence != e.prev_sequence:
                raise BookOutOfStep(f"{e.symbol}: change {e.prev_sequence}->{e.sequence} (event {committed.seq}) "
                                    f"on a view at {book.sequence if book else 'no book'}")
            book.apply(e.levels)
